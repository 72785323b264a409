import type { Picodollars } from "./money.js";
import type { TokenUsage } from "./usage.js";
import { checkUsage } from "./usage.js";

/** A per-token rate that may step up once the prompt passes a size (Anthropic's long-context pricing). */
export interface SteppedRate {
  base: Picodollars;
  /** Ascending by `aboveInputTokens`; the last one the prompt exceeds applies to every token of that kind. */
  steps: { aboveInputTokens: number; rate: Picodollars }[];
}

/** Everything needed to price a call on one model, in picodollars per token. */
export interface ModelRates {
  source: "catalog" | "config";
  input: SteppedRate;
  output: SteppedRate;
  cacheRead: SteppedRate;
  cacheWrite: SteppedRate;
  cacheWrite1h: SteppedRate;
}

export const flatRate = (rate: Picodollars): SteppedRate => ({ base: rate, steps: [] });

function rateFor(rate: SteppedRate, totalInputTokens: number): Picodollars {
  let applied = rate.base;
  for (const step of rate.steps) if (totalInputTokens > step.aboveInputTokens) applied = step.rate;
  return applied;
}

/** The exact cost of one call. Each prompt token is priced once, at the rate of its cache state. */
export function costOf(usage: TokenUsage, rates: ModelRates): Picodollars {
  checkUsage(usage);
  const prompt = usage.inputTokens;
  const uncached = usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens;
  const shortLivedWrites = usage.cacheWriteTokens - usage.cacheWrite1hTokens;
  return (
    BigInt(uncached) * rateFor(rates.input, prompt) +
    BigInt(usage.cacheReadTokens) * rateFor(rates.cacheRead, prompt) +
    BigInt(shortLivedWrites) * rateFor(rates.cacheWrite, prompt) +
    BigInt(usage.cacheWrite1hTokens) * rateFor(rates.cacheWrite1h, prompt) +
    BigInt(usage.outputTokens) * rateFor(rates.output, prompt)
  );
}
