/**
 * Which job kind a prompt is, read from the marker lines the router's prompt builder writes
 * (src/jobs/build-prompt.ts). Matched as plain text on purpose: the fake must answer any
 * client that writes these instructions, not only code that imports the constants.
 */

const LABELS_MARKER = "Allowed labels (JSON array): ";
const JSON_ONLY_MARKER = "Reply with one JSON object and nothing else.";
const SCHEMA_MARKER = "JSON schema: ";
const SUMMARIZE_MARKER = "Summarize the text below";

export type Task =
  | { kind: "classify"; labels: string[] }
  | { kind: "extract"; schema: JsonSchema | undefined }
  | { kind: "summarize" }
  | { kind: "generate" };

/** The subset of JSON Schema the fake fills in; anything else is tolerated and ignored. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
}

export function detectTask(system: string): Task {
  const lines = system.split("\n").map((line) => line.trim());
  const labelsLine = lines.find((line) => line.startsWith(LABELS_MARKER));
  if (labelsLine !== undefined) {
    const labels = parseJson(labelsLine.slice(LABELS_MARKER.length));
    if (Array.isArray(labels) && labels.length > 0 && labels.every((l) => typeof l === "string")) {
      return { kind: "classify", labels };
    }
  }
  if (lines.includes(JSON_ONLY_MARKER)) {
    const schemaLine = lines.find((line) => line.startsWith(SCHEMA_MARKER));
    const schema = schemaLine === undefined ? undefined : parseJson(schemaLine.slice(SCHEMA_MARKER.length));
    return { kind: "extract", schema: isObject(schema) ? (schema as JsonSchema) : undefined };
  }
  if (lines.some((line) => line.startsWith(SUMMARIZE_MARKER))) return { kind: "summarize" };
  return { kind: "generate" };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
