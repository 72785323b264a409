import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../db/database.js";

/** Report dimensions (`report --by`), each a column of attempts (a) or of its request (r). */
export const DIMENSIONS = {
  day: sql`to_char(date_trunc('day', a.started_at at time zone 'UTC'), 'YYYY-MM-DD')`,
  model: sql`a.model`,
  provider: sql`a.provider`,
  tier: sql`a.tier`,
  feature: sql`coalesce(r.feature, '(none)')`,
  batch: sql`r.batch_id`,
} as const;
export type Dimension = keyof typeof DIMENSIONS;

export interface ReportFilters {
  batchId?: string;
  /** Inclusive, on the call's start time. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
}

export interface ReportRow {
  /** One value per requested dimension, in the order asked. */
  group: Record<string, string>;
  requests: number;
  calls: number;
  failedCalls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Exact decimal string. */
  costUsd: string;
}

export interface ReportSummary {
  requests: number;
  succeeded: number;
  failed: number;
  queued: number;
  escalated: number;
  calls: number;
  costUsd: string;
  /** What the same answers would have cost on the top tier's primary model. */
  baselineCostUsd: string;
  savingsUsd: string;
  /** Savings as a share of the baseline, 0–100, or null when the baseline is zero. */
  savingsPercent: number | null;
}

export interface Report {
  by: Dimension[];
  filters: ReportFilters;
  summary: ReportSummary;
  rows: ReportRow[];
}

export class ReportError extends Error {
  override name = "ReportError";
}

export function parseDimensions(list: string): Dimension[] {
  const names = list.split(",").map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !Object.hasOwn(DIMENSIONS, name));
  if (unknown.length > 0) {
    throw new ReportError(`unknown --by dimension ${unknown.join(", ")} (choose from ${Object.keys(DIMENSIONS).join(", ")})`);
  }
  return [...new Set(names)] as Dimension[];
}

function attemptFilters(filters: ReportFilters): SQL {
  const clauses: SQL[] = [sql`true`];
  if (filters.batchId) clauses.push(sql`r.batch_id = ${filters.batchId}`);
  if (filters.since) clauses.push(sql`a.started_at >= ${filters.since.toISOString()}::timestamptz`);
  if (filters.until) clauses.push(sql`a.started_at < ${filters.until.toISOString()}::timestamptz`);
  return sql.join(clauses, sql` and `);
}

function requestFilters(filters: ReportFilters): SQL {
  const clauses: SQL[] = [sql`true`];
  if (filters.batchId) clauses.push(sql`r.batch_id = ${filters.batchId}`);
  if (filters.since) clauses.push(sql`r.created_at >= ${filters.since.toISOString()}::timestamptz`);
  if (filters.until) clauses.push(sql`r.created_at < ${filters.until.toISOString()}::timestamptz`);
  return sql.join(clauses, sql` and `);
}

/** Sums are done by Postgres on numeric: exact, never float. */
export async function buildReport(db: Db, by: Dimension[], filters: ReportFilters = {}): Promise<Report> {
  const groupColumns = by.map((dimension) => sql`${DIMENSIONS[dimension]} as ${sql.identifier(dimension)}`);
  const rows = await queryRows<Record<string, string>>(
    db,
    sql`select ${sql.join([...groupColumns, sql`count(distinct a.request_id)::text as requests`], sql`, `)},
        count(*)::text as calls,
        count(*) filter (where a.outcome <> 'ok')::text as failed_calls,
        sum(a.input_tokens)::text as input_tokens, sum(a.output_tokens)::text as output_tokens,
        sum(a.cache_read_tokens)::text as cache_read_tokens, sum(a.cache_write_tokens)::text as cache_write_tokens,
        sum(a.cost_usd)::text as cost_usd
      from attempts a join requests r on r.id = a.request_id
      where ${attemptFilters(filters)}
      ${by.length ? sql`group by ${sql.join(by.map((_, index) => sql.raw(String(index + 1))), sql`, `)}` : sql``}
      order by ${by.length ? sql`${sql.join(by.map((_, index) => sql.raw(String(index + 1))), sql`, `)}` : sql`1`}`,
  );
  const [summary] = await queryRows<Record<string, string | null>>(
    db,
    sql`select count(*)::text as requests,
        count(*) filter (where status = 'succeeded')::text as succeeded,
        count(*) filter (where status = 'failed')::text as failed,
        count(*) filter (where status = 'queued')::text as queued,
        count(*) filter (where escalations > 0)::text as escalated,
        coalesce(sum(attempt_count), 0)::text as calls,
        coalesce(sum(cost_usd), 0)::text as cost_usd,
        coalesce(sum(baseline_cost_usd), 0)::text as baseline_cost_usd,
        coalesce(sum(baseline_cost_usd) - sum(cost_usd), 0)::text as savings_usd,
        case when sum(baseline_cost_usd) > 0
          then round(100 * (sum(baseline_cost_usd) - sum(cost_usd)) / sum(baseline_cost_usd), 2)::text end as savings_percent
      from requests r where ${requestFilters(filters)}`,
  );
  return {
    by,
    filters,
    summary: {
      requests: Number(summary!.requests),
      succeeded: Number(summary!.succeeded),
      failed: Number(summary!.failed),
      queued: Number(summary!.queued),
      escalated: Number(summary!.escalated),
      calls: Number(summary!.calls),
      costUsd: trimDecimal(summary!.cost_usd!),
      baselineCostUsd: trimDecimal(summary!.baseline_cost_usd!),
      savingsUsd: trimDecimal(summary!.savings_usd!),
      savingsPercent: summary!.savings_percent === null ? null : Number(summary!.savings_percent),
    },
    rows: rows.map((row) => ({
      group: Object.fromEntries(by.map((dimension) => [dimension, String(row[dimension])])),
      requests: Number(row.requests),
      calls: Number(row.calls),
      failedCalls: Number(row.failed_calls),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      cacheReadTokens: Number(row.cache_read_tokens),
      cacheWriteTokens: Number(row.cache_write_tokens),
      costUsd: trimDecimal(row.cost_usd!),
    })),
  };
}

/** "0.001230000000" → "0.00123": exact, just without the padding. */
export function trimDecimal(value: string): string {
  if (!value.includes(".")) return value;
  return value.replace(/0+$/, "").replace(/\.$/, "");
}
