import { UsageError } from "../errors/router-error.js";
/**
 * Threshold calibration: cut points on the score so that at most a target share of jobs reaches
 * each tier and above ("at most 25% premium"), and what that mix is expected to cost and deliver.
 * Pure arithmetic over a score sample; `llm-router calibrate` feeds it a labelled file's scores or
 * the ledger's recorded `complexity_score`s.
 */

/**
 * Shares per tier (cheapest first, summing to 1) from the usual flags: the top tier gets
 * `maxTopShare`, the tiers below split the rest evenly — unless `shares` gives every tier's share.
 */
export function targetShares(tierCount: number, options: { maxTopShare?: number; shares?: number[] }): number[] {
  if (tierCount < 1) throw new Error("no tiers");
  if (options.shares) {
    if (options.shares.length !== tierCount) {
      throw new UsageError(`--shares has ${options.shares.length} values for ${tierCount} tiers; give one per tier, cheapest first`);
    }
    const sum = options.shares.reduce((total, share) => total + share, 0);
    if (options.shares.some((share) => !(share >= 0)) || Math.abs(sum - 1) > 1e-6) {
      throw new UsageError(`--shares must be non-negative and sum to 1, got ${options.shares.join(",")} (sum ${sum})`);
    }
    return options.shares;
  }
  if (tierCount === 1) return [1];
  const top = options.maxTopShare ?? 0.25;
  if (!(top >= 0 && top <= 1)) throw new UsageError(`--max-top-share must be between 0 and 1, got ${top}`);
  const below = (1 - top) / (tierCount - 1);
  return [...Array.from({ length: tierCount - 1 }, () => below), top];
}

/**
 * Ascending thresholds (one per tier boundary) such that the share of scores at or above
 * thresholds[i] — the jobs that start on tier i + 1 or higher — is at most the target share of
 * those tiers together. A cut sits halfway between the last score sent up and the first kept
 * down, so scores near it on new data split the way the sample did; tied scores stay together
 * (on the lower side, which keeps the "at most"). Thresholds stay within [0, 1], so a score of
 * exactly 1 reaches even a "nothing goes up" cut; scores from both classifiers stay below it.
 */
export function thresholdsForMaxShares(scores: readonly number[], shares: readonly number[]): number[] {
  const sorted = scores.filter((score) => !Number.isNaN(score)).sort((a, b) => b - a);
  const n = sorted.length;
  if (n === 0) throw new Error("no scores to calibrate on");
  const thresholds: number[] = [];
  for (let boundary = 1; boundary < shares.length; boundary++) {
    let upper = 0;
    for (let tier = boundary; tier < shares.length; tier++) upper += shares[tier]!;
    // How many jobs may go to this tier or higher (a float epsilon keeps 0.25 · 400 = 100, not 99).
    let allowed = Math.min(n, Math.floor(upper * n + 1e-9));
    // Ties cannot be split: step back to the end of the group above the first job kept down.
    while (allowed > 0 && allowed < n && sorted[allowed - 1] === sorted[allowed]) allowed--;
    let cut: number;
    if (allowed >= n)
      cut = sorted[n - 1]!; // everything goes up
    else if (allowed === 0)
      cut = Math.min(1, sorted[0]! + Math.max(1e-6, (1 - sorted[0]!) / 2)); // nothing goes up
    else cut = (sorted[allowed - 1]! + sorted[allowed]!) / 2;
    thresholds.push(cut);
  }
  for (let index = 1; index < thresholds.length; index++) thresholds[index] = Math.max(thresholds[index]!, thresholds[index - 1]!);
  return thresholds;
}

/** Index of the tier a score goes to under ascending thresholds (as src/intake/classify-job.ts cuts). */
export function tierOf(score: number, thresholds: readonly number[]): number {
  let index = 0;
  while (index < thresholds.length && score >= thresholds[index]!) index++;
  return index;
}

export interface MixRow {
  score: number;
  /** Cost of answering this row on each tier, in USD (cheapest first). */
  costs: number[];
  /** Recorded qualities when the data is labelled: weak = the cheap tier's answer, strong = the top tier's. */
  weak?: number;
  strong?: number;
}

export interface MixSummary {
  thresholds: number[];
  /** Share of rows per tier under the thresholds. */
  shares: number[];
  cost_usd: number;
  always_cheap_cost_usd: number;
  always_top_cost_usd: number;
  /** With labels: top-tier rows get the strong outcome, every other row the weak one (the data has no middle-tier answers). */
  quality?: number;
  always_cheap_quality?: number;
  always_top_quality?: number;
  pgr?: number;
}

/** What a set of thresholds does to a sample: the mix, its cost, and (with labels) its quality. */
export function summarizeMix(rows: MixRow[], thresholds: number[]): MixSummary {
  const tierCount = thresholds.length + 1;
  const counts = new Array<number>(tierCount).fill(0);
  let cost = 0;
  let cheapCost = 0;
  let topCost = 0;
  let quality = 0;
  let cheapQuality = 0;
  let topQuality = 0;
  const labelled = rows.length > 0 && rows.every((row) => row.weak !== undefined && row.strong !== undefined);
  for (const row of rows) {
    const tier = tierOf(row.score, thresholds);
    counts[tier]!++;
    cost += row.costs[tier] ?? 0;
    cheapCost += row.costs[0] ?? 0;
    topCost += row.costs[tierCount - 1] ?? 0;
    if (labelled) {
      quality += tier === tierCount - 1 ? row.strong! : row.weak!;
      cheapQuality += row.weak!;
      topQuality += row.strong!;
    }
  }
  const n = Math.max(1, rows.length);
  const summary: MixSummary = {
    thresholds,
    shares: counts.map((count) => count / n),
    cost_usd: cost,
    always_cheap_cost_usd: cheapCost,
    always_top_cost_usd: topCost,
  };
  if (labelled) {
    summary.quality = quality / n;
    summary.always_cheap_quality = cheapQuality / n;
    summary.always_top_quality = topQuality / n;
    const gap = topQuality - cheapQuality;
    summary.pgr = gap === 0 ? Number.NaN : (quality - cheapQuality) / gap;
  }
  return summary;
}
