import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

/**
 * JSON Schema for extract jobs, checked with ajv (the validator most of the ecosystem uses):
 * the schema itself when a job is enqueued (against the draft-07 meta-schema: `"required": "vendor"`
 * is refused there, not discovered as a success later), and every answer against the whole schema.
 *
 * strict: false because users paste schemas written for provider structured-output APIs, which
 * carry keywords ajv does not know; `format` is not checked (no formats are loaded).
 */
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false });

/** Compiled validators by schema text: every job of a batch usually shares one schema. */
const compiled = new Map<string, ValidateFunction>();
/** Bound on the cache: a file of distinct schemas must not grow memory without end. */
const MAX_COMPILED = 500;
/** How many of ajv's errors a reason quotes. */
const SHOWN_ERRORS = 3;

export type SchemaCheck = { ok: true; validate: ValidateFunction } | { ok: false; reason: string };

export function compileJsonSchema(schema: Record<string, unknown>): SchemaCheck {
  const key = JSON.stringify(schema);
  const cached = compiled.get(key);
  if (cached) return { ok: true, validate: cached };
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    const problems = ajv.errors ? describeSchemaErrors(ajv.errors) : (error as Error).message;
    return { ok: false, reason: `schema is not a valid JSON Schema: ${problems}` };
  }
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, validate);
  return { ok: true, validate };
}

/** ajv's errors as "at /path: message", the first few, for a rejected line or an answer's reason. */
export function describeSchemaErrors(errors: readonly ErrorObject[]): string {
  const shown = errors.slice(0, SHOWN_ERRORS).map((error) => {
    const path = error.instancePath === "" ? "(root)" : error.instancePath;
    const allowed = error.keyword === "enum" ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")})` : "";
    return `at ${path}: ${error.message ?? error.keyword}${allowed}`;
  });
  const more = errors.length > SHOWN_ERRORS ? `; and ${errors.length - SHOWN_ERRORS} more` : "";
  return `${shown.join("; ")}${more}`;
}
