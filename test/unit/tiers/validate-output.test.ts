import { describe, expect, it } from "vitest";
import { jobInputSchema, type JobInput } from "../../../src/jobs/job-schema.js";
import { normalizeLabel, validateOutput, type OutputVerdict } from "../../../src/tiers/validate-output.js";

const job = (fields: Partial<JobInput> & Pick<JobInput, "kind">): JobInput => jobInputSchema.parse({ prompt: "input text", ...fields });

const classify = job({ kind: "classify", labels: ["Billing", "technical-support", "account_access", "Other"] });
const extract = job({ kind: "extract", schema: { type: "object", required: ["vendor", "total"] } });

const accepted = (verdict: OutputVerdict) => {
  if (!verdict.ok) throw new Error(`expected ok, got: ${verdict.reason}`);
  return verdict.result;
};
const rejected = (verdict: OutputVerdict) => {
  if (verdict.ok) throw new Error(`expected a rejection, got ok: ${verdict.result}`);
  return verdict.reason;
};

describe("validateOutput: empty answers", () => {
  it.each(["classify", "extract", "summarize", "generate"] as const)("rejects a blank %s answer", (kind) => {
    const target = kind === "classify" ? classify : kind === "extract" ? extract : job({ kind });
    for (const text of ["", "   ", "\n\t \n", "\u00a0\u2003"]) {
      expect(validateOutput(target, text)).toEqual({ ok: false, reason: "empty answer" });
    }
  });
});

describe("validateOutput: classify", () => {
  it("accepts the label as written and returns it", () => {
    expect(accepted(validateOutput(classify, "Billing"))).toBe("Billing");
    expect(accepted(validateOutput(classify, "  technical-support\n"))).toBe("technical-support");
  });

  it.each([
    ["billing", "Billing"],
    ["BILLING", "Billing"],
    ['"Billing"', "Billing"],
    ["'billing'", "Billing"],
    ["`billing`", "Billing"],
    ["“Billing”", "Billing"],
    ["[Billing]", "Billing"],
    ["(billing)", "Billing"],
    ["**Billing**", "Billing"],
    ["Billing.", "Billing"],
    ["Label: Billing", "Billing"],
    ["label:billing", "Billing"],
    ["Category: Other.", "Other"],
    ["**Label:** billing", "Billing"],
    ['Label: ["billing"].', "Billing"],
    ["technical support", "technical-support"],
    ["Technical_Support", "technical-support"],
    ["technical -  support", "technical-support"],
    ["account access", "account_access"],
    ["ACCOUNT-ACCESS", "account_access"],
  ])("normalises %j to %j", (answer, label) => {
    expect(accepted(validateOutput(classify, answer))).toBe(label);
  });

  it("rejects a sentence that merely mentions a label, quoting it and listing the labels", () => {
    const reason = rejected(validateOutput(classify, "I think it's billing"));
    expect(reason).toBe(
      'answer "I think it\'s billing" is not one of the allowed labels: Billing, technical-support, account_access, Other',
    );
  });

  it("rejects an answer naming two labels", () => {
    expect(rejected(validateOutput(classify, "Billing, Other"))).toContain("is not one of the allowed labels");
    expect(rejected(validateOutput(classify, "Billing or technical-support"))).toContain("is not one of the allowed labels");
  });

  it("rejects an answer that normalises to two different labels", () => {
    const clashing = job({ kind: "classify", labels: ["follow-up", "follow_up", "done"] });
    expect(rejected(validateOutput(clashing, "Follow Up"))).toBe('answer "Follow Up" matches more than one label (follow-up, follow_up)');
    // ...but the exact spelling of one of them is not ambiguous.
    expect(accepted(validateOutput(clashing, "follow_up"))).toBe("follow_up");
  });

  it("rejects unknown labels and wrappers with nothing inside", () => {
    expect(rejected(validateOutput(classify, "refund"))).toContain('answer "refund" is not one of the allowed labels');
    expect(rejected(validateOutput(classify, '""'))).toContain("is not one of the allowed labels");
    expect(rejected(validateOutput(classify, "Label:"))).toContain("is not one of the allowed labels");
  });

  it("truncates a long answer to 80 characters in the reason", () => {
    const long = `The ticket is about ${"a recurring charge that the customer does not recognise ".repeat(5)}`;
    const reason = rejected(validateOutput(classify, long));
    const quoted = /^answer "(.*)" is not one/.exec(reason)?.[1];
    expect(quoted).toBeDefined();
    expect(quoted!.length).toBe(80);
    expect(quoted!.endsWith("…")).toBe(true);
    expect(long.startsWith(quoted!.slice(0, 79))).toBe(true);
  });

  it("normalizeLabel folds case, wrappers, prefixes and separators", () => {
    expect(normalizeLabel(' "Label: Account_Access." ')).toBe("account access");
    expect(normalizeLabel("a - b __ c")).toBe("a b c");
  });
});

