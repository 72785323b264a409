import { describe, expect, it } from "vitest";
import {
  bucketEstimate,
  histogramPercentile,
  latencyBucket,
  LATENCY_BOUNDS_MS,
  LATENCY_BUCKETS,
  MAX_RELATIVE_ERROR,
} from "../../src/report/query/latency-histogram.js";

describe("latency histogram", () => {
  it("has 77 buckets: 0 ms, every integer to 7 ms, then a quarter-octave each up to 17.5 minutes", () => {
    expect(LATENCY_BUCKETS).toBe(77);
    expect(LATENCY_BOUNDS_MS.slice(0, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 10, 12]);
    expect(LATENCY_BOUNDS_MS.at(-1)).toBe(1_048_576);
  });

  it("puts a latency in the bucket whose bounds hold it", () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(1)).toBe(1);
    expect(latencyBucket(8)).toBe(8);
    expect(latencyBucket(9)).toBe(8);
    expect(latencyBucket(10)).toBe(9);
    expect(latencyBucket(2_000_000)).toBe(76);
    for (let ms = 1; ms < 2_000_000; ms = Math.ceil(ms * 1.07)) {
      const bucket = latencyBucket(ms);
      expect(LATENCY_BOUNDS_MS[bucket - 1]).toBeLessThanOrEqual(ms);
      if (bucket < LATENCY_BOUNDS_MS.length) expect(LATENCY_BOUNDS_MS[bucket]).toBeGreaterThan(ms);
    }
  });

  it("estimates within 9.1% of any latency below the open last bucket, and exactly up to 7 ms", () => {
    expect(MAX_RELATIVE_ERROR).toBeCloseTo(0.0905, 4);
    for (let ms = 1; ms < 1_048_576; ms = Math.ceil(ms * 1.013)) {
      const estimate = bucketEstimate(latencyBucket(ms));
      expect(Math.abs(estimate - ms) / ms, `${ms} ms → ${estimate}`).toBeLessThanOrEqual(MAX_RELATIVE_ERROR + 0.001);
      if (ms <= 7) expect(estimate).toBe(ms);
    }
  });

  it("reads nearest-rank percentiles like percentile_disc", () => {
    const hist = new Array<number>(LATENCY_BUCKETS).fill(0);
    for (const ms of [100, 400, 500, 600, 800, 900]) hist[latencyBucket(ms)]!++;
    expect(histogramPercentile(hist, 0.5)).toBe(bucketEstimate(latencyBucket(500)));
    expect(histogramPercentile(hist, 0.95)).toBe(bucketEstimate(latencyBucket(900)));
    expect(histogramPercentile(hist, 0)).toBe(bucketEstimate(latencyBucket(100)));
    expect(histogramPercentile(new Array<number>(LATENCY_BUCKETS).fill(0), 0.5)).toBeNull();
  });
});
