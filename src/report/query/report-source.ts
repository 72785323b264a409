import { sql, type SQL } from "drizzle-orm";
import type { Dimension, ReportFilters } from "./report-filters.js";
import { ReportError } from "./report-error.js";

/**
 * Where a report's numbers come from. Both sources expose the same columns, so every report query
 * is written once:
 * - `rollup`: the trigger-maintained rollup tables (thousands of rows, whatever the ledger's size);
 * - `raw`: the ledger itself, shaped like a rollup with one row per call or request. Used when a
 *   --since/--until falls inside a UTC day (rollups are per day), or when asked for (tests, bench).
 *
 * Attempt relation `src`: day (of the call), batch_id, feature and kind ('' = none), tier, provider,
 * model, outcome, error_type ('' = none), calls, the six distinct-request counts (see schema.ts),
 * fallback_answers, token sums, cost_usd, possibly_billed_low_usd / _high_usd, latency_ms_sum.
 * (kind, error_type and the window need the per-batch rollup, keyed by them and by request_day.)
 *
 * The window rule, for every figure: --since/--until select requests by the time they were created,
 * and every call those requests made counts, whenever it started. Request relation `rq`: day, batch_id, feature, status, initial_tier, final_tier,
 * final_provider, final_model ('' = none), requests, escalated, escalations, attempts, cost_usd,
 * baseline_cost_usd.
 */
export type SourceKind = "rollup" | "raw";
export type SourcePreference = SourceKind | "auto";

export interface SourcePlan {
  kind: SourceKind;
  /** Why the raw ledger was read, when it was not asked for. */
  reason?: string;
}

const DAY_MS = 86_400_000;

export const isUtcMidnight = (date: Date) => date.getTime() % DAY_MS === 0;

export function planSource(filters: ReportFilters, preference: SourcePreference = "auto", by: readonly Dimension[] = []): SourcePlan {
  if (preference === "raw") return { kind: "raw" };
  if (by.includes("lane")) {
    if (preference === "rollup") throw new ReportError("--by lane is not kept in the rollups: read it from the raw ledger");
    return { kind: "raw", reason: "--by lane is not kept in the rollups: read from the raw ledger" };
  }
  const partial = [filters.since, filters.until].filter((date): date is Date => date !== undefined && !isUtcMidnight(date));
  if (partial.length === 0) return { kind: "rollup" };
  if (preference === "rollup") {
    throw new ReportError(
      `rollups are per UTC day: --since/--until ${partial.map((date) => date.toISOString()).join(", ")} must fall on midnight UTC`,
    );
  }
  return { kind: "raw", reason: "--since/--until fall inside a UTC day, and the rollups are per day: read from the raw ledger" };
}

/** Needs the per-batch rollup: a batch, feature, kind or error_type dimension, a --batch filter, or a window. */
export function needsBatchRollup(by: readonly Dimension[], filters: ReportFilters): boolean {
  return (
    filters.batchId !== undefined ||
    filters.since !== undefined ||
    filters.until !== undefined ||
    by.some((dimension) => BATCH_ROLLUP_DIMENSIONS.has(dimension))
  );
}

const BATCH_ROLLUP_DIMENSIONS: ReadonlySet<Dimension> = new Set(["batch", "feature", "kind", "error_type"]);

/**
 * The distinct-request count that fits the dimensions: a request counts once per value of the
 * attempt-level dimensions asked for (tier, provider, model), once overall without them. The
 * request-level ones (batch, feature) and day need no column of their own.
 */
export function requestCountColumn(by: readonly Dimension[]): string {
  const tier = by.includes("tier");
  const model = by.includes("model");
  const provider = by.includes("provider");
  if (tier && model) return "tier_model_requests";
  if (tier && provider) return "tier_provider_requests";
  if (tier) return "tier_requests";
  if (model) return "model_requests";
  if (provider) return "provider_requests";
  return "requests";
}

const day = (date: Date) => sql`${date.toISOString().slice(0, 10)}::date`;
const instant = (date: Date) => sql`${date.toISOString()}::timestamptz`;
const where = (clauses: SQL[]) => (clauses.length === 0 ? sql`true` : sql.join(clauses, sql` and `));