describe("validateOutput: extract", () => {
  it("accepts a JSON object with the required keys and re-serialises it compactly", () => {
    const text = '{\n  "vendor": "ACME",\n  "total": 12.5,\n  "lines": [1, 2]\n}';
    expect(accepted(validateOutput(extract, text))).toBe('{"vendor":"ACME","total":12.5,"lines":[1,2]}');
  });

  it("strips a surrounding ```json fence, or a bare ``` fence", () => {
    expect(accepted(validateOutput(extract, '```json\n{"vendor": "ACME", "total": 1}\n```'))).toBe('{"vendor":"ACME","total":1}');
    expect(accepted(validateOutput(extract, '  ```\n{"vendor": "A", "total": 2}\n```  '))).toBe('{"vendor":"A","total":2}');
    expect(accepted(validateOutput(extract, '```json {"vendor": "B", "total": 3}```'))).toBe('{"vendor":"B","total":3}');
  });

  it("names the missing required keys", () => {
    expect(rejected(validateOutput(extract, '{"vendor": "ACME"}'))).toBe("JSON object is missing required key: total");
    expect(rejected(validateOutput(extract, "{}"))).toBe("JSON object is missing required keys: vendor, total");
  });

  it("counts a key that is present with a null value as present", () => {
    expect(accepted(validateOutput(extract, '{"vendor": null, "total": 0}'))).toBe('{"vendor":null,"total":0}');
  });

  it("rejects arrays, primitives and null", () => {
    const free = job({ kind: "extract" });
    expect(rejected(validateOutput(free, "[1, 2]"))).toMatch(/^expected a JSON object, got an array/);
    expect(rejected(validateOutput(free, '"text"'))).toMatch(/^expected a JSON object, got a string/);
    expect(rejected(validateOutput(free, "42"))).toMatch(/^expected a JSON object, got a number/);
    expect(rejected(validateOutput(free, "null"))).toMatch(/^expected a JSON object, got null/);
  });

  it("rejects text that is not JSON, including JSON wrapped in prose", () => {
    const free = job({ kind: "extract" });
    expect(rejected(validateOutput(free, "vendor: ACME"))).toMatch(/^answer is not valid JSON/);
    expect(rejected(validateOutput(free, 'Here you go: {"vendor": "ACME"}'))).toMatch(/^answer is not valid JSON/);
    expect(rejected(validateOutput(free, '```json\n{"vendor": \n```'))).toMatch(/^answer is not valid JSON/);
  });

  it("accepts any object when the job has no schema, or a schema without required keys", () => {
    expect(accepted(validateOutput(job({ kind: "extract" }), '{"a": 1}'))).toBe('{"a":1}');
    const loose = job({ kind: "extract", schema: { type: "object", properties: { a: { type: "number" } } } });
    expect(accepted(validateOutput(loose, '{"b": 2}'))).toBe('{"b":2}');
  });

  it("does not take inherited properties for required keys", () => {
    const proto = job({ kind: "extract", schema: { required: ["toString", "constructor"] } });
    expect(rejected(validateOutput(proto, '{"a": 1}'))).toBe("JSON object is missing required keys: toString, constructor");
  });
});

describe("validateOutput: extract against the whole JSON schema (issue 16 item 12)", () => {
  const invoice = job({
    kind: "extract",
    schema: {
      type: "object",
      required: ["vendor", "total", "currency"],
      properties: {
        vendor: { type: "string" },
        total: { type: "number" },
        currency: { enum: ["EUR", "USD"] },
        lines: { type: "array", items: { type: "object", required: ["sku"] } },
      },
    },
  });

  it("rejects wrong types, values outside an enum and bad nested items, naming where", () => {
    expect(rejected(validateOutput(invoice, '{"vendor": 5, "total": "12", "currency": "EUR"}'))).toBe(
      "answer does not match the schema: at /vendor: must be string; at /total: must be number",
    );
    expect(rejected(validateOutput(invoice, '{"vendor": "A", "total": 1, "currency": "GBP"}'))).toBe(
      "answer does not match the schema: at /currency: must be equal to one of the allowed values (EUR, USD)",
    );
    expect(rejected(validateOutput(invoice, '{"vendor": "A", "total": 1, "currency": "EUR", "lines": [{}]}'))).toMatch(
      /^answer does not match the schema: at \/lines\/0: must have required property 'sku'/,
    );
    expect(accepted(validateOutput(invoice, '{"vendor": "A", "total": 1, "currency": "EUR", "lines": [{"sku": "x"}]}'))).toBe(
      '{"vendor":"A","total":1,"currency":"EUR","lines":[{"sku":"x"}]}',
    );
  });

  it("takes an array for an array schema, and refuses the array wrapped in an object", () => {
    const list = job({ kind: "extract", schema: { type: "array", items: { type: "string" } } });
    expect(accepted(validateOutput(list, '["a", "b"]'))).toBe('["a","b"]');
    expect(rejected(validateOutput(list, '{"value": ["a", "b"]}'))).toBe("answer does not match the schema: at (root): must be array");
  });
});

describe("validateOutput: summarize and generate", () => {
  it.each(["summarize", "generate"] as const)("accepts any non-empty %s answer, trimmed", (kind) => {
    expect(validateOutput(job({ kind }), "\n  A short answer.  \n")).toEqual({ ok: true, result: "A short answer." });
  });
});
