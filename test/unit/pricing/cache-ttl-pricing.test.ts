import { describe, expect, it } from "vitest";
import { catalogRates } from "../../../src/pricing/catalog-rates.js";
import { costOf } from "../../../src/pricing/model-rates.js";
import { ZERO_USAGE } from "../../../src/pricing/usage.js";

/**
 * Anthropic bills cache writes at 1.25× input for the 5-minute lifetime and 2× for the 1-hour one,
 * reads at 0.1×. The prompt-caching feature relies on the ledger pricing the batch lane's 1-hour
 * writes at 2×, not as 5-minute writes nor as plain input.
 */
describe.each(["claude-haiku-4-5", "claude-sonnet-4-6", "claude-opus-4-7"])("cache lifetimes priced for %s", (model) => {
  const rates = catalogRates("anthropic", model)!;
  const input = rates.input.base;
  const prefix = 5_000;
  const plain = BigInt(prefix) * input;

  it("prices a 1-hour write at 2× input and a 5-minute write at 1.25×", () => {
    const fiveMinute = costOf({ ...ZERO_USAGE, inputTokens: prefix, cacheWriteTokens: prefix }, rates);
    const oneHour = costOf({ ...ZERO_USAGE, inputTokens: prefix, cacheWriteTokens: prefix, cacheWrite1hTokens: prefix }, rates);
    expect(fiveMinute * 4n).toBe(plain * 5n);
    expect(oneHour).toBe(plain * 2n);
  });

  it("prices a read at 0.1× input, and a mixed call part by part", () => {
    expect(costOf({ ...ZERO_USAGE, inputTokens: prefix, cacheReadTokens: prefix }, rates) * 10n).toBe(plain);
    const mixed = costOf(
      { ...ZERO_USAGE, inputTokens: 10_000, cacheReadTokens: 4_000, cacheWriteTokens: 4_000, cacheWrite1hTokens: 2_000 },
      rates,
    );
    // 2,000 plain + 4,000 × 0.1 + 2,000 × 1.25 + 2,000 × 2 = 8,900 input-token equivalents.
    expect(mixed).toBe(8_900n * input);
  });
});
