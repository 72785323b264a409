import { describe, expect, it } from "vitest";
import { parseRouterConfig } from "../../../src/config/load-config.js";
import { cacheHitPercent, cacheSavedPico, configuredRates } from "../../../src/report/query/cache-savings.js";

describe("cache savings", () => {
  const haiku = configuredRates()("anthropic", "claude-haiku-4-5")!;

  it("counts reads as saved, writes as extra spend (1-hour writes twice as dear as input)", () => {
    expect(cacheSavedPico({ cacheReadTokens: 1_000, cacheWriteTokens: 0, cacheWrite1hTokens: 0 }, haiku)).toBe(900_000_000n);
    // A prefix written and never read is a loss: 0.25× input for 5 minutes, 1× for an hour.
    expect(cacheSavedPico({ cacheReadTokens: 0, cacheWriteTokens: 1_000, cacheWrite1hTokens: 0 }, haiku)).toBe(-250_000_000n);
    expect(cacheSavedPico({ cacheReadTokens: 0, cacheWriteTokens: 1_000, cacheWrite1hTokens: 1_000 }, haiku)).toBe(-1_000_000_000n);
  });

  it("uses the tiers file's price override, and knows no price for an unknown model", () => {
    const config = parseRouterConfig({
      tiers: [
        {
          name: "only",
          models: [{ provider: "openai", model: "my-finetune", price: { inputMtok: "2", outputMtok: "8", cacheReadMtok: "0.5" } }],
        },
      ],
    });
    const rates = configuredRates(config)("openai", "my-finetune")!;
    expect(cacheSavedPico({ cacheReadTokens: 10, cacheWriteTokens: 0, cacheWrite1hTokens: 0 }, rates)).toBe(15_000_000n);
    expect(configuredRates()("openai", "my-finetune")).toBeUndefined();
  });

  it("gives the hit rate as cached input over all input", () => {
    expect(cacheHitPercent(0, 0)).toBeNull();
    expect(cacheHitPercent(5_000, 5_012)).toBe(99.76);
  });
});
