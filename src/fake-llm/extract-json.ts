import type { Rng } from "./rng.js";
import type { JsonSchema } from "./task.js";
import { topicWords, words } from "./text.js";

/**
 * Fills a JSON schema with plausible values, preferring facts found in the input
 * (emails, dates, numbers, capitalised names) so extraction answers look like extraction.
 */
export function fillSchema(schema: JsonSchema | undefined, input: string, rng: Rng): unknown {
  if (schema === undefined) {
    return { summary: words(input).slice(0, 8).join(" "), keywords: topicWords(input, 3) };
  }
  // The root is what the schema says: an array schema gets an array, as a real model answers it.
  return fillValue(schema, "", input, rng, 0);
}

const MAX_DEPTH = 5;

function fillValue(schema: JsonSchema, name: string, input: string, rng: Rng, depth: number): unknown {
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return rng.pick(schema.enum);
  switch (primaryType(schema)) {
    case "object": {
      if (depth >= MAX_DEPTH) return {};
      const result: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        result[key] = fillValue(isRecord(sub) ? sub : {}, key, input, rng, depth + 1);
      }
      return result;
    }
    case "array":
      return depth >= MAX_DEPTH ? [] : [fillValue(schema.items ?? { type: "string" }, name, input, rng, depth + 1)];
    case "number":
      return pickNumber(input, rng, false);
    case "integer":
      return pickNumber(input, rng, true);
    case "boolean":
      return rng.next() < 0.5;
    case "null":
      return null;
    default:
      return pickString(schema, name, input, rng);
  }
}

function primaryType(schema: JsonSchema): string {
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  const chosen = types.find((t) => t !== "null") ?? types[0];
  if (chosen !== undefined) return chosen;
  return schema.properties ? "object" : "string";
}

function pickNumber(input: string, rng: Rng, integer: boolean): number {
  // Standalone numbers only: not the digits of "INV-2291" or of a date like 2024-07-01.
  const found = (input.match(/(?<![\w.-])-?\d+(?:\.\d+)?(?![\w-])/g) ?? []).map(Number).filter(Number.isFinite);
  const value = found.length > 0 ? rng.pick(found) : rng.int(100);
  return integer ? Math.round(value) : value;
}

function pickString(schema: JsonSchema, name: string, input: string, rng: Rng): string {
  const key = name.toLowerCase();
  if (schema.format === "email" || key.includes("email")) {
    return input.match(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/)?.[0] ?? "alex@example.com";
  }
  if (schema.format === "date" || key.includes("date")) {
    return input.match(/\d{4}-\d{2}-\d{2}/)?.[0] ?? "2024-01-15";
  }
  if (/(id|number|code|ref)$/.test(key)) {
    const identifier = input.match(/\b[A-Za-z]*[-_]?\d[\w-]*/)?.[0];
    if (identifier) return identifier;
  }
  if (key.includes("name")) {
    const names = input.match(/\b\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+)*/gu);
    return names ? rng.pick(names) : "Alex Morgan";
  }
  const all = words(input);
  if (all.length === 0) return "unknown";
  const start = rng.int(Math.max(1, all.length - 3));
  return all.slice(start, start + 1 + rng.int(4)).join(" ");
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
