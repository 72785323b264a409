/**
 * RouteLLM's routing metrics (Ong et al. 2024, "RouteLLM: Learning to Route LLMs with Preference
 * Data"), for a two-model router that sends a job to the top tier when its score reaches a
 * threshold.
 *
 * - PGR (performance gap recovered) of a routing: (quality − weak) / (strong − weak), where weak
 *   and strong are the qualities of sending everything to the cheap or the top tier.
 * - The quality curve: PGR against the share of top-tier calls as the threshold sweeps from
 *   "nothing goes up" to "everything goes up".
 * - APGR: the area under that curve over top share ∈ [0, 1] (the mean PGR). A random router's
 *   expected curve is the diagonal, so its APGR is 0.5.
 * - CPT(x): the smallest top share at which the curve reaches PGR x (RouteLLM's "call-performance
 *   threshold"), e.g. CPT(50%) = 0.3 means 30% top-tier calls recover half the gap.
 *
 * RouteLLM samples the curve at 10 score quantiles and integrates with the trapezoid rule; here the
 * curve is exact — one point per distinct score (rows with equal scores move together, so the
 * straight line between two points is the expected quality of splitting a tie at random).
 */

export interface CurvePoint {
  /** Share of jobs sent to the top tier. */
  topShare: number;
  /** Mean quality of the routed answers. */
  quality: number;
  /** (quality − weak) / (strong − weak); NaN when the two tiers are equally good. */
  pgr: number;
  /** Jobs with score ≥ threshold go up; +Infinity for the "nothing goes up" point. */
  threshold: number;
}

export interface OutcomePair {
  /** Quality of the cheap tier's recorded answer. */
  weak: number;
  /** Quality of the top tier's recorded answer. */
  strong: number;
}

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (let index = 0; index < values.length; index++) sum += values[index]!;
  return sum / values.length;
}

export function pgrOf(quality: number, weakQuality: number, strongQuality: number): number {
  const gap = strongQuality - weakQuality;
  return gap === 0 ? Number.NaN : (quality - weakQuality) / gap;
}

/** The exact quality curve of routing by `scores` (higher = send up), from top share 0 to 1. */
export function qualityCurve(scores: ArrayLike<number>, pairs: OutcomePair[]): CurvePoint[] {
  const n = pairs.length;
  if (scores.length !== n) throw new Error(`scores (${scores.length}) and outcomes (${n}) differ in length`);
  if (n === 0) return [];
  const weakQuality = mean(pairs.map((pair) => pair.weak));
  const strongQuality = mean(pairs.map((pair) => pair.strong));
  // NaN scores count as the lowest: never sent up before a real score is.
  const key = (index: number) => (Number.isNaN(scores[index]!) ? Number.NEGATIVE_INFINITY : scores[index]!);
  const order = Array.from({ length: n }, (_, index) => index).sort((a, b) => key(b) - key(a));
  const points: CurvePoint[] = [
    { topShare: 0, quality: weakQuality, pgr: pgrOf(weakQuality, weakQuality, strongQuality), threshold: Number.POSITIVE_INFINITY },
  ];
  let gained = 0;
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && key(order[end + 1]!) === key(order[start]!)) end++;
    for (let k = start; k <= end; k++) {
      const pair = pairs[order[k]!]!;
      gained += pair.strong - pair.weak;
    }
    const quality = weakQuality + gained / n;
    points.push({ topShare: (end + 1) / n, quality, pgr: pgrOf(quality, weakQuality, strongQuality), threshold: key(order[start]!) });
    start = end + 1;
  }
  return points;
}

/** Area under PGR over top share (trapezoid rule on the exact curve). NaN when PGR is undefined. */
export function apgrOf(curve: CurvePoint[]): number {
  let area = 0;
  for (let index = 1; index < curve.length; index++) {
    const a = curve[index - 1]!;
    const b = curve[index]!;
    area += ((a.pgr + b.pgr) / 2) * (b.topShare - a.topShare);
  }
  return area;
}

/**
 * The smallest top share at which the (linearly interpolated) curve reaches PGR `target`.
 * NaN when PGR is undefined; 1 when only sending everything up reaches it.
 */
export function cptOf(curve: CurvePoint[], target: number): number {
  const first = curve[0];
  if (!first || Number.isNaN(first.pgr)) return Number.NaN;
  if (first.pgr >= target) return first.topShare;
  for (let index = 1; index < curve.length; index++) {
    const a = curve[index - 1]!;
    const b = curve[index]!;
    if (b.pgr >= target) {
      const t = b.pgr === a.pgr ? 1 : (target - a.pgr) / (b.pgr - a.pgr);
      return a.topShare + t * (b.topShare - a.topShare);
    }
  }
  return 1;
}

/** The curve's quality at a top share, interpolated between its points. */
export function qualityAtShare(curve: CurvePoint[], share: number): number {
  for (let index = 1; index < curve.length; index++) {
    const a = curve[index - 1]!;
    const b = curve[index]!;
    if (share <= b.topShare) {
      const t = b.topShare === a.topShare ? 1 : (share - a.topShare) / (b.topShare - a.topShare);
      return a.quality + t * (b.quality - a.quality);
    }
  }
  return curve[curve.length - 1]?.quality ?? Number.NaN;
}

/** The oracle's per-row score: what sending the row up gains (it knows both answers). */
export function oracleScores(pairs: OutcomePair[]): number[] {
  return pairs.map((pair) => pair.strong - pair.weak);
}

/** Summary metrics of routing by `scores`. */
export function routingMetrics(scores: ArrayLike<number>, pairs: OutcomePair[]) {
  const curve = qualityCurve(scores, pairs);
  return { curve, apgr: apgrOf(curve), cpt50: cptOf(curve, 0.5), cpt80: cptOf(curve, 0.8) };
}
