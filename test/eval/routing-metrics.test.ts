import { describe, expect, it } from "vitest";
import { apgrOf, cptOf, oracleScores, pgrOf, qualityAtShare, qualityCurve, routingMetrics } from "../../src/lab/routing-metrics.js";

// Four rows: two where only the top tier is right (+1), one both right (0), one only the cheap tier (−1).
// Always cheap = 2/4 = 0.5, always top = 3/4 = 0.75: a gap of 0.25.
const pairs = [
  { weak: 0, strong: 1 },
  { weak: 0, strong: 1 },
  { weak: 1, strong: 1 },
  { weak: 1, strong: 0 },
];

describe("PGR", () => {
  it("is the share of the cheap→top gap recovered", () => {
    expect(pgrOf(0.5, 0.5, 0.75)).toBe(0);
    expect(pgrOf(0.625, 0.5, 0.75)).toBe(0.5);
    expect(pgrOf(1, 0.5, 0.75)).toBe(2);
    expect(pgrOf(0.6, 0.6, 0.6)).toBeNaN();
  });
});

describe("quality curve, APGR and CPT", () => {
  // Scores send row 0 first, then row 2, then row 1, then row 3.
  const scores = [0.9, 0.5, 0.7, 0.1];

  it("the curve has one point per distinct score", () => {
    const curve = qualityCurve(scores, pairs);
    expect(curve.map((point) => [point.topShare, point.quality, point.pgr])).toEqual([
      [0, 0.5, 0],
      [0.25, 0.75, 1],
      [0.5, 0.75, 1],
      [0.75, 1, 2],
      [1, 0.75, 1],
    ]);
    expect(curve.map((point) => point.threshold)).toEqual([Infinity, 0.9, 0.7, 0.5, 0.1]);
  });

  it("APGR by the trapezoid rule: 0.125 + 0.25 + 0.375 + 0.375", () => {
    expect(apgrOf(qualityCurve(scores, pairs))).toBeCloseTo(1.125, 12);
  });

  it("CPT interpolates where the curve first reaches the target", () => {
    const curve = qualityCurve(scores, pairs);
    expect(cptOf(curve, 0.5)).toBeCloseTo(0.125, 12);
    expect(cptOf(curve, 0.8)).toBeCloseTo(0.2, 12);
    expect(cptOf(curve, 1.5)).toBeCloseTo(0.625, 12);
    expect(cptOf(curve, 3)).toBe(1);
    expect(qualityAtShare(curve, 0.625)).toBeCloseTo(0.875, 12);
  });

  it("a router that cannot tell rows apart is random: the diagonal, APGR 0.5", () => {
    const tied = routingMetrics([0.3, 0.3, 0.3, 0.3], pairs);
    expect(tied.curve).toHaveLength(2);
    expect(tied.apgr).toBeCloseTo(0.5, 12);
    expect(tied.cpt50).toBeCloseTo(0.5, 12);
    expect(tied.cpt80).toBeCloseTo(0.8, 12);
  });

  it("the oracle sends the gains first and the losses last", () => {
    const oracle = routingMetrics(oracleScores(pairs), pairs);
    // Both +1 rows (tied at 1) at share 0.5 → quality 1 (PGR 2); then 0; then −1.
    expect(oracle.apgr).toBeCloseTo(0.5 + 0.5 + 0.375, 12);
    expect(oracle.cpt80).toBeCloseTo(0.2, 12);
  });

  it("NaN scores go last, and mismatched lengths are refused", () => {
    const curve = qualityCurve([Number.NaN, 0.2, 0.1, 0.3], pairs);
    expect(curve[curve.length - 2]!.topShare).toBe(0.75);
    expect(() => qualityCurve([0.1], pairs)).toThrow(/differ in length/);
  });
});
