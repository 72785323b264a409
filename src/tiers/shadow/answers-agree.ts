import type { JobKind } from "../../jobs/job-schema.js";

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).sort();
  const keysB = Object.keys(b).sort();
  if (keysA.length !== keysB.length || keysA.some((key, index) => key !== keysB[index])) return false;
  return keysA.every((key) => sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * Whether the cheaper answer and the top tier's answer agree, for kinds where that has one meaning:
 * the same label (answers are already normalised to the canonical label), or the same extracted JSON.
 * Free text (summaries, generations) has no exact agreement: undefined.
 */
export function answersAgree(kind: JobKind, answer: string, topAnswer: string): boolean | undefined {
  if (kind === "classify") return answer === topAnswer;
  if (kind === "extract") {
    try {
      return sameJson(JSON.parse(answer), JSON.parse(topAnswer));
    } catch {
      return false;
    }
  }
  return undefined;
}
