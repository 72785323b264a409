import { describe, expect, it } from "vitest";
import { costOf, flatRate, type ModelRates } from "../../../src/pricing/model-rates.js";
import { perMtokToPicoPerToken } from "../../../src/pricing/money.js";
import { checkUsage, ZERO_USAGE, type TokenUsage } from "../../../src/pricing/usage.js";

const p = perMtokToPicoPerToken;

/** Distinct prime-ish rates so a token priced at the wrong rate changes the total. */
const RATES: ModelRates = {
  source: "config",
  input: flatRate(p("3")), // 3_000_000
  cacheRead: flatRate(p("0.3")), // 300_000
  cacheWrite: flatRate(p("3.75")), // 3_750_000
  cacheWrite1h: flatRate(p("6")), // 6_000_000
  output: flatRate(p("15")), // 15_000_000
};

const usage = (partial: Partial<TokenUsage>): TokenUsage => ({ ...ZERO_USAGE, ...partial });

describe("costOf", () => {
  it("is zero for zero usage", () => {
    expect(costOf(ZERO_USAGE, RATES)).toBe(0n);
  });

  it("prices plain input and output", () => {
    expect(costOf(usage({ inputTokens: 1_000, outputTokens: 200 }), RATES)).toBe(1_000n * 3_000_000n + 200n * 15_000_000n);
  });

  it("prices each part of the prompt once, at its own rate", () => {
    const u = usage({ inputTokens: 10_000, cacheReadTokens: 4_000, cacheWriteTokens: 3_000, cacheWrite1hTokens: 1_000, outputTokens: 500 });
    const expected =
      3_000n * 3_000_000n + // uncached = 10000 - 4000 - 3000
      4_000n * 300_000n + // cache reads
      2_000n * 3_750_000n + // 5-minute writes = 3000 - 1000
      1_000n * 6_000_000n + // 1-hour writes
      500n * 15_000_000n; // output
    expect(expected).toBe(31_200_000_000n);
    expect(costOf(u, RATES)).toBe(expected);
  });

  it.each([
    ["only input", usage({ inputTokens: 1 }), 3_000_000n],
    ["only a cache read", usage({ inputTokens: 1, cacheReadTokens: 1 }), 300_000n],
    ["only a 5-minute write", usage({ inputTokens: 1, cacheWriteTokens: 1 }), 3_750_000n],
    ["only a 1-hour write", usage({ inputTokens: 1, cacheWriteTokens: 1, cacheWrite1hTokens: 1 }), 6_000_000n],
    ["only output", usage({ outputTokens: 1 }), 15_000_000n],
  ])("one token of %s is priced at that rate", (_name, u, expected) => {
    expect(costOf(u, RATES)).toBe(expected);
  });

  it("stays exact for huge counts", () => {
    const n = Number.MAX_SAFE_INTEGER;
    expect(costOf(usage({ outputTokens: n }), RATES)).toBe(BigInt(n) * 15_000_000n);
  });

  describe("stepped (long-context) rates", () => {
    const STEPPED: ModelRates = {
      source: "catalog",
      input: { base: p("3"), steps: [{ aboveInputTokens: 200_000, rate: p("6") }] },
      cacheRead: { base: p("0.3"), steps: [{ aboveInputTokens: 200_000, rate: p("0.6") }] },
      cacheWrite: { base: p("3.75"), steps: [{ aboveInputTokens: 200_000, rate: p("7.5") }] },
      cacheWrite1h: { base: p("6"), steps: [{ aboveInputTokens: 200_000, rate: p("12") }] },
      output: { base: p("15"), steps: [{ aboveInputTokens: 200_000, rate: p("22.5") }] },
    };

    it("uses the base rate at exactly 200,000 input tokens", () => {
      expect(costOf(usage({ inputTokens: 200_000, outputTokens: 100 }), STEPPED)).toBe(200_000n * 3_000_000n + 100n * 15_000_000n);
    });

    it("uses the step rate for every token once the prompt passes 200,000", () => {
      expect(costOf(usage({ inputTokens: 200_001, outputTokens: 100 }), STEPPED)).toBe(200_001n * 6_000_000n + 100n * 22_500_000n);
    });

    it("counts cache tokens toward the threshold and prices them at their step rate", () => {
      const u = usage({
        inputTokens: 250_000,
        cacheReadTokens: 150_000,
        cacheWriteTokens: 60_000,
        cacheWrite1hTokens: 20_000,
        outputTokens: 1_000,
      });
      expect(costOf(u, STEPPED)).toBe(
        40_000n * 6_000_000n + 150_000n * 600_000n + 40_000n * 7_500_000n + 20_000n * 12_000_000n + 1_000n * 22_500_000n,
      );
    });

    it("applies the last step the prompt exceeds", () => {
      const rates: ModelRates = {
        ...RATES,
        input: {
          base: 10n,
          steps: [
            { aboveInputTokens: 100, rate: 20n },
            { aboveInputTokens: 1_000, rate: 30n },
          ],
        },
      };
      expect(costOf(usage({ inputTokens: 100 }), rates)).toBe(1_000n);
      expect(costOf(usage({ inputTokens: 101 }), rates)).toBe(2_020n);
      expect(costOf(usage({ inputTokens: 1_000 }), rates)).toBe(20_000n);
      expect(costOf(usage({ inputTokens: 1_001 }), rates)).toBe(30_030n);
    });
  });
});

describe("usage invariants", () => {
  it("accepts the extremes that are allowed", () => {
    expect(() => checkUsage(usage({ inputTokens: 10, cacheReadTokens: 4, cacheWriteTokens: 6, cacheWrite1hTokens: 6 }))).not.toThrow();
    expect(() => checkUsage(ZERO_USAGE)).not.toThrow();
  });

  it("rejects cache reads + writes above the prompt", () => {
    const u = usage({ inputTokens: 10, cacheReadTokens: 6, cacheWriteTokens: 5 });
    expect(() => checkUsage(u)).toThrow("usage: cache reads (6) + writes (5) exceed input tokens (10)");
    expect(() => costOf(u, RATES)).toThrow("usage: cache reads (6) + writes (5) exceed input tokens (10)");
  });

  it("rejects more 1-hour writes than writes", () => {
    const u = usage({ inputTokens: 10, cacheWriteTokens: 2, cacheWrite1hTokens: 3 });
    expect(() => costOf(u, RATES)).toThrow("usage: 1-hour cache writes (3) exceed cache writes (2)");
  });

  it.each([
    ["inputTokens", -1],
    ["outputTokens", -5],
    ["cacheReadTokens", 1.5],
    ["outputTokens", Number.NaN],
    ["inputTokens", Number.POSITIVE_INFINITY],
    ["outputTokens", 2 ** 53],
  ] as const)("rejects %s = %d", (key, value) => {
    const u = usage({ inputTokens: 100, [key]: value });
    expect(() => costOf(u, RATES)).toThrow(`usage ${key} must be a non-negative integer, got ${value}`);
  });
});
