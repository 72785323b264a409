import { calcPrice } from "@pydantic/genai-prices";
import { describe, expect, it } from "vitest";
import type { ProviderName } from "../../../src/config/router-config-schema.js";
import { catalogRates, overrideRates } from "../../../src/pricing/catalog-rates.js";
import { costOf, flatRate, type ModelRates } from "../../../src/pricing/model-rates.js";
import { ZERO_USAGE, type TokenUsage } from "../../../src/pricing/usage.js";

const usage = (partial: Partial<TokenUsage>): TokenUsage => ({ ...ZERO_USAGE, ...partial });

function rates(provider: ProviderName, model: string): ModelRates {
  const found = catalogRates(provider, model);
  if (!found) throw new Error(`catalog does not know ${provider}/${model}`);
  return found;
}

/** The library's own price for the same usage (its input_tokens is the whole prompt, like ours). */
function libraryPrice(provider: ProviderName, model: string, u: TokenUsage): number {
  const result = calcPrice(
    {
      input_tokens: u.inputTokens,
      output_tokens: u.outputTokens,
      cache_read_tokens: u.cacheReadTokens,
      cache_write_tokens: u.cacheWriteTokens,
      ...(u.cacheWrite1hTokens > 0 ? { cache_write_1h_tokens: u.cacheWrite1hTokens } : {}),
    },
    model,
    { providerId: provider },
  );
  if (!result) throw new Error(`library does not price ${provider}/${model}`);
  return result.total_price;
}

function expectCloseRelative(actual: number, expected: number) {
  expect(expected).toBeGreaterThan(0);
  expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(1e-12);
}

describe("catalogRates: rates read from the catalog", () => {
  it("claude-haiku-4-5: $1 in, $1.25 5m write, $2 1h write, $0.10 read, $5 out per MTok", () => {
    expect(rates("anthropic", "claude-haiku-4-5")).toEqual({
      source: "catalog",
      input: flatRate(1_000_000n),
      cacheWrite: flatRate(1_250_000n),
      cacheWrite1h: flatRate(2_000_000n),
      cacheRead: flatRate(100_000n),
      output: flatRate(5_000_000n),
    });
  });

  it("claude-sonnet-4-6: $3 / $3.75 / $6 / $0.30 / $15", () => {
    expect(rates("anthropic", "claude-sonnet-4-6")).toEqual({
      source: "catalog",
      input: flatRate(3_000_000n),
      cacheWrite: flatRate(3_750_000n),
      cacheWrite1h: flatRate(6_000_000n),
      cacheRead: flatRate(300_000n),
      output: flatRate(15_000_000n),
    });
  });

  it("gpt-4o-mini: no cache-write price in the catalog, so writes bill as input", () => {
    expect(rates("openai", "gpt-4o-mini")).toEqual({
      source: "catalog",
      input: flatRate(150_000n),
      cacheRead: flatRate(75_000n),
      cacheWrite: flatRate(150_000n),
      cacheWrite1h: flatRate(150_000n),
      output: flatRate(600_000n),
    });
  });

  it("gpt-5-mini: $0.25 in, $0.025 cached, $2 out", () => {
    expect(rates("openai", "gpt-5-mini")).toEqual({
      source: "catalog",
      input: flatRate(250_000n),
      cacheRead: flatRate(25_000n),
      cacheWrite: flatRate(250_000n),
      cacheWrite1h: flatRate(250_000n),
      output: flatRate(2_000_000n),
    });
  });

  it("claude-sonnet-4-5 carries Anthropic's long-context step at 200,000 tokens", () => {
    const sonnet = rates("anthropic", "claude-sonnet-4-5");
    expect(sonnet.input).toEqual({ base: 3_000_000n, steps: [{ aboveInputTokens: 200_000, rate: 6_000_000n }] });
    expect(sonnet.output).toEqual({ base: 15_000_000n, steps: [{ aboveInputTokens: 200_000, rate: 22_500_000n }] });
    expect(sonnet.cacheRead).toEqual({ base: 300_000n, steps: [{ aboveInputTokens: 200_000, rate: 600_000n }] });
    expect(sonnet.cacheWrite).toEqual({ base: 3_750_000n, steps: [{ aboveInputTokens: 200_000, rate: 7_500_000n }] });
    expect(sonnet.cacheWrite1h).toEqual({ base: 6_000_000n, steps: [{ aboveInputTokens: 200_000, rate: 12_000_000n }] });
  });

  it("returns undefined for a model the catalog does not know", () => {
    expect(catalogRates("openai", "definitely-not-a-model")).toBeUndefined();
    expect(catalogRates("anthropic", "claude-imaginary-9")).toBeUndefined();
  });
});

