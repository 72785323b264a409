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

/**
 * Anthropic's published cache-write multipliers of the input price: 1.25x for the 5-minute
 * lifetime, 2x for the 1-hour one. An override that leaves them out gets these (rounded up to
 * the picodollar), because billing a write as plain input would under-price it, and a budget must
 * never under-price. Reads left out stay at input: over-pricing is the safe side.
 */
const ANTHROPIC_WRITE_5M = { num: 5n, den: 4n };
const ANTHROPIC_WRITE_1H = { num: 2n, den: 1n };
const times = (rate: bigint, factor: { num: bigint; den: bigint }) => (rate * factor.num + factor.den - 1n) / factor.den;

export function overrideRates(price: PriceOverride, provider: ProviderName): ModelRates {
  const inputRate = perMtokToPicoPerToken(price.inputMtok);
  const input = flatRate(inputRate);
  const given = (mtok: string | undefined) => (mtok ? flatRate(perMtokToPicoPerToken(mtok)) : undefined);
  const anthropic = provider === "anthropic";
  const cacheWrite = given(price.cacheWriteMtok) ?? (anthropic ? flatRate(times(inputRate, ANTHROPIC_WRITE_5M)) : input);
  return {
    source: "config",
    input,
    output: flatRate(perMtokToPicoPerToken(price.outputMtok)),
    cacheRead: given(price.cacheReadMtok) ?? input,
    cacheWrite,
    cacheWrite1h: given(price.cacheWrite1hMtok) ?? (anthropic ? flatRate(times(inputRate, ANTHROPIC_WRITE_1H)) : cacheWrite),
  };
}
