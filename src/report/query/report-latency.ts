import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../../ledger/db/database.js";
import type { ReportFilters } from "./report-filters.js";
import type { SourcePlan } from "./report-source.js";

/** Latency percentiles of all calls (every outcome) of a tier, or of one model in a tier. */
export interface LatencyRow {
  tier: string;
  provider?: string;
  model?: string;
  calls: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface LatencyReport {
  byTier: LatencyRow[];
  byModel: LatencyRow[];
  method: "histogram" | "exact";
}

/**
 * From the rollups' histograms when it can (all calls, whole days): within 9.1% of the true value.
 * A --batch filter, or a range that is not whole days, reads the raw calls and gives exact
 * nearest-rank percentiles (percentile_disc) instead: only the day rollup keeps histograms.
 */
export async function reportLatency(db: Db, plan: SourcePlan, filters: ReportFilters): Promise<LatencyReport> {
  const fromHistogram = plan.kind === "rollup" && filters.batchId === undefined;
  const rows = await queryRows<{
    tier: string;
    provider: string | null;
    model: string | null;
    calls: string;
    p50: string;
    p95: string;
    p99: string;
  }>(db, fromHistogram ? histogramQuery(filters) : exactQuery(filters));
  const parsed = rows.map((row) => ({
    tier: row.tier,
    ...(row.model === null ? {} : { provider: row.provider!, model: row.model }),
    calls: Number(row.calls),
    p50Ms: Number(row.p50),
    p95Ms: Number(row.p95),
    p99Ms: Number(row.p99),
  }));
  return {
    byTier: parsed.filter((row) => row.model === undefined),
    byModel: parsed.filter((row) => row.model !== undefined),
    method: fromHistogram ? "histogram" : "exact",
  };
}

const where = (clauses: SQL[]) => (clauses.length === 0 ? sql`true` : sql.join(clauses, sql` and `));

function histogramQuery(filters: ReportFilters): SQL {
  const clauses: SQL[] = [];
  if (filters.since) clauses.push(sql`day >= ${filters.since.toISOString().slice(0, 10)}::date`);
  if (filters.until) clauses.push(sql`day < ${filters.until.toISOString().slice(0, 10)}::date`);
  // Histograms summed bucket by bucket with unnest and a plain GROUP BY: no SQL function call per
  // rollup row, as the latency_hist_sum aggregate would make.
  return sql`with buckets as (
      select tier, provider, model, b.i, sum(b.n)::bigint as n
      from attempt_rollup_daily, unnest(latency_hist) with ordinality as b(n, i)
      where ${where(clauses)}
      group by grouping sets ((tier, b.i), (tier, provider, model, b.i))
    ), hists as (
      select tier, provider, model, array_agg(n order by i) as hist, sum(n) as calls from buckets group by tier, provider, model
    )
    select tier, provider, model, calls::text, latency_hist_percentile(hist, 0.5)::text as p50,
      latency_hist_percentile(hist, 0.95)::text as p95, latency_hist_percentile(hist, 0.99)::text as p99
    from hists where calls > 0 order by tier, provider nulls first, model nulls first`;
}

function exactQuery(filters: ReportFilters): SQL {
  const clauses: SQL[] = [];
  if (filters.batchId !== undefined) clauses.push(sql`r.batch_id = ${filters.batchId}`);
  if (filters.since) clauses.push(sql`a.started_at >= ${filters.since.toISOString()}::timestamptz`);
  if (filters.until) clauses.push(sql`a.started_at < ${filters.until.toISOString()}::timestamptz`);
  const join = filters.batchId !== undefined ? sql`join requests r on r.id = a.request_id` : sql``;
  return sql`select a.tier, a.provider, a.model, count(*)::text as calls,
      percentile_disc(0.5) within group (order by a.latency_ms)::text as p50,
      percentile_disc(0.95) within group (order by a.latency_ms)::text as p95,
      percentile_disc(0.99) within group (order by a.latency_ms)::text as p99
    from attempts a ${join}
    where ${where(clauses)}
    group by grouping sets ((a.tier), (a.tier, a.provider, a.model))
    order by a.tier, a.provider nulls first, a.model nulls first`;
}
