import { describe, expect, it } from "vitest";
import { fitLogistic, predictLogit, sigmoid, softplus, type TrainingRow } from "../../../src/lab/logistic-regression.js";

/** Rows with one active hashed bucket each; bucket 0 means positive, bucket 1 negative, plus a noise bucket. */
function separable(count: number): TrainingRow[] {
  return Array.from({ length: count }, (_, index) => {
    const positive = index % 2 === 0;
    return {
      indices: Int32Array.from([positive ? 0 : 1, 2 + (index % 5)]),
      values: Float32Array.from([1, 0.5]),
      dense: Float64Array.from([positive ? 1 : -1]),
      label: positive ? 1 : 0,
    };
  });
}

describe("logistic regression (L-BFGS)", () => {
  it("learns a separable toy set", () => {
    const rows = separable(40);
    const fit = fitLogistic(rows, { dense: 1, buckets: 8 }, { l2: 1e-3 });
    expect(fit.converged).toBe(true);
    for (const row of rows) {
      const p = sigmoid(predictLogit(fit, row));
      if (row.label === 1) expect(p).toBeGreaterThan(0.9);
      else expect(p).toBeLessThan(0.1);
    }
    expect(fit.hashed[0]).toBeGreaterThan(0);
    expect(fit.hashed[1]).toBeLessThan(0);
    expect(fit.dense[0]).toBeGreaterThan(0);
  });

  it("is deterministic: the same rows give bit-identical weights", () => {
    const a = fitLogistic(separable(30), { dense: 1, buckets: 8 }, { l2: 1e-2 });
    const b = fitLogistic(separable(30), { dense: 1, buckets: 8 }, { l2: 1e-2 });
    expect(Array.from(a.hashed)).toEqual(Array.from(b.hashed));
    expect(Array.from(a.dense)).toEqual(Array.from(b.dense));
    expect(a.bias).toBe(b.bias);
  });

  it("stronger L2 shrinks the weights", () => {
    const light = fitLogistic(separable(30), { dense: 1, buckets: 8 }, { l2: 1e-3 });
    const heavy = fitLogistic(separable(30), { dense: 1, buckets: 8 }, { l2: 1 });
    expect(Math.abs(heavy.hashed[0]!)).toBeLessThan(Math.abs(light.hashed[0]!));
  });

  it("with no features the bias is the (soft) base rate's log-odds", () => {
    const rows: TrainingRow[] = [0.7, 0.7, 0.7, 0.7].map((label) => ({
      indices: new Int32Array(0),
      values: new Float32Array(0),
      dense: new Float64Array(0),
      label,
    }));
    const fit = fitLogistic(rows, { dense: 0, buckets: 4 }, { l2: 1 });
    expect(fit.bias).toBeCloseTo(Math.log(0.7 / 0.3), 6);
  });

  it("reaches the optimum: the regularised gradient vanishes", () => {
    const rows = separable(20).map((row, index) => ({ ...row, label: index % 3 === 0 ? 0.3 : row.label }));
    const l2 = 0.05;
    const fit = fitLogistic(rows, { dense: 1, buckets: 8 }, { l2, tolerance: 1e-14, maxIterations: 500 });
    // Analytic gradient of the mean log-loss + ½λ‖w‖² at the fitted weights.
    const grad = new Float64Array(8);
    let gBias = 0;
    let gDense = 0;
    for (const row of rows) {
      const g = (sigmoid(predictLogit(fit, row)) - row.label) / rows.length;
      gBias += g;
      gDense += g * row.dense[0]!;
      row.indices.forEach((index, k) => (grad[index]! += g * row.values[k]!));
    }
    expect(Math.abs(gBias)).toBeLessThan(1e-5);
    expect(Math.abs(gDense + l2 * fit.dense[0]!)).toBeLessThan(1e-5);
    for (let k = 0; k < 8; k++) expect(Math.abs(grad[k]! + l2 * fit.hashed[k]!)).toBeLessThan(1e-5);
  });

  it("softplus and sigmoid stay finite far from zero", () => {
    expect(softplus(800)).toBe(800);
    expect(softplus(-800)).toBe(0);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(800)).toBe(1);
  });

  it("rejects labels outside [0, 1] and empty data", () => {
    const row: TrainingRow = { indices: new Int32Array(0), values: new Float32Array(0), dense: new Float64Array(0), label: 2 };
    expect(() => fitLogistic([row], { dense: 0, buckets: 4 }, { l2: 1 })).toThrow(/labels must be in/);
    expect(() => fitLogistic([], { dense: 0, buckets: 4 }, { l2: 1 })).toThrow(/zero rows/);
  });
});
