import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../ledger/db/database.js";
import { trimDecimal } from "./decimal.js";
import type { ReportFilters } from "./report-filters.js";
import { attemptSource, requestSource, type SourcePlan } from "./report-source.js";
import { reportLatency, type LatencyRow } from "./report-latency.js";

/** Share of finished requests that started in a tier, and that ended in it. */
export interface RoutingShare {
  tier: string;
  initialRequests: number;
  initialPercent: number;
  finalRequests: number;
  finalPercent: number;
}

export interface DayTierCost {
  day: string;
  tier: string;
  calls: number;
  costUsd: string;
}

export interface DaySavings {
  /** The UTC day the requests were created. */
  day: string;
  costUsd: string;
  baselineCostUsd: string;
  savingsUsd: string;
}

/** What the json and html formats add to a report: routing, latency, and per-day series. */
export interface ReportInsights {
  /** Tier names, cheapest first. */
  tiers: string[];
  routing: RoutingShare[];
  costByDayTier: DayTierCost[];
  savingsByDay: DaySavings[];
  latencyByTier: LatencyRow[];
  latencyByModel: LatencyRow[];
  /** "histogram": from the rollups' buckets (within 9.1%); "exact": percentile_disc over raw calls. */
  latencyMethod: "histogram" | "exact";
}

const roundPercent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((10_000 * part) / whole) / 100);

export async function buildInsights(db: Db, plan: SourcePlan, filters: ReportFilters, tierOrder?: string[]): Promise<ReportInsights> {
  const [routingRows, costRows, savingsRows, latency] = await Promise.all([
    queryRows<{ tier: string; initial: string; final: string }>(
      db,
      sql`select tier, sum(initial)::text as initial, sum(final)::text as final from (
            select rq.initial_tier as tier, rq.requests as initial, 0 as final from ${requestSource(plan, filters)}
              where rq.status <> 'queued'
            union all
            select rq.final_tier, 0, rq.requests from ${requestSource(plan, filters)} where rq.status <> 'queued'
          ) as routes where tier <> '' group by tier`,
    ),
    queryRows<{ day: string; tier: string; calls: string; cost_usd: string }>(
      db,
      sql`select to_char(src.day, 'YYYY-MM-DD') as day, src.tier, sum(src.calls)::text as calls, sum(src.cost_usd)::text as cost_usd
          from ${attemptSource(plan, filters, false)} group by 1, 2 order by 1, 2`,
    ),
    queryRows<{ day: string; cost_usd: string; baseline_cost_usd: string; savings_usd: string }>(
      db,
      sql`select to_char(rq.day, 'YYYY-MM-DD') as day, sum(rq.cost_usd)::text as cost_usd,
            sum(rq.baseline_cost_usd)::text as baseline_cost_usd, (sum(rq.baseline_cost_usd) - sum(rq.cost_usd))::text as savings_usd
          from ${requestSource(plan, filters)} where rq.status <> 'queued' group by 1 order by 1`,
    ),
    reportLatency(db, plan, filters),
  ]);

  const costByDayTier = costRows.map((row) => ({
    day: row.day,
    tier: row.tier,
    calls: Number(row.calls),
    costUsd: trimDecimal(row.cost_usd),
  }));
  const tiers = orderTiers(
    [...new Set([...costByDayTier.map((row) => row.tier), ...routingRows.map((row) => row.tier)])],
    costByDayTier,
    tierOrder,
  );
  const initialTotal = routingRows.reduce((sum, row) => sum + Number(row.initial), 0);
  const finalTotal = routingRows.reduce((sum, row) => sum + Number(row.final), 0);
  const routing = tiers.map((tier) => {
    const row = routingRows.find((candidate) => candidate.tier === tier);
    const initialRequests = Number(row?.initial ?? 0);
    const finalRequests = Number(row?.final ?? 0);
    return {
      tier,
      initialRequests,
      initialPercent: roundPercent(initialRequests, initialTotal),
      finalRequests,
      finalPercent: roundPercent(finalRequests, finalTotal),
    };
  });
  const byTier = (rows: LatencyRow[]) => [...rows].sort((a, b) => tiers.indexOf(a.tier) - tiers.indexOf(b.tier));
  return {
    tiers,
    routing,
    costByDayTier,
    savingsByDay: savingsRows.map((row) => ({
      day: row.day,
      costUsd: trimDecimal(row.cost_usd),
      baselineCostUsd: trimDecimal(row.baseline_cost_usd),
      savingsUsd: trimDecimal(row.savings_usd),
    })),
    latencyByTier: byTier(latency.byTier),
    latencyByModel: byTier(latency.byModel),
    latencyMethod: latency.method,
  };
}

/**
 * Tiers cheapest first: the config's order for the tiers it names, then any others (renamed or
 * removed since) by their mean cost per call, which is what makes a tier cheap.
 */
export function orderTiers(tiers: string[], costs: DayTierCost[], configured: string[] = []): string[] {
  const perCall = new Map<string, number>();
  for (const tier of tiers) {
    const rows = costs.filter((row) => row.tier === tier);
    const calls = rows.reduce((sum, row) => sum + row.calls, 0);
    const cost = rows.reduce((sum, row) => sum + Number(row.costUsd), 0);
    perCall.set(tier, calls === 0 ? Number.POSITIVE_INFINITY : cost / calls);
  }
  const rank = (tier: string) => {
    const index = configured.indexOf(tier);
    return index === -1 ? configured.length : index;
  };
  return [...tiers].sort((a, b) => rank(a) - rank(b) || perCall.get(a)! - perCall.get(b)! || a.localeCompare(b));
}