describe("costOf with catalog rates: exact hand-computed values", () => {
  it("claude-haiku-4-5 with reads, 5m writes and 1h writes", () => {
    const u = usage({ inputTokens: 10_000, cacheReadTokens: 3_000, cacheWriteTokens: 2_000, cacheWrite1hTokens: 500, outputTokens: 1_000 });
    // 5000 uncached × $1 + 3000 reads × $0.10 + 1500 5m writes × $1.25 + 500 1h writes × $2 + 1000 out × $5 (per MTok)
    // = 0.005 + 0.0003 + 0.001875 + 0.001 + 0.005 = $0.013175
    expect(costOf(u, rates("anthropic", "claude-haiku-4-5"))).toBe(13_175_000_000n);
  });

  it("gpt-4o-mini with cached prompt tokens", () => {
    const u = usage({ inputTokens: 1_234, cacheReadTokens: 1_024, outputTokens: 77 });
    // 210 × 150000 + 1024 × 75000 + 77 × 600000
    expect(costOf(u, rates("openai", "gpt-4o-mini"))).toBe(31_500_000n + 76_800_000n + 46_200_000n);
  });

  it("claude-sonnet-4-5 steps up every token past 200,000 prompt tokens", () => {
    const sonnet = rates("anthropic", "claude-sonnet-4-5");
    expect(costOf(usage({ inputTokens: 200_000, outputTokens: 100 }), sonnet)).toBe(601_500_000_000n);
    expect(costOf(usage({ inputTokens: 200_001, outputTokens: 100 }), sonnet)).toBe(1_202_256_000_000n);
  });
});

describe("costOf agrees with @pydantic/genai-prices' calcPrice", () => {
  const anthropicUsages: TokenUsage[] = [
    usage({ inputTokens: 1_000, outputTokens: 200 }),
    usage({ inputTokens: 12_345, cacheReadTokens: 10_000, outputTokens: 678 }),
    usage({ inputTokens: 5_000, cacheWriteTokens: 4_735, outputTokens: 255 }),
    usage({ inputTokens: 20_000, cacheReadTokens: 8_000, cacheWriteTokens: 6_000, cacheWrite1hTokens: 2_500, outputTokens: 1_500 }),
    usage({ inputTokens: 9_000, cacheWriteTokens: 9_000, cacheWrite1hTokens: 9_000, outputTokens: 1 }),
    usage({ inputTokens: 3, outputTokens: 4_096 }),
  ];
  const openAiUsages: TokenUsage[] = [
    usage({ inputTokens: 1_000, outputTokens: 200 }),
    usage({ inputTokens: 1_234, cacheReadTokens: 1_024, outputTokens: 77 }),
    usage({ inputTokens: 50_000, cacheReadTokens: 49_920, outputTokens: 10_000 }),
    usage({ inputTokens: 7, outputTokens: 0 }),
  ];

  for (const model of ["claude-sonnet-4-6", "claude-haiku-4-5"]) {
    it.each(anthropicUsages.map((u) => [JSON.stringify(u), u] as const))(`anthropic/${model} %s`, (_label, u) => {
      expectCloseRelative(Number(costOf(u, rates("anthropic", model))) / 1e12, libraryPrice("anthropic", model, u));
    });
  }

  for (const model of ["gpt-5-mini", "gpt-4o-mini"]) {
    it.each(openAiUsages.map((u) => [JSON.stringify(u), u] as const))(`openai/${model} %s`, (_label, u) => {
      expectCloseRelative(Number(costOf(u, rates("openai", model))) / 1e12, libraryPrice("openai", model, u));
    });
  }

  it.each(
    [
      usage({ inputTokens: 200_000, outputTokens: 100 }),
      usage({ inputTokens: 200_001, outputTokens: 100 }),
      usage({ inputTokens: 250_000, cacheReadTokens: 10_000, cacheWriteTokens: 20_000, cacheWrite1hTokens: 5_000, outputTokens: 1_000 }),
    ].map((u) => [JSON.stringify(u), u] as const),
  )("anthropic/claude-sonnet-4-5 (stepped) %s", (_label, u) => {
    expectCloseRelative(
      Number(costOf(u, rates("anthropic", "claude-sonnet-4-5"))) / 1e12,
      libraryPrice("anthropic", "claude-sonnet-4-5", u),
    );
  });
});

