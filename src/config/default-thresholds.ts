/**
 * The score cuts used when `routing.thresholds` is not set: below 0.35 cheap, below 0.65 balanced,
 * else premium for three tiers; evenly spaced otherwise (two tiers: [0.5]). Here, below both the
 * intake (which routes on them) and the tiers (whose `uncertain` shadow sampling looks at the distance
 * to them); test/unit/tiers/uncertain-sampling.test.ts checks it agrees with src/intake/classify-job.ts.
 */
export function defaultThresholdsFor(tierCount: number): readonly number[] {
  if (tierCount === 3) return [0.35, 0.65];
  return Array.from({ length: tierCount - 1 }, (_, index) => (index + 1) / tierCount);
}
