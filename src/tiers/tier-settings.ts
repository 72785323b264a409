import type { LiveConfig } from "../providers/live-config.js";
import type { TierConfig } from "../config/router-config-schema.js";
import type { ModelRates } from "../pricing/model-rates.js";
import { DEFAULT_BASE_DELAY_MS, type RetryPolicy } from "./next-step.js";

/**
 * Everything one job of a tier reads from the config, taken from ONE LiveConfig snapshot at the
 * start of the job: a reload while the job runs applies to the next job, never to half of this one.
 */
export interface TierSettings {
  live: LiveConfig;
  tier: TierConfig;
  /** Every tier, cheapest first. */
  tierNames: string[];
  /** What the same tokens would cost on the top tier's first model: the request's baseline. */
  baselineRates: ModelRates;
  policy: RetryPolicy;
}

export function tierSettings(live: LiveConfig, tierName: string): TierSettings {
  const { config, priceBook } = live;
  const tierNames = config.tiers.map((tier) => tier.name);
  const tier = config.tiers.find((candidate) => candidate.name === tierName);
  if (!tier) throw new Error(`unknown tier "${tierName}" (tiers: ${tierNames.join(", ")})`);
  const baselineModel = config.tiers[config.tiers.length - 1]!.models[0]!;
  return {
    live,
    tier,
    tierNames,
    baselineRates: priceBook.ratesFor(baselineModel.provider, baselineModel.model),
    policy: {
      retriesPerModel: config.retriesPerModel,
      maxRetryDelayMs: config.maxRetryDelayMs,
      rateLimitCooldownMs: config.rateLimitCooldownMs,
      baseDelayMs: DEFAULT_BASE_DELAY_MS,
    },
  };
}
