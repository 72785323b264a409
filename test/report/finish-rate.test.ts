import { describe, expect, it } from "vitest";
import { createFinishRateTracker, etaMs, formatDuration } from "../../src/report/query/finish-rate.js";

describe("batch ETA", () => {
  it("is the remaining jobs over the finish rate; 0 when done, unknown before any finish", () => {
    expect(etaMs(100, 10)).toBe(10_000);
    expect(etaMs(0, null)).toBe(0);
    expect(etaMs(5, null)).toBeNull();
    expect(etaMs(5, 0)).toBeNull();
  });

  it("follows the recent pace over a sliding window", () => {
    const tracker = createFinishRateTracker(10_000);
    expect(tracker.sample(0, 0)).toBeNull();
    expect(tracker.sample(10, 1_000)).toBe(10);
    expect(tracker.sample(20, 2_000)).toBe(10);
    // Workers scaled up: after the window moves past the slow start, the rate is the new one.
    for (let second = 3; second <= 15; second++) tracker.sample(20 + (second - 2) * 50, second * 1_000);
    expect(tracker.sample(20 + 14 * 50, 16_000)).toBeCloseTo(50, 0);
  });

  it("formats durations the way people read them", () => {
    expect(formatDuration(42_000)).toBe("42s");
    expect(formatDuration(185_000)).toBe("3m 05s");
    expect(formatDuration(3_720_000)).toBe("1h 02m");
  });
});
