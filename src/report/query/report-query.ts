import { sql, type SQL } from "drizzle-orm";
import { shadowSummary, type ShadowSummaryRow } from "./shadow-summary.js";
import { batchLaneSavings, type BatchLaneSavings } from "./batch-lane-savings.js";
import { queryRows, type Db } from "../../ledger/db/database.js";
import { trimDecimal } from "./decimal.js";
import { formatUsd, parseUsd } from "../../pricing/money.js";
import { ReportError } from "./report-error.js";
import { checkWindow, describeWindow, DIMENSIONS, type Dimension, type ReportFilters } from "./report-filters.js";
import { buildInsights, type ReportInsights } from "./report-insights.js";
import { cacheHitPercent, cacheSavings, type RatesLookup } from "./cache-savings.js";
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
export { DIMENSIONS, parseDimensions, parseReportDate, type Dimension, type ReportFilters } from "./report-filters.js";

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
  /** Cached input tokens / input tokens, 0–100; null with no input. */
  cacheHitPercent?: number | null;
  /** What caching saved against plain input (exact; negative when writes were not read back); null when a model has no price. */
  cacheSavedUsd?: string | null;
  /** Abandoned calls' possibly-billed range (estimates, never part of costUsd). */
  possiblyBilledLowUsd?: string;
  possiblyBilledHighUsd?: string;
  /** With the batch dimension: the batch's name, next to its id. */
  batchName?: string;
}

/** Savings of one feature's succeeded requests. */
export interface FeatureSavings {
  feature: string;
  succeeded: number;
  costUsd: string;
  baselineCostUsd: string;
  savingsUsd: string;
  savingsPercent: number | null;
}

export interface ReportSummary {
  requests: number;
  succeeded: number;
  failed: number;
  queued: number;
  /** Requests of cancelled batches that ended without an answer. */
  cancelled: number;
  escalated: number;
  /** Calls, tokens and cost from the same relation as the rows: the total row equals these. */
  calls: number;
  inputTokens?: number;
  outputTokens?: number;
  costUsd: string;
  /** Of costUsd: spent on requests that succeeded, failed (bought no answer), and are still queued. */
  succeededCostUsd?: string;
  failedCostUsd?: string;
  queuedCostUsd?: string;
  /** What the succeeded requests' answers would have cost on the top tier's primary model. */
  baselineCostUsd: string;
  /** Over succeeded requests only: baselineCostUsd - succeededCostUsd. */
  savingsUsd: string;
  /** Savings as a share of the baseline, 0–100, or null when the baseline is zero. */
  savingsPercent: number | null;
  /** Abandoned calls' possibly-billed range, apart from the exact cost. */
  possiblyBilledLowUsd?: string;
  possiblyBilledHighUsd?: string;
  abandonedCalls?: number;
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
  /** Over every call in range: cached input tokens / input tokens, 0–100. */
  cacheHitPercent?: number | null;
  /** Over every call in range (see ReportRow.cacheSavedUsd). */
  cacheSavedUsd?: string | null;
  /** The batch lane's calls in range against the same tokens at real-time prices; absent when none. */
  batchLane?: BatchLaneSavings;
}

export interface Report {
  by: Dimension[];
  filters: ReportFilters;
  /** The window rule every figure follows, in words. */
  window?: string;
  summary: ReportSummary;
  rows: ReportRow[];
  /** The rows summed: equals the summary's calls, tokens and cost. */
  total?: ReportRow;
  /** Savings per feature, over succeeded requests. */
  savingsByFeature?: FeatureSavings[];
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
  /** Prices for the money saved by caching (cache-savings.ts configuredRates); without it, only hit rates. */
  cacheRates?: RatesLookup;
}

const percent = (value: string | null | undefined) => (value === null || value === undefined ? null : Number(value));

