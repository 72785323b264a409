import { describe, expect, it } from "vitest";
import type { ReplayRow } from "../../../src/fake-llm/replay-dataset.js";
import { brierScore, logLoss, rocAuc } from "../../../src/lab/classification-metrics.js";
import { labelOf } from "../../../src/lab/labels.js";
import { splitPartOf, splitRows } from "../../../src/lab/split.js";

const rows = Array.from({ length: 2000 }, (_, index) => ({ id: `row-${index}`, source: `subject-${index % 20}` }));

describe("seeded split", () => {
  it("holds out about the asked share, the same way every time, whatever the row order", () => {
    const spec = { holdout: 0.2, seed: 7, by: "row" as const };
    const { train, test } = splitRows(rows, spec);
    expect(train.length + test.length).toBe(rows.length);
    expect(test.length / rows.length).toBeGreaterThan(0.17);
    expect(test.length / rows.length).toBeLessThan(0.23);
    const reversed = splitRows([...rows].reverse(), spec);
    expect(new Set(reversed.test.map((row) => row.id))).toEqual(new Set(test.map((row) => row.id)));
    expect(splitRows(rows.slice(0, 500), spec).test.every((row) => splitPartOf(row, spec) === "test")).toBe(true);
  });

  it("another seed holds out other rows", () => {
    const a = new Set(splitRows(rows, { holdout: 0.2, seed: 1, by: "row" }).test.map((row) => row.id));
    const b = splitRows(rows, { holdout: 0.2, seed: 2, by: "row" }).test.map((row) => row.id);
    expect(b.filter((id) => a.has(id)).length).toBeLessThan(b.length * 0.4);
  });

  it("by source keeps every subject on one side", () => {
    const { train, test } = splitRows(rows, { holdout: 0.3, seed: 3, by: "source" });
    const trainSources = new Set(train.map((row) => row.source));
    expect(test.length).toBeGreaterThan(0);
    expect(test.every((row) => !trainSources.has(row.source))).toBe(true);
  });

  it("rejects a holdout outside (0, 1)", () => {
    expect(() => splitRows(rows, { holdout: 1, seed: 1, by: "row" })).toThrow(/holdout/);
  });
});

function row(weak: { correct?: boolean; score?: number }, strong: { correct?: boolean; score?: number }): ReplayRow {
  return { id: "r", line: 1, source: undefined, kind: undefined, prompt: "p", messages: undefined, system: undefined, weak, strong };
}

describe("labels", () => {
  it("correctness: weak-fails, strong-better and the soft gain", () => {
    const cases: [boolean, boolean, number, number, number][] = [
      // weak, strong, weak-fails, strong-better, gain
      [true, true, 0, 0, 0.5],
      [false, true, 1, 1, 1],
      [false, false, 1, 0, 0.5],
      [true, false, 0, 0, 0],
    ];
    for (const [weak, strong, fails, better, gain] of cases) {
      const r = row({ correct: weak }, { correct: strong });
      expect(labelOf(r, "accuracy", { mode: "weak-fails" })).toBe(fails);
      expect(labelOf(r, "accuracy", { mode: "strong-better" })).toBe(better);
      expect(labelOf(r, "accuracy", { mode: "gain" })).toBe(gain);
    }
  });

  it("scores: below minScore fails, a margin makes the top better, gain is scaled and clipped", () => {
    const r = row({ score: 6 }, { score: 9 });
    expect(labelOf(r, "mean_score", { mode: "weak-fails" })).toBe(1);
    expect(labelOf(r, "mean_score", { mode: "weak-fails", minScore: 6 })).toBe(0);
    expect(labelOf(r, "mean_score", { mode: "strong-better" })).toBe(1);
    expect(labelOf(r, "mean_score", { mode: "strong-better", margin: 4 })).toBe(0);
    expect(labelOf(r, "mean_score", { mode: "gain" })).toBeCloseTo(0.5 + 3 / 18, 12);
    expect(labelOf(row({ score: 1 }, { score: 10 }), "mean_score", { mode: "gain", scoreRange: 4 })).toBe(1);
  });
});

describe("classification metrics", () => {
  it("AUC on a hand-computed example, ties counted half", () => {
    // Positives at 0.9 and 0.5, negatives at 0.5 and 0.1: pairs (0.9>0.5 ✓, 0.9>0.1 ✓, 0.5=0.5 ½, 0.5>0.1 ✓) = 3.5 / 4.
    expect(rocAuc([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0])).toBeCloseTo(0.875, 12);
    expect(rocAuc([0.1, 0.2], [1, 0])).toBe(0);
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNaN();
  });

  it("log-loss and Brier", () => {
    expect(logLoss([0.5, 0.5], [1, 0])).toBeCloseTo(Math.log(2), 12);
    expect(logLoss([0.8], [0.8])).toBeCloseTo(-(0.8 * Math.log(0.8) + 0.2 * Math.log(0.2)), 12);
    expect(brierScore([0.9, 0.2], [1, 0])).toBeCloseTo((0.01 + 0.04) / 2, 12);
  });
});
