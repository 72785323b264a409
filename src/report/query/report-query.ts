import { sql, type SQL } from "drizzle-orm";
import { shadowSummary, type ShadowSummaryRow } from "./shadow-summary.js";
import { queryRows, type Db } from "../../ledger/db/database.js";
import { trimDecimal } from "./decimal.js";
import { DIMENSIONS, type Dimension, type ReportFilters } from "./report-filters.js";
import { buildInsights, type ReportInsights } from "./report-insights.js";
import {
  attemptSource,
  needsBatchRollup,
  planSource,
  requestCountColumn,
  requestSource,
  type SourceKind,
  type SourcePlan,
  type SourcePreference,
} from "./report-source.js";

export { trimDecimal } from "./decimal.js";
export { ReportError } from "./report-error.js";
export { DIMENSIONS, parseDimensions, type Dimension, type ReportFilters } from "./report-filters.js";

export interface ReportRow {
  /** One value per requested dimension, in the order asked. */
  group: Record<string, string>;
  /** Distinct requests with a call in this group (counted on the day of their first call in it). */
  requests: number;
  calls: number;
  /** Calls that gave no valid answer (outcome error or invalid). */
  failedCalls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  /** Both lifetimes. */
  cacheWriteTokens: number;
  /** Exact decimal string. */
  costUsd: string;
  /** Of cacheWriteTokens, those written for an hour. */
  cacheWrite1hTokens?: number;
  /** Cost of the calls that did not produce an answer (exact). */
  wastedCostUsd?: string;
  /** Answers that came from a fallback model (not the first one the request tried in its tier). */
  fallbackAnswers?: number;
  /** Mean call latency. */
  avgLatencyMs?: number;
}

export interface ReportSummary {
  requests: number;
  succeeded: number;
  failed: number;
  queued: number;
  /** Requests of cancelled batches that ended without an answer. */
  cancelled: number;
  escalated: number;
  calls: number;
  costUsd: string;
  /** What the same answers would have cost on the top tier's primary model. */
  baselineCostUsd: string;
  savingsUsd: string;
  /** Savings as a share of the baseline, 0–100, or null when the baseline is zero. */
  savingsPercent: number | null;
  /** Escalated requests as a share of finished ones, 0–100 (null when none finished). */
  escalationPercent?: number | null;
  /** Failed requests as a share of finished ones. */
  failurePercent?: number | null;
  /** Answers from a fallback model, and their share of all answers. */
  fallbackAnswers?: number;
  fallbackPercent?: number | null;
  /** Cost of the calls in range that did not produce an answer, and its share of their cost. */
  wastedCostUsd?: string;
  wastedPercent?: number | null;
}

export interface Report {
  by: Dimension[];
  filters: ReportFilters;
  summary: ReportSummary;
  rows: ReportRow[];
  /** Shadow checks in range (routing.shadow), when there are any. */
  shadow?: ShadowSummaryRow[];
  /** rollup: the trigger-maintained rollups; raw: the ledger's own rows. */
  source?: SourceKind;
  /** Why the raw ledger was read, when it was. */
  sourceNote?: string;
  /** Routing, latency and the series the HTML charts draw; present when asked for. */
  insights?: ReportInsights;
}

export interface BuildReportOptions {
  /** Default auto: rollups unless --since/--until fall inside a day. */
  source?: SourcePreference;
  /** Also gather routing, latency and per-day series (json and html formats). */
  insights?: boolean;
  /** Tier names cheapest first (from the config); otherwise ordered by cost per call. */
  tierOrder?: string[];
}

const percent = (value: string | null | undefined) => (value === null || value === undefined ? null : Number(value));

/** Sums are done by Postgres on numeric: exact, never float. */
export async function buildReport(db: Db, by: Dimension[], filters: ReportFilters = {}, options: BuildReportOptions = {}): Promise<Report> {
  const plan = planSource(filters, options.source);
  const positions = sql.join(
    by.map((_, index) => sql.raw(String(index + 1))),
    sql`, `,
  );
  const groupColumns = by.map((dimension) => sql`${DIMENSIONS[dimension]} as ${sql.identifier(dimension)}`);
  const rowsQuery = queryRows<Record<string, string>>(
    db,
    sql`select ${sql.join([...groupColumns, sql`sum(src.${sql.raw(requestCountColumn(by))})::text as requests`], sql`, `)},
        sum(src.calls)::text as calls,
        coalesce(sum(src.calls) filter (where src.outcome <> 'ok'), 0)::text as failed_calls,
        sum(src.input_tokens)::text as input_tokens, sum(src.output_tokens)::text as output_tokens,
        sum(src.cache_read_tokens)::text as cache_read_tokens, sum(src.cache_write_tokens)::text as cache_write_tokens,
        sum(src.cache_write_1h_tokens)::text as cache_write_1h_tokens, sum(src.cost_usd)::text as cost_usd,
        coalesce(sum(src.cost_usd) filter (where src.outcome <> 'ok'), 0)::text as wasted_cost_usd,
        sum(src.fallback_answers)::text as fallback_answers,
        round(sum(src.latency_ms_sum)::numeric / sum(src.calls), 1)::text as avg_latency_ms
      from ${attemptSource(plan, filters, needsBatchRollup(by, filters))}
      ${by.length ? sql`group by ${positions}` : sql``}
      having sum(src.calls) > 0
      order by ${by.length ? positions : sql`1`}`,
  );
  const [rows, summary, insights] = await Promise.all([
    rowsQuery,
    buildSummary(db, plan, filters),
    options.insights ? buildInsights(db, plan, filters, options.tierOrder) : undefined,
  ]);
  const shadow = await shadowSummary(db, filters);
  return {
    by,
    filters,
    ...(shadow.length > 0 ? { shadow } : {}),
    source: plan.kind,
    ...(plan.reason ? { sourceNote: plan.reason } : {}),
    summary,
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
      cacheWrite1hTokens: Number(row.cache_write_1h_tokens),
      wastedCostUsd: trimDecimal(row.wasted_cost_usd!),
      fallbackAnswers: Number(row.fallback_answers),
      avgLatencyMs: Number(row.avg_latency_ms),
    })),
    ...(insights ? { insights } : {}),
  };
}

