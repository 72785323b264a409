import { describe, expect, it } from "vitest";
import { describeIssues, JOB_KINDS, jobInputSchema, MAX_PROMPT_CHARS, queuedJobSchema } from "../../../src/jobs/job-schema.js";

/** The error text a producer would see for this job, or "OK". */
function check(job: unknown): string {
  const parsed = jobInputSchema.safeParse(job);
  return parsed.success ? "OK" : describeIssues(parsed.error);
}

const ID_MESSAGE = "id: id must be 1-200 characters of letters, digits and . _ : @ / - (starting with a letter or digit)";

describe("jobInputSchema: valid jobs", () => {
  it("knows four kinds", () => {
    expect(JOB_KINDS).toEqual(["classify", "summarize", "extract", "generate"]);
  });

  it("accepts a classify job and trims its labels", () => {
    const parsed = jobInputSchema.parse({ id: "ticket-1", kind: "classify", prompt: "refund please", labels: [" billing ", "shipping"] });
    expect(parsed).toEqual({ id: "ticket-1", kind: "classify", prompt: "refund please", labels: ["billing", "shipping"] });
  });

  it("accepts a summarize job", () => {
    expect(check({ kind: "summarize", prompt: "A long article." })).toBe("OK");
  });

  it("accepts an extract job with a schema", () => {
    const job = { kind: "extract", prompt: "Invoice 42, total $10", schema: { type: "object", properties: { total: { type: "number" } } } };
    expect(jobInputSchema.parse(job)).toEqual(job);
  });

  it("accepts an extract job without a schema", () => {
    expect(check({ kind: "extract", prompt: "Invoice 42" })).toBe("OK");
  });

  it("accepts a generate job with every optional field", () => {
    const job = {
      id: "batch-7/job:3@eu_1.x",
      kind: "generate",
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello" },
        { role: "user", content: "Write a haiku" },
      ],
      system: "Be brief.",
      feature: "marketing/haiku:v2.1-beta_x",
      tier: "premium",
      model: "gpt-5-mini",
      maxOutputTokens: 200_000,
      metadata: { customer: "acme", n: 1 },
    };
    expect(jobInputSchema.parse(job)).toEqual(job);
  });

  it("accepts ids of exactly 200 characters, and printable punctuation after the first character", () => {
    expect(check({ kind: "generate", prompt: "x", id: "a".repeat(200) })).toBe("OK");
    expect(check({ kind: "generate", prompt: "x", id: "job-42" })).toBe("OK");
    expect(check({ kind: "generate", prompt: "x", id: "0x42" })).toBe("OK");
  });
});