/** Sums are done by Postgres on numeric: exact, never float. */
export async function buildReport(db: Db, by: Dimension[], filters: ReportFilters = {}, options: BuildReportOptions = {}): Promise<Report> {
  checkWindow(filters);
  if (filters.batchId !== undefined) await checkBatchExists(db, filters.batchId);
  const plan = planSource(filters, options.source, by);
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
        round(sum(src.latency_ms_sum)::numeric / sum(src.calls), 1)::text as avg_latency_ms,
        sum(src.possibly_billed_low_usd)::text as possibly_billed_low_usd,
        sum(src.possibly_billed_high_usd)::text as possibly_billed_high_usd
      from ${attemptSource(plan, filters, needsBatchRollup(by, filters))}
      ${by.length ? sql`group by ${positions}` : sql``}
      having sum(src.calls) > 0
      order by ${by.length ? positions : sql`1`}`,
  );
  const [rows, { summary, total }, insights, savings] = await Promise.all([
    rowsQuery,
    buildSummary(db, plan, filters),
    options.insights ? buildInsights(db, plan, filters, options.tierOrder) : undefined,
    options.cacheRates ? cacheSavings(db, by, filters, options.cacheRates, options.source) : undefined,
  ]);
  const savedByGroup = new Map(savings?.rows.map((row) => [JSON.stringify(by.map((d) => row.group[d])), row.cacheSavedUsd]));
  // A group with no cache tokens saved nothing; a null (unpriced model) stays null.
  const savedFor = (row: Record<string, string>): string | null => {
    const key = JSON.stringify(by.map((d) => String(row[d])));
    return savedByGroup.has(key) ? savedByGroup.get(key)! : "0";
  };
  let inputTokens = 0;
  let cacheReadTokens = 0;
  for (const row of rows) {
    inputTokens += Number(row.input_tokens);
    cacheReadTokens += Number(row.cache_read_tokens);
  }
  summary.cacheHitPercent = cacheHitPercent(cacheReadTokens, inputTokens);
  if (savings) summary.cacheSavedUsd = savings.totalUsd;
  const laneSavings = await batchLaneSavings(db, filters);
  if (laneSavings) summary.batchLane = laneSavings;
  const [shadow, names, savingsByFeature] = await Promise.all([
    shadowSummary(db, filters),
    by.includes("batch")
      ? batchNames(
          db,
          rows.map((row) => String(row.batch)),
        )
      : new Map<string, string>(),
    featureSavings(db, plan, filters),
  ]);
  const grouped = rows.map((row): ReportRow => {
    const group = Object.fromEntries(by.map((dimension) => [dimension, String(row[dimension])]));
    const name = by.includes("batch") ? names.get(group.batch!) : undefined;
    return {
      group,
      ...measures(row),
      cacheHitPercent: cacheHitPercent(Number(row.cache_read_tokens), Number(row.input_tokens)),
      ...(savings ? { cacheSavedUsd: savedFor(row) } : {}),
      ...(name !== undefined ? { batchName: name } : {}),
    };
  });
  return {
    by,
    filters,
    window: describeWindow(filters),
    ...(shadow.length > 0 ? { shadow } : {}),
    source: plan.kind,
    ...(plan.reason ? { sourceNote: plan.reason } : {}),
    summary,
    rows: grouped,
    total,
    ...(savingsByFeature.length > 0 ? { savingsByFeature } : {}),
    ...(insights ? { insights } : {}),
  };
}

function measures(row: Record<string, string | null>): Omit<ReportRow, "group"> {
  return {
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
    possiblyBilledLowUsd: trimDecimal(row.possibly_billed_low_usd ?? "0"),
    possiblyBilledHighUsd: trimDecimal(row.possibly_billed_high_usd ?? "0"),
  };
}

async function batchNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ id: string; name: string }>(
    db,
    sql`select id, name from batches where id in (${sql.join(
      [...new Set(ids)].map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** Savings per feature over succeeded requests, from the request relation (same window). */
async function featureSavings(db: Db, plan: SourcePlan, filters: ReportFilters): Promise<FeatureSavings[]> {
  const rows = await queryRows<Record<string, string | null>>(
    db,
    sql`select coalesce(nullif(rq.feature, ''), '(none)') as feature, sum(rq.requests)::text as succeeded,
        sum(rq.cost_usd)::text as cost_usd, sum(rq.baseline_cost_usd)::text as baseline_cost_usd,
        (sum(rq.baseline_cost_usd) - sum(rq.cost_usd))::text as savings_usd,
        case when sum(rq.baseline_cost_usd) > 0
          then round(100 * (sum(rq.baseline_cost_usd) - sum(rq.cost_usd)) / sum(rq.baseline_cost_usd), 2)::text end as savings_percent
      from ${requestSource(plan, filters)} where rq.status = 'succeeded'
      group by 1 having sum(rq.requests) > 0 order by 1`,
  );
  return rows.map((row) => ({
    feature: row.feature!,
    succeeded: Number(row.succeeded),
    costUsd: trimDecimal(row.cost_usd!),
    baselineCostUsd: trimDecimal(row.baseline_cost_usd!),
    savingsUsd: trimDecimal(row.savings_usd!),
    savingsPercent: percent(row.savings_percent),
  }));
}

/** `report --batch nope` is an error, as `batch nope` is, not an empty report. */
async function checkBatchExists(db: Db, batchId: string): Promise<void> {
  const rows = await queryRows<{ id: string }>(db, sql`select id from batches where id = ${batchId}`);
  if (rows.length === 0) throw new ReportError(`no batch "${batchId}" (llm-router batches lists them)`);
}

/**
 * One window rule for every figure (report-source.ts): request figures from the request relation;
 * calls, tokens and cost from the attempt relation, as the rows are, so the total row equals them.
 * Savings count succeeded requests only: a failed request bought no answer, so its spend is shown
 * as its own line instead of being set against a baseline.
 */
async function buildSummary(db: Db, plan: SourcePlan, filters: ReportFilters): Promise<{ summary: ReportSummary; total: ReportRow }> {
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
          coalesce(sum(rq.cost_usd) filter (where rq.status = 'succeeded'), 0)::text as succeeded_cost_usd,
          coalesce(sum(rq.cost_usd) filter (where rq.status = 'failed'), 0)::text as failed_cost_usd,
          coalesce(sum(rq.baseline_cost_usd) filter (where rq.status = 'succeeded'), 0)::text as baseline_cost_usd,
          coalesce(sum(rq.baseline_cost_usd - rq.cost_usd) filter (where rq.status = 'succeeded'), 0)::text as savings_usd,
          case when sum(rq.baseline_cost_usd) filter (where rq.status = 'succeeded') > 0
            then round(100 * sum(rq.baseline_cost_usd - rq.cost_usd) filter (where rq.status = 'succeeded')
              / sum(rq.baseline_cost_usd) filter (where rq.status = 'succeeded'), 2)::text end as savings_percent,
          ${share(sql`sum(rq.escalated) filter (where rq.status in ('succeeded', 'failed'))`, finished)} as escalation_percent,
          ${share(sql`sum(rq.requests) filter (where rq.status = 'failed')`, finished)} as failure_percent
        from ${requestSource(plan, filters)}`,
    ),
    queryRows<Record<string, string | null>>(
      db,
      sql`select coalesce(sum(src.requests), 0)::text as requests, coalesce(sum(src.calls), 0)::text as calls,
          coalesce(sum(src.calls) filter (where src.outcome <> 'ok'), 0)::text as failed_calls,
          coalesce(sum(src.calls) filter (where src.outcome = 'abandoned'), 0)::text as abandoned_calls,
          coalesce(sum(src.input_tokens), 0)::text as input_tokens, coalesce(sum(src.output_tokens), 0)::text as output_tokens,
          coalesce(sum(src.cache_read_tokens), 0)::text as cache_read_tokens,
          coalesce(sum(src.cache_write_tokens), 0)::text as cache_write_tokens,
          coalesce(sum(src.cache_write_1h_tokens), 0)::text as cache_write_1h_tokens,
          coalesce(sum(src.cost_usd), 0)::text as cost_usd,
          coalesce(sum(src.possibly_billed_low_usd), 0)::text as possibly_billed_low_usd,
          coalesce(sum(src.possibly_billed_high_usd), 0)::text as possibly_billed_high_usd,
          coalesce(round(sum(src.latency_ms_sum)::numeric / nullif(sum(src.calls), 0), 1), 0)::text as avg_latency_ms,
          coalesce(sum(src.cost_usd) filter (where src.outcome <> 'ok'), 0)::text as wasted_cost_usd,
          ${share(sql`coalesce(sum(src.cost_usd) filter (where src.outcome <> 'ok'), 0)`, sql`nullif(sum(src.cost_usd), 0)`)} as wasted_percent,
          coalesce(sum(src.fallback_answers), 0)::text as fallback_answers,
          ${share(sql`sum(src.fallback_answers)`, sql`nullif(sum(src.calls) filter (where src.outcome = 'ok'), 0)`)} as fallback_percent
        from ${attemptSource(plan, filters, false)}`,
    ),
  ]);
  const total = calls!;
  const cost = parseUsd(total.cost_usd!);
  const succeededCost = parseUsd(requests!.succeeded_cost_usd!);
  const failedCost = parseUsd(requests!.failed_cost_usd!);
  const summary: ReportSummary = {
    requests: Number(requests!.requests),
    succeeded: Number(requests!.succeeded),
    failed: Number(requests!.failed),
    queued: Number(requests!.queued),
    cancelled: Number(requests!.cancelled),
    escalated: Number(requests!.escalated),
    calls: Number(total.calls),
    inputTokens: Number(total.input_tokens),
    outputTokens: Number(total.output_tokens),
    costUsd: trimDecimal(total.cost_usd!),
    succeededCostUsd: trimDecimal(requests!.succeeded_cost_usd!),
    failedCostUsd: trimDecimal(requests!.failed_cost_usd!),
    // Calls of requests not finished yet (their request row holds no cost until it ends).
    queuedCostUsd: trimDecimal(formatUsd(cost - succeededCost - failedCost)),
    baselineCostUsd: trimDecimal(requests!.baseline_cost_usd!),
    savingsUsd: trimDecimal(requests!.savings_usd!),
    savingsPercent: percent(requests!.savings_percent),
    possiblyBilledLowUsd: trimDecimal(total.possibly_billed_low_usd!),
    possiblyBilledHighUsd: trimDecimal(total.possibly_billed_high_usd!),
    abandonedCalls: Number(total.abandoned_calls),
    escalationPercent: percent(requests!.escalation_percent),
    failurePercent: percent(requests!.failure_percent),
    fallbackAnswers: Number(calls!.fallback_answers),
    fallbackPercent: percent(calls!.fallback_percent),
    wastedCostUsd: trimDecimal(calls!.wasted_cost_usd!),
    wastedPercent: percent(calls!.wasted_percent),
  };
  // The total row: the same relation, window and query as the summary's calls, tokens and cost, so
  // it equals them by construction. Its `requests` counts requests with at least one call.
  return { summary, total: { group: {}, ...measures(total) } };
}