/**
 * Request figures (by creation time) from the request relation; fallback and wasted spend (by call
 * time) from the attempt relation, like the rows.
 */
async function buildSummary(db: Db, plan: SourcePlan, filters: ReportFilters): Promise<ReportSummary> {
  // Cancelled requests got no verdict: counted apart, outside the rates of finished work.
  const finished = sql`nullif(coalesce(sum(rq.requests) filter (where rq.status in ('succeeded', 'failed')), 0), 0)`;
  const share = (part: SQL, whole: SQL) => sql`round(100 * coalesce(${part}, 0)::numeric / ${whole}, 2)::text`;
  const [[requests], [calls]] = await Promise.all([
    queryRows<Record<string, string | null>>(
      db,
      sql`select coalesce(sum(rq.requests), 0)::text as requests,
          coalesce(sum(rq.requests) filter (where rq.status = 'succeeded'), 0)::text as succeeded,
          coalesce(sum(rq.requests) filter (where rq.status = 'failed'), 0)::text as failed,
          coalesce(sum(rq.requests) filter (where rq.status = 'queued'), 0)::text as queued,
          coalesce(sum(rq.requests) filter (where rq.status = 'cancelled'), 0)::text as cancelled,
          coalesce(sum(rq.escalated), 0)::text as escalated,
          coalesce(sum(rq.attempts), 0)::text as calls,
          coalesce(sum(rq.cost_usd), 0)::text as cost_usd,
          coalesce(sum(rq.baseline_cost_usd), 0)::text as baseline_cost_usd,
          coalesce(sum(rq.baseline_cost_usd) - sum(rq.cost_usd), 0)::text as savings_usd,
          case when sum(rq.baseline_cost_usd) > 0
            then round(100 * (sum(rq.baseline_cost_usd) - sum(rq.cost_usd)) / sum(rq.baseline_cost_usd), 2)::text end as savings_percent,
          ${share(sql`sum(rq.escalated) filter (where rq.status in ('succeeded', 'failed'))`, finished)} as escalation_percent,
          ${share(sql`sum(rq.requests) filter (where rq.status = 'failed')`, finished)} as failure_percent
        from ${requestSource(plan, filters)}`,
    ),
    queryRows<Record<string, string | null>>(
      db,
      sql`select coalesce(sum(src.cost_usd) filter (where src.outcome <> 'ok'), 0)::text as wasted_cost_usd,
          ${share(sql`coalesce(sum(src.cost_usd) filter (where src.outcome <> 'ok'), 0)`, sql`nullif(sum(src.cost_usd), 0)`)} as wasted_percent,
          coalesce(sum(src.fallback_answers), 0)::text as fallback_answers,
          ${share(sql`sum(src.fallback_answers)`, sql`nullif(sum(src.calls) filter (where src.outcome = 'ok'), 0)`)} as fallback_percent
        from ${attemptSource(plan, filters, false)}`,
    ),
  ]);
  return {
    requests: Number(requests!.requests),
    succeeded: Number(requests!.succeeded),
    failed: Number(requests!.failed),
    queued: Number(requests!.queued),
    cancelled: Number(requests!.cancelled),
    escalated: Number(requests!.escalated),
    calls: Number(requests!.calls),
    costUsd: trimDecimal(requests!.cost_usd!),
    baselineCostUsd: trimDecimal(requests!.baseline_cost_usd!),
    savingsUsd: trimDecimal(requests!.savings_usd!),
    savingsPercent: percent(requests!.savings_percent),
    escalationPercent: percent(requests!.escalation_percent),
    failurePercent: percent(requests!.failure_percent),
    fallbackAnswers: Number(calls!.fallback_answers),
    fallbackPercent: percent(calls!.fallback_percent),
    wastedCostUsd: trimDecimal(calls!.wasted_cost_usd!),
    wastedPercent: percent(calls!.wasted_percent),
  };
}