describe("jobInputSchema: rejections name the field and the reason", () => {
  it.each([
    ["no prompt or messages", { kind: "generate" }, "prompt: a job needs a prompt or messages"],
    [
      "both prompt and messages",
      { kind: "generate", prompt: "a", messages: [{ role: "user", content: "b" }] },
      "messages: give either prompt or messages, not both",
    ],
    ["classify without labels", { kind: "classify", prompt: "a" }, "labels: classify jobs need labels (or --labels on the CLI)"],
    ["one label", { kind: "classify", prompt: "a", labels: ["yes"] }, "labels: classify needs at least two labels"],
    ["labels on summarize", { kind: "summarize", prompt: "a", labels: ["yes", "no"] }, "labels: labels only apply to classify jobs"],
    ["schema on generate", { kind: "generate", prompt: "a", schema: { type: "object" } }, "schema: schema only applies to extract jobs"],
    [
      "schema on classify",
      { kind: "classify", prompt: "a", labels: ["a", "b"], schema: {} },
      "schema: schema only applies to extract jobs",
    ],
    ["an unknown key", { kind: "generate", prompt: "a", priority: 1 }, 'Unrecognized key: "priority"'],
    ["a bare-integer id", { kind: "generate", prompt: "a", id: "42" }, "id: id must not be a bare integer (prefix it, e.g. job-42)"],
    ["an id with spaces", { kind: "generate", prompt: "a", id: "job 42" }, ID_MESSAGE],
    ["an id of 201 characters", { kind: "generate", prompt: "a", id: "a".repeat(201) }, ID_MESSAGE],
    ["an id starting with punctuation", { kind: "generate", prompt: "a", id: "-job" }, ID_MESSAGE],
    ["an empty id", { kind: "generate", prompt: "a", id: "" }, ID_MESSAGE],
    [
      "a feature with SQL injection text",
      { kind: "generate", prompt: "a", feature: "x'; drop table requests;--" },
      "feature: feature must be letters, digits and . _ : / - only",
    ],
    ["NUL in the prompt", { kind: "generate", prompt: "a\u0000b" }, "prompt: must not contain NUL characters"],
    ["NUL in the system prompt", { kind: "generate", prompt: "a", system: "\u0000" }, "system: must not contain NUL characters"],
    ["NUL in a label", { kind: "classify", prompt: "a", labels: ["a\u0000", "b"] }, "labels.0: labels must not contain NUL characters"],
    ["a lone high surrogate", { kind: "generate", prompt: "a\ud800b" }, "prompt: must be valid UTF-8 (no lone surrogates)"],
    [
      "a lone low surrogate in a message",
      { kind: "generate", messages: [{ role: "user", content: "\udc00" }] },
      "messages.0.content: must be valid UTF-8 (no lone surrogates)",
    ],
    [
      "a last message from the assistant",
      {
        kind: "generate",
        messages: [
          { role: "user", content: "a" },
          { role: "assistant", content: "b" },
        ],
      },
      "messages: the last message must be from the user",
    ],
    ["a whitespace-only prompt", { kind: "generate", prompt: " \n\t" }, "prompt: must not be empty"],
    ["an empty label", { kind: "classify", prompt: "a", labels: ["a", "  "] }, "labels.1: labels must not be empty"],
    ["maxOutputTokens of 0", { kind: "generate", prompt: "a", maxOutputTokens: 0 }, "maxOutputTokens: Too small: expected number to be >0"],
  ])("rejects %s", (_name, job, message) => {
    expect(check(job)).toBe(message);
  });

  it("rejects duplicate labels case-insensitively, naming the duplicate", () => {
    expect(check({ kind: "classify", prompt: "a", labels: ["Yes", "No", "yes"] })).toBe('labels: duplicate label "yes"');
    expect(check({ kind: "classify", prompt: "a", labels: ["Refund", " REFUND "] })).toBe('labels: duplicate label "REFUND"');
  });

  it("rejects an unknown kind", () => {
    expect(check({ kind: "translate", prompt: "a" })).toMatch(
      /^kind: Invalid option: expected one of "classify"\|"summarize"\|"extract"\|"generate"/,
    );
  });

  it("rejects a prompt longer than MAX_PROMPT_CHARS", () => {
    expect(MAX_PROMPT_CHARS).toBe(2_000_000);
    expect(check({ kind: "generate", prompt: "a".repeat(MAX_PROMPT_CHARS + 1) })).toContain("prompt: must be at most 2000000 characters");
    expect(check({ kind: "generate", prompt: "a".repeat(MAX_PROMPT_CHARS) })).toBe("OK");
  });

  it("reports every problem of a job, not just the first", () => {
    expect(check({ kind: "classify", prompt: "a", labels: ["yes"], id: "7" })).toBe(
      "id: id must not be a bare integer (prefix it, e.g. job-42); labels: classify needs at least two labels",
    );
  });
});

describe("queuedJobSchema", () => {
  it("accepts an accepted job envelope and re-checks the job", () => {
    const envelope = { requestId: "r-1", batchId: "b-1", job: { kind: "generate", prompt: "a" }, enqueuedAt: "2026-01-01T00:00:00Z" };
    expect(queuedJobSchema.parse(envelope)).toEqual(envelope);
    expect(queuedJobSchema.safeParse({ ...envelope, job: { kind: "generate" } }).success).toBe(false);
    expect(queuedJobSchema.safeParse({ ...envelope, requestId: "bad id" }).success).toBe(false);
  });
});
