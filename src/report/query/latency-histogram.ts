/**
 * The fixed log-scale latency buckets of the rollups (SQL: latency_hist_bounds(), latency_bucket(),
 * latency_hist_percentile() in migrations/0001_rollups_and_partitioned_attempts.sql).
 *
 * Bounds are ceil(2^(k/4)) ms for k = 0..80, de-duplicated. Bucket 0 holds 0 ms; bucket b >= 1
 * holds [BOUNDS[b-1], BOUNDS[b]) ms (0-based here, 1-based in SQL); the last bucket is open above
 * 1,048,576 ms. A percentile is reported as the geometric middle of its bucket's integer range, so it
 * is within MAX_RELATIVE_ERROR of the true nearest-rank percentile (exact up to 7 ms).
 */
export const LATENCY_BOUNDS_MS: readonly number[] = (() => {
  const bounds: number[] = [];
  for (let k = 0; k <= 80; k++) {
    const bound = Math.ceil(2 ** (k / 4));
    if (!bounds.includes(bound)) bounds.push(bound);
  }
  return bounds;
})();

/** Number of buckets in a histogram: one below the first bound, then one per bound. */
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

/** Worst case of |estimate - true| / true over every closed bucket: sqrt((hi - 1) / lo) - 1. */
export const MAX_RELATIVE_ERROR = Math.max(
  ...LATENCY_BOUNDS_MS.slice(0, -1).map((lo, index) => Math.sqrt((LATENCY_BOUNDS_MS[index + 1]! - 1) / lo) - 1),
);

/** The bucket of a latency, as SQL's width_bucket(ms, bounds) numbers it. */
export function latencyBucket(latencyMs: number): number {
  let bucket = 0;
  while (bucket < LATENCY_BOUNDS_MS.length && latencyMs >= LATENCY_BOUNDS_MS[bucket]!) bucket++;
  return bucket;
}

/** The value a bucket reports for a percentile that falls in it. */
export function bucketEstimate(bucket: number): number {
  if (bucket <= 0) return 0;
  const lower = LATENCY_BOUNDS_MS[bucket - 1]!;
  if (bucket >= LATENCY_BOUNDS_MS.length) return lower;
  const upperInclusive = LATENCY_BOUNDS_MS[bucket]! - 1;
  return Math.round(Math.sqrt(lower * upperInclusive) * 10) / 10;
}

/** Nearest-rank percentile of a histogram (fraction 0.95 for p95); null when it is empty. */
export function histogramPercentile(hist: readonly number[], fraction: number): number | null {
  const total = hist.reduce((sum, count) => sum + count, 0);
  if (total <= 0) return null;
  const rank = Math.max(fraction * total, 1);
  let running = 0;
  for (let bucket = 0; bucket < hist.length; bucket++) {
    running += hist[bucket]!;
    if (running >= rank) return bucketEstimate(bucket);
  }
  return bucketEstimate(hist.length - 1);
}
