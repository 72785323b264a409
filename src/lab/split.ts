import { hashString } from "../intake/trained/feature-hash.js";
import { UsageError } from "../errors/router-error.js";

/**
 * Seeded train/test splits that do not depend on row order: a row (or its group) is in the test
 * part when the hash of (seed, key) falls below the holdout share. Re-reading the file, filtering
 * it or adding rows never moves an existing row to the other side, so `train` and `eval` agree on
 * the split from (holdout, seed, by) alone.
 */

export type SplitBy = "row" | "source";

export interface SplitSpec {
  /** Share of rows (or groups) held out, in (0, 1). */
  holdout: number;
  seed: number;
  /** `row`: each row on its own; `source`: whole sources (subjects) go to one side, to estimate transfer to unseen ones. */
  by: SplitBy;
}

export type SplitPart = "train" | "test";

/** Uniform in [0, 1) from (seed, key). */
export function splitDraw(key: string, seed: number): number {
  return hashString(key, (seed * 0x9e3779b1) | 0) / 2 ** 32;
}

export function splitPartOf(row: { id: string; source?: string | undefined }, spec: SplitSpec): SplitPart {
  const key = spec.by === "source" ? `source:${row.source ?? ""}` : `id:${row.id}`;
  return splitDraw(key, spec.seed) < spec.holdout ? "test" : "train";
}

export function splitRows<T extends { id: string; source?: string | undefined }>(rows: T[], spec: SplitSpec): { train: T[]; test: T[] } {
  if (!(spec.holdout > 0 && spec.holdout < 1)) throw new UsageError(`holdout must be between 0 and 1 (exclusive), got ${spec.holdout}`);
  const train: T[] = [];
  const test: T[] = [];
  for (const row of rows) (splitPartOf(row, spec) === "test" ? test : train).push(row);
  return { train, test };
}
