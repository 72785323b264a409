import { describe, expect, it } from "vitest";
import { defaultThresholds } from "../../../src/intake/classify-job.js";
import { defaultThresholdsFor } from "../../../src/config/default-thresholds.js";
import { createScoreWindow } from "../../../src/tiers/shadow/score-window.js";
import { shadowSampled } from "../../../src/tiers/shadow/shadow-sample.js";
import { UNCERTAIN_FLOOR, uncertainSampler, uncertainScale, uncertaintyWeight } from "../../../src/tiers/shadow/uncertain-sampling.js";

/** A skewed score distribution like a router's: most jobs clearly easy, a tail of hard ones (seeded). */
function skewedScores(count: number): number[] {
  let state = 12345;
  const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, () => random() ** 3);
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe("uncertain shadow sampling", () => {
  const thresholds = [0.35, 0.65];

  it("averages exactly the configured rate over the reference scores", () => {
    const scores = skewedScores(5000);
    for (const rate of [0.01, 0.05, 0.2, 0.5]) {
      const probability = uncertainSampler(rate, thresholds, scores);
      const probabilities = scores.map(probability);
      expect(mean(probabilities)).toBeCloseTo(rate, 9);
    }
  });

  it("samples most on a threshold, less with distance, and never below the floor's share", () => {
    const scores = skewedScores(2000);
    const at = uncertainSampler(0.05, thresholds, scores);
    expect(at(0.35)).toBeGreaterThan(at(0.4));
    expect(at(0.4)).toBeGreaterThan(at(0.5));
    expect(at(0.65)).toBeCloseTo(at(0.35), 12);
    expect(at(0.02)).toBeGreaterThan(0);
    expect(at(0.02) / at(0.35)).toBeCloseTo(UNCERTAIN_FLOOR + (1 - UNCERTAIN_FLOOR) * Math.exp(-((0.33 / 0.1) ** 2)), 6);
    // Sure jobs (far from both cuts) are sampled below the uniform rate, unsure ones above it.
    expect(at(0.02)).toBeLessThan(0.05);
    expect(at(0.35)).toBeGreaterThan(0.05);
  });

  it("spends more of the same label budget near the cuts than uniform sampling does", () => {
    const scores = skewedScores(20000);
    const ids = scores.map((_, index) => `job-${index}`);
    const near = (score: number) => Math.min(...thresholds.map((cut) => Math.abs(score - cut))) < 0.05;
    const uniform = ids.filter((id) => shadowSampled(id, 0.1));
    const probability = uncertainSampler(0.1, thresholds, scores);
    const uncertain = ids.filter((id, index) => shadowSampled(id, probability(scores[index]!)));
    // Same budget within sampling noise (2000 expected; a few standard deviations).
    expect(Math.abs(uncertain.length - 2000)).toBeLessThan(150);
    const nearShare = (picked: string[]) => picked.filter((id) => near(scores[Number(id.slice(4))]!)).length / picked.length;
    expect(nearShare(uncertain)).toBeGreaterThan(2 * nearShare(uniform));
  });

  it("keeps rate 0 and 1 exact and caps at 1", () => {
    expect(uncertainSampler(0, thresholds, [0.35])(0.35)).toBe(0);
    expect(uncertainSampler(1, thresholds, [0.35])(0.1)).toBe(1);
    // All reference scores far from the cuts: a score on a cut would need more than certainty.
    expect(uncertainSampler(0.5, thresholds, [0, 1])(0.35)).toBe(1);
    expect(uncertainScale(0.2, [])).toBe(Number.POSITIVE_INFINITY);
    expect(uncertaintyWeight(0.5, [])).toBe(1);
  });

  it("a worker's score window averages the rate over the traffic it has seen", () => {
    const window = createScoreWindow(4000);
    const scores = skewedScores(4000);
    let scale = 0;
    for (const score of scores) scale = window.scaleFor(score, 0.1, thresholds);
    // The last rescale saw (nearly) the whole window.
    const probabilities = scores.map((score) => Math.min(1, scale * uncertaintyWeight(score, thresholds)));
    expect(mean(probabilities)).toBeCloseTo(0.1, 2);
  });

  it("uses the same default thresholds as the intake", () => {
    for (const tiers of [2, 3, 4, 5]) expect(defaultThresholdsFor(tiers)).toEqual(defaultThresholds(tiers));
  });
});
