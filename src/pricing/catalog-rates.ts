import { calcPrice } from "@pydantic/genai-prices";
import type { PriceOverride, ProviderName } from "../config/router-config-schema.js";
import { numberToDecimalString, perMtokToPicoPerToken } from "./money.js";
import { flatRate, type ModelRates, type SteppedRate } from "./model-rates.js";

type CatalogPrice = number | { base: number; tiers: { start: number; price: number }[] } | undefined;

function toRate(price: CatalogPrice): SteppedRate | undefined {
  if (price === undefined) return undefined;
  if (typeof price === "number") return flatRate(perMtokToPicoPerToken(numberToDecimalString(price)));
  return {
    base: perMtokToPicoPerToken(numberToDecimalString(price.base)),
    steps: [...price.tiers]
      .sort((a, b) => a.start - b.start)
      .map((tier) => ({ aboveInputTokens: tier.start, rate: perMtokToPicoPerToken(numberToDecimalString(tier.price)) })),
  };
}

/**
 * Rates from @pydantic/genai-prices, a maintained catalog with cache and historic prices.
 * We take its per-million figures (as the decimals its authors wrote) and do the arithmetic exactly ourselves.
 * Returns undefined when the catalog does not know the model.
 */
export function catalogRates(provider: ProviderName, model: string, at: Date = new Date()): ModelRates | undefined {
  const found = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, { providerId: provider, timestamp: at });
  if (!found) return undefined;
  const prices = found.model_price as Record<string, CatalogPrice>;
  const input = toRate(prices.input_mtok);
  const output = toRate(prices.output_mtok);
  if (!input || !output) return undefined;
  const cacheWrite = toRate(prices.cache_write_mtok) ?? input;
  return {
    source: "catalog",
    input,
    output,
    // No cache price in the catalog means the provider does not discount it: bill as plain input.
    cacheRead: toRate(prices.cache_read_mtok) ?? input,
    cacheWrite,
    cacheWrite1h: toRate(prices.cache_write_1h_mtok) ?? cacheWrite,
  };
}

export function overrideRates(price: PriceOverride): ModelRates {
  const input = flatRate(perMtokToPicoPerToken(price.inputMtok));
  const cacheWrite = price.cacheWriteMtok ? flatRate(perMtokToPicoPerToken(price.cacheWriteMtok)) : input;
  return {
    source: "config",
    input,
    output: flatRate(perMtokToPicoPerToken(price.outputMtok)),
    cacheRead: price.cacheReadMtok ? flatRate(perMtokToPicoPerToken(price.cacheReadMtok)) : input,
    cacheWrite,
    cacheWrite1h: price.cacheWrite1hMtok ? flatRate(perMtokToPicoPerToken(price.cacheWrite1hMtok)) : cacheWrite,
  };
}