/** The attempt relation, aliased `src`. `perBatch` adds batch_id and feature (the per-batch rollup). */
export function attemptSource(plan: SourcePlan, filters: ReportFilters, perBatch: boolean): SQL {
  if (plan.kind === "rollup") {
    const clauses: SQL[] = [];
    if (filters.batchId !== undefined) clauses.push(sql`batch_id = ${filters.batchId}`);
    if (filters.since) clauses.push(sql`request_day >= ${day(filters.since)}`);
    if (filters.until) clauses.push(sql`request_day < ${day(filters.until)}`);
    if (perBatch || needsBatchRollup([], filters)) return sql`(select * from attempt_rollup_batch_daily where ${where(clauses)}) as src`;
    return sql`(select *, '' as kind, '' as error_type from attempt_rollup_daily where ${where(clauses)}) as src`;
  }
  const requestClauses: SQL[] = [];
  if (filters.batchId !== undefined) requestClauses.push(sql`r.batch_id = ${filters.batchId}`);
  if (filters.since) requestClauses.push(sql`r.created_at >= ${instant(filters.since)}`);
  if (filters.until) requestClauses.push(sql`r.created_at < ${instant(filters.until)}`);
  // No call starts before its request was created: a bound that lets partition pruning skip older months.
  if (filters.since) requestClauses.push(sql`a.started_at >= ${instant(filters.since)} - interval '1 day'`);
  const first = (partition: string) =>
    sql.raw(`(row_number() over (partition by a.request_id${partition} order by a.attempt_no, a.id) = 1)::int`);
  return sql`(select * from (select (a.started_at at time zone 'UTC')::date as day, coalesce(r.batch_id, '') as batch_id,
      coalesce(r.feature, '') as feature, coalesce(r.kind, '') as kind, a.tier, a.provider, a.model, a.outcome,
      coalesce(a.error_type, '') as error_type, a.lane, 1 as calls,
      ${first("")} as requests, ${first(", a.tier")} as tier_requests, ${first(", a.provider")} as provider_requests,
      ${first(", a.provider, a.model")} as model_requests, ${first(", a.tier, a.provider")} as tier_provider_requests,
      ${first(", a.tier, a.provider, a.model")} as tier_model_requests,
      (a.outcome = 'ok' and (a.provider, a.model) is distinct from
        (first_value(a.provider) over tier_calls, first_value(a.model) over tier_calls))::int as fallback_answers,
      a.input_tokens, a.output_tokens, a.cache_read_tokens, a.cache_write_tokens, a.cache_write_1h_tokens, a.cost_usd,
      coalesce(a.possibly_billed_low_usd, 0) as possibly_billed_low_usd, coalesce(a.possibly_billed_high_usd, 0) as possibly_billed_high_usd,
      a.latency_ms as latency_ms_sum, a.latency_ms, a.started_at
    from attempts a left join requests r on r.id = a.request_id
    where ${where(requestClauses)}
    window tier_calls as (partition by a.request_id, a.tier order by a.attempt_no, a.id)) as calls) as src`;
}

/** The request relation, aliased `rq`: requests by the time they were created. */
export function requestSource(plan: SourcePlan, filters: ReportFilters): SQL {
  if (plan.kind === "rollup") {
    const clauses: SQL[] = [];
    if (filters.batchId !== undefined) clauses.push(sql`batch_id = ${filters.batchId}`);
    if (filters.since) clauses.push(sql`day >= ${day(filters.since)}`);
    if (filters.until) clauses.push(sql`day < ${day(filters.until)}`);
    const table = filters.batchId !== undefined ? sql`request_rollup_batch_daily` : sql`request_rollup_daily`;
    return sql`(select * from ${table} where ${where(clauses)}) as rq`;
  }
  const clauses: SQL[] = [];
  if (filters.batchId !== undefined) clauses.push(sql`r.batch_id = ${filters.batchId}`);
  if (filters.since) clauses.push(sql`r.created_at >= ${instant(filters.since)}`);
  if (filters.until) clauses.push(sql`r.created_at < ${instant(filters.until)}`);
  return sql`(select (r.created_at at time zone 'UTC')::date as day, r.batch_id, coalesce(r.feature, '') as feature,
      r.status, coalesce(r.initial_tier, '') as initial_tier, coalesce(r.final_tier, '') as final_tier,
      coalesce(r.final_provider, '') as final_provider, coalesce(r.final_model, '') as final_model, 1 as requests,
      (r.escalations > 0)::int as escalated, r.escalations, r.attempt_count as attempts, r.cost_usd, r.baseline_cost_usd
    from requests r where ${where(clauses)}) as rq`;
}
