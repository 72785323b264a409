import { sql } from "drizzle-orm";
import { ReportError } from "./report-error.js";

/**
 * Report dimensions (`report --by`), as columns of the attempt relation (report-source.ts), which
 * the rollups and the raw ledger both provide.
 */
export const DIMENSIONS = {
  day: sql`to_char(src.day, 'YYYY-MM-DD')`,
  model: sql`src.model`,
  provider: sql`src.provider`,
  tier: sql`src.tier`,
  feature: sql`coalesce(nullif(src.feature, ''), '(none)')`,
  batch: sql`src.batch_id`,
} as const;
export type Dimension = keyof typeof DIMENSIONS;

export interface ReportFilters {
  batchId?: string;
  /** Inclusive: calls started, and requests created, at or after it. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
}

export function parseDimensions(list: string): Dimension[] {
  const names = list
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !Object.hasOwn(DIMENSIONS, name));
  if (unknown.length > 0) {
    throw new ReportError(`unknown --by dimension ${unknown.join(", ")} (choose from ${Object.keys(DIMENSIONS).join(", ")})`);
  }
  return [...new Set(names)] as Dimension[];
}
