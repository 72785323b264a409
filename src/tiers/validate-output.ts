import type { JobInput } from "../jobs/job-schema.js";
import { compileJsonSchema, describeSchemaErrors } from "../jobs/json-schema.js";

/**
 * Is a model's answer usable for its job? Pure: the worker calls it on every answer and treats a
 * failed verdict like a failed call (retry, then escalate), so the reasons are written for the
 * request's error column: they say what came back and what was expected.
 */

export type OutputVerdict = { ok: true; result: string } | { ok: false; reason: string };

/** Longest excerpt of a rejected answer quoted in a reason. */
const EXCERPT_CHARS = 80;

/** Bracket pairs a model likes to wrap a bare label in. */
const WRAPPERS: ReadonlyArray<readonly [string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ["`", "`"],
  ["“", "”"],
  ["‘", "’"],
  ["«", "»"],
  ["(", ")"],
  ["[", "]"],
  ["{", "}"],
  ["<", ">"],
  ["**", "**"],
  ["*", "*"],
  ["_", "_"],
];
/** "Label: x", "category : x", "**Label:** x". */
const LABEL_PREFIX = /^\**(?:label|category)\**\s*:\s*\**\s*/i;
const TRAILING_PERIODS = /\.+$/;
const SEPARATOR_RUN = /[\s_-]+/g;

function excerpt(text: string): string {
  const flat = text.trim();
  return JSON.stringify(flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat);
}

/**
 * The comparable form of a label or an answer: trimmed; wrapping quotes, backticks, brackets and
 * markdown emphasis, a trailing period and a leading "Label:" / "Category:" peeled off (repeatedly,
 * so `"Label: [billing]."` works); lower-cased; runs of spaces, '-' and '_' made one space.
 */
export function normalizeLabel(text: string): string {
  let value = text.trim();
  for (let round = 0; round < 8; round++) {
    const before = value;
    value = value.replace(TRAILING_PERIODS, "").trim();
    value = value.replace(LABEL_PREFIX, "").trim();
    for (const [open, close] of WRAPPERS) {
      if (value.length >= open.length + close.length && value.startsWith(open) && value.endsWith(close)) {
        value = value.slice(open.length, value.length - close.length).trim();
        break;
      }
    }
    if (value === before) break;
  }
  return value.toLowerCase().replace(SEPARATOR_RUN, " ").trim();
}

function validateClassification(job: JobInput, text: string): OutputVerdict {
  const labels = job.labels ?? [];
  if (labels.length === 0) return { ok: false, reason: "classify job has no labels to check the answer against" };
  const answer = text.trim();

  // The label exactly as written wins outright, even if another label normalises the same way.
  const verbatim = labels.find((label) => label === answer);
  if (verbatim !== undefined) return { ok: true, result: verbatim };

  const key = normalizeLabel(answer);
  const matches = key === "" ? [] : labels.filter((label) => normalizeLabel(label) === key);
  const allowed = labels.join(", ");
  if (matches.length === 1) return { ok: true, result: matches[0]! };
  if (matches.length > 1) {
    return { ok: false, reason: `answer ${excerpt(answer)} matches more than one label (${matches.join(", ")})` };
  }
  return { ok: false, reason: `answer ${excerpt(answer)} is not one of the allowed labels: ${allowed}` };
}

/** The body of a ``` fence wrapping the whole answer (with or without a language tag), else the text. */
function stripFence(text: string): string {
  if (!(text.length >= 6 && text.startsWith("```") && text.endsWith("```"))) return text;
  let body = text.slice(3, -3);
  const newline = body.indexOf("\n");
  if (newline !== -1 && /^[\w+.-]*[ \t]*\r?$/.test(body.slice(0, newline))) body = body.slice(newline + 1);
  else body = body.replace(/^[A-Za-z]+(?=\s*[{[])/, "");
  return body.trim();
}

function describeJsonValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function requiredKeys(job: JobInput): string[] {
  const required = job.schema?.["required"];
  return Array.isArray(required) ? required.filter((key): key is string => typeof key === "string") : [];
}

function validateExtraction(job: JobInput, text: string): OutputVerdict {
  const body = stripFence(text.trim());
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    return {
      ok: false,
      reason: `answer is not valid JSON (${(error as Error).message}): ${excerpt(body)}`,
    };
  }
  const isObject = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed);
  // Without a schema an extraction is an object; with one, the schema says what the root is.
  if (!isObject && (job.schema === undefined || job.schema["type"] === "object")) {
    return { ok: false, reason: `expected a JSON object, got ${describeJsonValue(parsed)}: ${excerpt(body)}` };
  }
  const missing = isObject ? requiredKeys(job).filter((key) => !Object.hasOwn(parsed as object, key)) : [];
  if (missing.length > 0) {
    return { ok: false, reason: `JSON object is missing required key${missing.length === 1 ? "" : "s"}: ${missing.join(", ")}` };
  }
  if (job.schema !== undefined) {
    // The whole schema, not only its required keys: types, enums, items, nested objects.
    const schema = compileJsonSchema(job.schema);
    if (!schema.ok) return { ok: false, reason: schema.reason };
    if (!schema.validate(parsed)) {
      return { ok: false, reason: `answer does not match the schema: ${describeSchemaErrors(schema.validate.errors ?? [])}` };
    }
  }
  return { ok: true, result: JSON.stringify(parsed) };
}

/** Checks one answer against its job; `result` is what gets stored (canonical label, compact JSON, trimmed text). */
export function validateOutput(job: JobInput, text: string): OutputVerdict {
  if (text.trim().length === 0) return { ok: false, reason: "empty answer" };
  switch (job.kind) {
    case "classify":
      return validateClassification(job, text);
    case "extract":
      return validateExtraction(job, text);
    case "summarize":
    case "generate":
      return { ok: true, result: text.trim() };
  }
}