describe("overrideRates", () => {
  it("uses every price given", () => {
    expect(
      overrideRates(
        { inputMtok: "0.25", outputMtok: "2", cacheReadMtok: "0.025", cacheWriteMtok: "0.3125", cacheWrite1hMtok: "0.5" },
        "anthropic",
      ),
    ).toEqual({
      source: "config",
      input: flatRate(250_000n),
      output: flatRate(2_000_000n),
      cacheRead: flatRate(25_000n),
      cacheWrite: flatRate(312_500n),
      cacheWrite1h: flatRate(500_000n),
    });
  });

  it("defaults cache reads and writes to the input price, and 1h writes to the write price", () => {
    expect(overrideRates({ inputMtok: "0.25", outputMtok: "2" }, "openai")).toEqual({
      source: "config",
      input: flatRate(250_000n),
      output: flatRate(2_000_000n),
      cacheRead: flatRate(250_000n),
      cacheWrite: flatRate(250_000n),
      cacheWrite1h: flatRate(250_000n),
    });
    const withWrite = overrideRates({ inputMtok: "1", outputMtok: "5", cacheWriteMtok: "1.25" }, "openai");
    expect(withWrite.cacheWrite1h).toEqual(flatRate(1_250_000n));
    expect(withWrite.cacheRead).toEqual(flatRate(1_000_000n));
  });

  it("prices an Anthropic override's missing cache writes at Anthropic's multipliers: 5m at 1.25x input, 1h at 2x", () => {
    // Issue 15: with only cacheWriteMtok given, 1h writes were priced at the 5m rate (1.25x).
    const withWrite = overrideRates({ inputMtok: "3", outputMtok: "15", cacheWriteMtok: "3.75" }, "anthropic");
    expect(withWrite.cacheWrite).toEqual(flatRate(3_750_000n));
    expect(withWrite.cacheWrite1h).toEqual(flatRate(6_000_000n));
    const bare = overrideRates({ inputMtok: "3", outputMtok: "15" }, "anthropic");
    expect(bare.cacheWrite).toEqual(flatRate(3_750_000n));
    expect(bare.cacheWrite1h).toEqual(flatRate(6_000_000n));
    // Reads stay at input when not given: over-pricing is the safe side for a budget.
    expect(bare.cacheRead).toEqual(flatRate(3_000_000n));
    // A fraction of a picodollar rounds up, never down.
    expect(overrideRates({ inputMtok: "0.000001", outputMtok: "1" }, "anthropic").cacheWrite).toEqual(flatRate(2n));
    // OpenAI has no write fee: writes stay at input.
    expect(overrideRates({ inputMtok: "3", outputMtok: "15" }, "openai").cacheWrite1h).toEqual(flatRate(3_000_000n));
  });

  it("refuses a price that cannot be exact", () => {
    expect(() => overrideRates({ inputMtok: "0.0000001", outputMtok: "1" }, "openai")).toThrow(/more than 6 decimals/);
  });
});
