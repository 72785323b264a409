import type { ProviderName, RouterConfig } from "../config/router-config-schema.js";
import { catalogRates, overrideRates } from "./catalog-rates.js";
import type { ModelRates } from "./model-rates.js";
import { RouterError } from "../errors/router-error.js";

export const modelKey = (provider: ProviderName, model: string) => `${provider}:${model}`;

export class UnpricedModelsError extends RouterError {
  override name = "UnpricedModelsError";
  constructor(readonly models: string[]) {
    super(
      "config",
      `no price for ${models.join(", ")}: the catalog (@pydantic/genai-prices) does not know ` +
        `${models.length === 1 ? "it" : "them"}. Add a price to the model in the tiers file, e.g. ` +
        `price: { inputMtok: "0.25", outputMtok: "2" } (USD per million tokens).`,
    );
  }
}

/** Rates for every model in the config, resolved once at start-up. A model with no price is an error, never a zero. */
export interface PriceBook {
  ratesFor(provider: ProviderName, model: string): ModelRates;
}

export function buildPriceBook(config: RouterConfig, at: Date = new Date()): PriceBook {
  const rates = new Map<string, ModelRates>();
  const missing: string[] = [];
  for (const tier of config.tiers) {
    for (const entry of tier.models) {
      const key = modelKey(entry.provider, entry.model);
      if (rates.has(key)) continue;
      const resolved = entry.price ? overrideRates(entry.price, entry.provider) : catalogRates(entry.provider, entry.model, at);
      if (resolved) rates.set(key, resolved);
      else if (!missing.includes(key)) missing.push(key);
    }
  }
  if (missing.length > 0) throw new UnpricedModelsError(missing);
  return {
    ratesFor(provider, model) {
      const found = rates.get(modelKey(provider, model));
      if (!found) throw new UnpricedModelsError([modelKey(provider, model)]);
      return found;
    },
  };
}
