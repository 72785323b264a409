/**
 * `routing.shadow.strategy: uncertain`: spend the shadow budget where a label teaches the router the
 * most. A job whose score sits near a tier threshold is the one the router was unsure about; a job
 * far from every cut would route the same way whatever its label says. Pure: the probability of a
 * shadow check for one score, given the configured average rate and a reference sample of scores.
 *
 * Shape: weight(score) = FLOOR + (1 − FLOOR) · exp(−(d / WIDTH)²), d = distance to the nearest
 * threshold. FLOOR keeps every region sampled a little (so a drifting router is still noticed far
 * from the cuts); WIDTH is how near "near" is. The probability is min(1, c · weight), with c chosen
 * so that its mean over the reference scores equals `rate`: the same average rate as `uniform`.
 */

/** Weight of a score as far from every threshold as it can be, relative to one on a threshold. */
export const UNCERTAIN_FLOOR = 0.1;
/** Score distance at which the weight has fallen to 1/e of its way down to the floor. */
export const UNCERTAIN_WIDTH = 0.1;

/** How much a label at this score is worth, in (FLOOR, 1]: 1 on a threshold. */
export function uncertaintyWeight(score: number, thresholds: readonly number[]): number {
  if (thresholds.length === 0) return 1;
  const value = Number.isNaN(score) ? 0 : score;
  const distance = Math.min(...thresholds.map((cut) => Math.abs(value - cut)));
  return UNCERTAIN_FLOOR + (1 - UNCERTAIN_FLOOR) * Math.exp(-((distance / UNCERTAIN_WIDTH) ** 2));
}

/** Mean over the weights of min(1, scale · weight): the average rate a scale gives. */
function meanRate(weights: readonly number[], scale: number): number {
  let sum = 0;
  for (const weight of weights) sum += Math.min(1, scale * weight);
  return sum / weights.length;
}

/**
 * The scale c with mean(min(1, c · weight)) = rate over the weights (bisection: the mean only grows
 * with c). Rate 0 or 1 and an empty sample need no search.
 */
export function uncertainScale(rate: number, weights: readonly number[]): number {
  if (rate <= 0) return 0;
  if (weights.length === 0 || rate >= 1) return Number.POSITIVE_INFINITY;
  let low = 0;
  let high = rate / Math.min(...weights); // every weight × high ≥ rate, so the mean is ≥ rate
  for (let step = 0; step < 60; step++) {
    const middle = (low + high) / 2;
    if (meanRate(weights, middle) < rate) low = middle;
    else high = middle;
  }
  return high;
}

/** Scores spread evenly over [0, 1]: the reference before a worker has seen any real ones. */
export const EVEN_SCORES: readonly number[] = Array.from({ length: 101 }, (_, index) => index / 100);

/**
 * The probability of a shadow check as a function of the score. `reference`: scores of jobs like
 * the ones sampled from (the worker keeps its recent ones, see score-window.ts); the average over
 * them is `rate` exactly (up to the min(1, ·) cap, which binds only when rate is near 1). The scale
 * is searched once here, so call this once per reference, not per job.
 */
export function uncertainSampler(rate: number, thresholds: readonly number[], reference: readonly number[]): (score: number) => number {
  if (rate <= 0) return () => 0;
  if (rate >= 1) return () => 1;
  const sample = reference.length > 0 ? reference : EVEN_SCORES;
  const scale = uncertainScale(
    rate,
    sample.map((value) => uncertaintyWeight(value, thresholds)),
  );
  return (score) => Math.min(1, scale * uncertaintyWeight(score, thresholds));
}
