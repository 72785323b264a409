import { describe, expect, it } from "vitest";
import { summarizeMix, targetShares, thresholdsForMaxShares, tierOf } from "../../../src/lab/calibrate.js";

describe("target shares", () => {
  it("gives the top tier its cap and splits the rest evenly", () => {
    expect(targetShares(3, { maxTopShare: 0.25 })).toEqual([0.375, 0.375, 0.25]);
    expect(targetShares(2, { maxTopShare: 0.1 })).toEqual([0.9, 0.1]);
    expect(targetShares(1, {})).toEqual([1]);
  });

  it("takes explicit shares, checked", () => {
    expect(targetShares(3, { shares: [0.6, 0.3, 0.1] })).toEqual([0.6, 0.3, 0.1]);
    expect(() => targetShares(3, { shares: [0.5, 0.5] })).toThrow(/2 values for 3 tiers/);
    expect(() => targetShares(2, { shares: [0.5, 0.6] })).toThrow(/sum to 1/);
  });
});

describe("thresholdsForMaxShares", () => {
  it("cuts halfway between the last job sent up and the first kept down", () => {
    const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2];
    const cuts = thresholdsForMaxShares(scores, [0.5, 0.25, 0.25]);
    expect(cuts[0]).toBeCloseTo(0.55, 12);
    expect(cuts[1]).toBeCloseTo(0.75, 12);
    expect(scores.map((score) => tierOf(score, cuts))).toEqual([2, 2, 1, 1, 0, 0, 0, 0]);
  });

  it("never splits tied scores, staying at or under the target", () => {
    const cuts = thresholdsForMaxShares([0.9, 0.8, 0.8, 0.8, 0.1], [0.5, 0.5]);
    expect(cuts[0]).toBeCloseTo(0.85, 12);
  });

  it("edge targets: nothing up, everything up", () => {
    const scores = [0.3, 0.6, 0.9];
    expect(scores.filter((score) => score >= thresholdsForMaxShares(scores, [1, 0])[0]!)).toEqual([]);
    expect(scores.filter((score) => score >= thresholdsForMaxShares(scores, [0, 1])[0]!)).toEqual(scores);
  });

  it("holds the 'at most' for any sample", () => {
    let state = 99;
    const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 50; trial++) {
      // Coarse scores make plenty of ties (below 1: a score of exactly 1 reaches any threshold).
      const scores = Array.from({ length: 50 + trial }, () => Math.round(random() * 19) / 20);
      const top = random() * 0.5;
      const cuts = thresholdsForMaxShares(scores, [1 - top - 0.2, 0.2, top]);
      expect(cuts[0]!).toBeLessThanOrEqual(cuts[1]!);
      expect(scores.filter((score) => score >= cuts[1]!).length).toBeLessThanOrEqual(Math.floor(top * scores.length + 1e-9));
      expect(scores.filter((score) => score >= cuts[0]!).length).toBeLessThanOrEqual(Math.floor((top + 0.2) * scores.length + 1e-9));
    }
  });
});

describe("summarizeMix", () => {
  it("hand-computed mix, cost and quality", () => {
    const rows = [
      { score: 0.9, costs: [1, 2, 10], weak: 0, strong: 1 },
      { score: 0.5, costs: [1, 2, 10], weak: 1, strong: 1 },
      { score: 0.2, costs: [1, 2, 10], weak: 1, strong: 0 },
      { score: 0.1, costs: [1, 2, 10], weak: 0, strong: 0 },
    ];
    const mix = summarizeMix(rows, [0.3, 0.8]);
    expect(mix.shares).toEqual([0.5, 0.25, 0.25]);
    expect(mix.cost_usd).toBe(1 + 1 + 2 + 10);
    expect(mix.always_cheap_cost_usd).toBe(4);
    expect(mix.always_top_cost_usd).toBe(40);
    // Top row: strong (1); the others: weak (1, 1, 0).
    expect(mix.quality).toBe(0.75);
    expect(mix.always_cheap_quality).toBe(0.5);
    expect(mix.always_top_quality).toBe(0.5);
    expect(mix.pgr).toBeNaN();
  });

  it("without labels reports cost only", () => {
    const mix = summarizeMix([{ score: 0.4, costs: [1, 3] }], [0.5]);
    expect(mix.quality).toBeUndefined();
    expect(mix.cost_usd).toBe(1);
  });
});
