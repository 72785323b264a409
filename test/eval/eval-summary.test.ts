import { describe, expect, it } from "vitest";
import { summarizeEval, type EvalRowResult } from "../../src/lab/eval-summary.js";

const PICO = 1_000_000_000_000n;
const usd = (dollars: number) => BigInt(Math.round(dollars * 1e6)) * (PICO / 1_000_000n);

function row(weak: number, strong: number, routedTop: boolean, score: number, extra: Partial<EvalRowResult> = {}): EvalRowResult {
  const costs = { cheap: usd(1), top: usd(10) };
  return {
    pair: { weak, strong },
    costs,
    routedTop,
    failed: false,
    escalated: false,
    score,
    ledgerCost: routedTop ? costs.top : costs.cheap,
    ...extra,
  };
}

describe("summarizeEval", () => {
  const rows = [row(0, 1, true, 0.9), row(0, 1, false, 0.5), row(1, 1, false, 0.7), row(1, 0, false, 0.1)];
  const summary = summarizeEval(rows);

  it("router: quality of the tier that answered, its ledger cost, its top share", () => {
    // Row 0 answered on top (1); the others on the cheap tier (0, 1, 1).
    expect(summary.router).toMatchObject({ quality: 0.75, cost_usd: 13, top_share: 0.25, failed: 0 });
    expect(summary.router.pgr).toBeCloseTo(1, 12);
    expect(summary.ledger_cost_gap_usd).toBe(0);
  });

  it("baselines: always cheap, always top, random at the router's share, oracle", () => {
    expect(summary.always_cheap).toEqual({ quality: 0.5, cost_usd: 4, top_share: 0, pgr: 0 });
    expect(summary.always_top).toEqual({ quality: 0.75, cost_usd: 40, top_share: 1, pgr: 1 });
    expect(summary.random.quality).toBeCloseTo(0.75 * 0.5 + 0.25 * 0.75, 12);
    expect(summary.random.cost_usd).toBeCloseTo(0.75 * 4 + 0.25 * 40, 12);
    expect(summary.random.pgr).toBeCloseTo(0.25, 12);
    expect(summary.oracle).toEqual({ quality: 1, cost_usd: 22, top_share: 0.5, pgr: 2 });
    expect(summary.oracle.quality).toBeGreaterThanOrEqual(Math.max(summary.router.quality, summary.always_top.quality));
  });

  it("threshold-free metrics from the scores", () => {
    expect(summary.apgr).toBeCloseTo(1.125, 12);
    expect(summary.cpt50).toBeCloseTo(0.125, 12);
    expect(summary.sweep[0]).toEqual({ top_share: 0, quality: 0.5, pgr: 0 });
    expect(summary.sweep[20]).toEqual({ top_share: 1, quality: 0.75, pgr: 1 });
  });

  it("a failed request scores 0 and a pricing mismatch shows as a gap", () => {
    const failed = summarizeEval([row(1, 1, false, 0.1, { failed: true }), row(1, 1, false, 0.2, { ledgerCost: usd(1.5) })]);
    expect(failed.router.quality).toBe(0.5);
    expect(failed.router.failed).toBe(1);
    expect(failed.ledger_cost_gap_usd).toBeCloseTo(0.5, 12);
  });
});
