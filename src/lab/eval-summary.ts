import type { Picodollars } from "../pricing/money.js";
import type { RowCosts } from "./eval-costs.js";
import { mean, oracleScores, pgrOf, qualityAtShare, routingMetrics, type OutcomePair } from "./routing-metrics.js";

/**
 * The numbers `llm-router eval` reports, from per-row results: the router's own (what the
 * pipeline did, read from the ledger), the four baselines (priced offline with the same rates), and
 * RouteLLM's threshold-free metrics from the router's scores. Pure, so the arithmetic is tested on
 * hand-computed examples.
 */

export interface EvalRowResult {
  pair: OutcomePair;
  costs: RowCosts;
  /** The request was answered by the top tier. */
  routedTop: boolean;
  /** The request ended failed (no answer: quality 0). */
  failed: boolean;
  escalated: boolean;
  /** The router's score for the row (as recorded in the ledger). */
  score: number;
  /** What the ledger says the request cost. */
  ledgerCost: Picodollars;
}

export interface PolicySummary {
  quality: number;
  cost_usd: number;
  top_share: number;
  /** (quality − always_cheap) / (always_top − always_cheap). */
  pgr: number;
}

export interface EvalSummary {
  rows: number;
  apgr: number;
  cpt50: number;
  cpt80: number;
  router: PolicySummary & { failed: number; escalated: number };
  always_cheap: PolicySummary;
  always_top: PolicySummary;
  random: PolicySummary;
  oracle: PolicySummary;
  /** The router's quality curve at every 5% of top-tier share. */
  sweep: { top_share: number; quality: number; pgr: number }[];
  /** The oracle's APGR: the most any router could reach on these rows. */
  oracle_apgr: number;
  /** Σ ledger cost of the router's requests − Σ offline price of the same choices (0 when the pipeline priced as expected). */
  ledger_cost_gap_usd: number;
}

const PICO = 1e12;
const usd = (amount: Picodollars | number): number => Number(amount) / PICO;

export function summarizeEval(rows: EvalRowResult[]): EvalSummary {
  const n = rows.length;
  if (n === 0) throw new Error("no rows to summarise");
  const pairs = rows.map((row) => row.pair);
  const cheapQuality = mean(pairs.map((pair) => pair.weak));
  const topQuality = mean(pairs.map((pair) => pair.strong));
  const pgr = (quality: number) => pgrOf(quality, cheapQuality, topQuality);
  let cheapCost = 0n;
  let topCost = 0n;
  for (const row of rows) {
    cheapCost += row.costs.cheap;
    topCost += row.costs.top;
  }

  // The router, as the pipeline ran it.
  let routerQuality = 0;
  let routerTop = 0;
  let routerCost = 0n;
  let offlineCost = 0n;
  let failed = 0;
  let escalated = 0;
  for (const row of rows) {
    if (row.failed) failed++;
    else routerQuality += row.routedTop ? row.pair.strong : row.pair.weak;
    if (row.routedTop) routerTop++;
    if (row.escalated) escalated++;
    routerCost += row.ledgerCost;
    offlineCost += row.routedTop ? row.costs.top : row.costs.cheap;
  }
  routerQuality /= n;
  const topShare = routerTop / n;

  // The oracle knows both answers: it sends a row up exactly when that improves it.
  let oracleQuality = 0;
  let oracleTop = 0;
  let oracleCost = 0n;
  for (const row of rows) {
    const up = row.pair.strong > row.pair.weak;
    oracleQuality += up ? row.pair.strong : row.pair.weak;
    if (up) oracleTop++;
    oracleCost += up ? row.costs.top : row.costs.cheap;
  }
  oracleQuality /= n;

  // Random routing at the router's top share, in expectation (no sampling noise).
  const randomQuality = (1 - topShare) * cheapQuality + topShare * topQuality;
  const randomCost = (1 - topShare) * usd(cheapCost) + topShare * usd(topCost);

  const metrics = routingMetrics(
    rows.map((row) => row.score),
    pairs,
  );
  const oracleMetrics = routingMetrics(oracleScores(pairs), pairs);
  const sweep = Array.from({ length: 21 }, (_, index) => {
    const share = index / 20;
    const quality = qualityAtShare(metrics.curve, share);
    return { top_share: share, quality, pgr: pgr(quality) };
  });

  return {
    rows: n,
    apgr: metrics.apgr,
    cpt50: metrics.cpt50,
    cpt80: metrics.cpt80,
    router: { quality: routerQuality, cost_usd: usd(routerCost), top_share: topShare, pgr: pgr(routerQuality), failed, escalated },
    always_cheap: { quality: cheapQuality, cost_usd: usd(cheapCost), top_share: 0, pgr: pgr(cheapQuality) },
    always_top: { quality: topQuality, cost_usd: usd(topCost), top_share: 1, pgr: pgr(topQuality) },
    random: { quality: randomQuality, cost_usd: randomCost, top_share: topShare, pgr: pgr(randomQuality) },
    oracle: { quality: oracleQuality, cost_usd: usd(oracleCost), top_share: oracleTop / n, pgr: pgr(oracleQuality) },
    sweep,
    oracle_apgr: oracleMetrics.apgr,
    ledger_cost_gap_usd: usd(routerCost - offlineCost),
  };
}
