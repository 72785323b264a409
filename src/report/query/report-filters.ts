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
  /** The request's job kind (classify, summarize, extract, generate). */
  kind: sql`coalesce(nullif(src.kind, ''), '(none)')`,
  /** Why calls failed (attempts.error_type); '(none)' for calls that answered. */
  error_type: sql`coalesce(nullif(src.error_type, ''), '(none)')`,
  /** How the call was made: realtime, or batch (a provider batch item at the batch rate). Read from the raw ledger (not in the rollups). */
  lane: sql`src.lane`,
} as const;
export type Dimension = keyof typeof DIMENSIONS;

export interface ReportFilters {
  batchId?: string;
  /** Inclusive: requests created at or after it (and every call they made; see report-source.ts). */
  since?: Date;
  /** Exclusive: requests created before it. */
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

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A --since/--until value: a UTC date (2026-11-01) or an ISO timestamp (2026-11-01T06:30:00Z; no
 * zone means UTC). Strict: a day or time that does not exist (2026-02-30, 2026-11-31, 25:00) is an
 * error, where `new Date` would roll it over into the next month.
 */
export function parseReportDate(value: string, flag: string): Date {
  const text = value.trim();
  const match = DATE_ONLY.exec(text) ?? TIMESTAMP.exec(text);
  const problem = (why: string) => new ReportError(`${flag} "${value}" ${why} (use e.g. 2026-11-01 or 2026-11-01T06:30:00Z)`);
  if (!match) throw problem("is not a date");
  const [year, month, day, hour = "0", minute = "0", second = "0"] = match.slice(1).map((part) => part ?? undefined) as string[];
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12) throw problem(`has no month ${mo}`);
  if (d < 1 || d > daysInMonth) throw problem(`is not a day: ${String(mo).padStart(2, "0")}/${y} has ${daysInMonth} days`);
  if (h > 23 || mi > 59 || s > 59) throw problem("is not a time of day");
  const zoned = DATE_ONLY.test(text) ? `${text}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const date = new Date(zoned.replace(" ", "T"));
  if (Number.isNaN(date.getTime())) throw problem("is not a date");
  return date;
}

/** A window that selects nothing by construction is a mistake, not an empty report. */
export function checkWindow(filters: ReportFilters): void {
  if (filters.since && filters.until && filters.since.getTime() >= filters.until.getTime()) {
    throw new ReportError(
      `--since ${filters.since.toISOString()} is not before --until ${filters.until.toISOString()}: the window is empty (--until is exclusive)`,
    );
  }
}

/** The window rule, as stated on every report. */
export function describeWindow(filters: ReportFilters): string {
  const range =
    filters.since && filters.until
      ? `created from ${filters.since.toISOString()} to before ${filters.until.toISOString()}`
      : filters.since
        ? `created from ${filters.since.toISOString()}`
        : filters.until
          ? `created before ${filters.until.toISOString()}`
          : "of any time";
  const batch = filters.batchId !== undefined ? ` in batch ${filters.batchId}` : "";
  return `requests ${range}${batch}, with every call they made (whenever it started)`;
}
