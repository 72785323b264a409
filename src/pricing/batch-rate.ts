import type { ModelConfig, RouterConfig } from "../config/router-config-schema.js";
import type { Picodollars } from "./money.js";

/**
 * Provider batch APIs bill a share of the real-time price (both OpenAI and Anthropic: 50%), on every
 * token kind alike — cache reads and writes included (LiteLLM's #38341 priced cached batch tokens at
 * the full rate). The share is applied to the call's exact real-time cost, in millionths, so 0.5 of
 * a cost is exactly half of it (real-time prices are whole picodollars per token).
 */
const SHARE_SCALE = 1_000_000n;

/** The share of the real-time price a batch item of `model` costs: the model's override, else its provider's. */
export function batchShare(config: Pick<RouterConfig, "batchDiscount">, model: Pick<ModelConfig, "provider" | "batchDiscount">): number {
  return model.batchDiscount ?? config.batchDiscount[model.provider];
}

/** A real-time cost at the batch rate (rounded down to the picodollar, as providers round in the buyer's favour). */
export function atBatchRate(realtimeCost: Picodollars, share: number): Picodollars {
  return (realtimeCost * BigInt(Math.round(share * Number(SHARE_SCALE)))) / SHARE_SCALE;
}
