import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { routerConfigSchema, type RouterConfig } from "../../../src/config/router-config-schema.js";
import { catalogRates } from "../../../src/pricing/catalog-rates.js";
import { flatRate } from "../../../src/pricing/model-rates.js";
import { buildPriceBook, modelKey, UnpricedModelsError } from "../../../src/pricing/price-book.js";

const SHIPPED_CONFIG = new URL("../../../config/tiers.yaml", import.meta.url);
const loadDefaultConfig = (): RouterConfig => routerConfigSchema.parse(parseYaml(readFileSync(SHIPPED_CONFIG, "utf8")));
const config = (tiers: unknown): RouterConfig => routerConfigSchema.parse({ tiers });

describe("buildPriceBook", () => {
  it("prices every model of the shipped config/tiers.yaml from the catalog", () => {
    const shipped = loadDefaultConfig();
    const book = buildPriceBook(shipped);
    for (const tier of shipped.tiers) {
      for (const entry of tier.models) {
        expect(book.ratesFor(entry.provider, entry.model)).toEqual(catalogRates(entry.provider, entry.model));
      }
    }
    expect(book.ratesFor("anthropic", "claude-haiku-4-5").input).toEqual(flatRate(1_000_000n));
  });

  it("lists every unpriced model once, across tiers", () => {
    const unpriced = config([
      {
        name: "cheap",
        models: [
          { provider: "openai", model: "my-finetune-1" },
          { provider: "openai", model: "gpt-4o-mini" },
        ],
      },
      {
        name: "top",
        models: [
          { provider: "anthropic", model: "claude-imaginary-9" },
          { provider: "openai", model: "my-finetune-1" },
        ],
      },
    ]);
    let caught: unknown;
    try {
      buildPriceBook(unpriced);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnpricedModelsError);
    const error = caught as UnpricedModelsError;
    expect(error.name).toBe("UnpricedModelsError");
    expect(error.models).toEqual(["openai:my-finetune-1", "anthropic:claude-imaginary-9"]);
    expect(error.message).toBe(
      "no price for openai:my-finetune-1, anthropic:claude-imaginary-9: the catalog (@pydantic/genai-prices) does not know them. " +
        'Add a price to the model in the tiers file, e.g. price: { inputMtok: "0.25", outputMtok: "2" } (USD per million tokens).',
    );
  });

  it('says "it" for a single unpriced model', () => {
    expect(() => buildPriceBook(config([{ name: "a", models: [{ provider: "openai", model: "my-finetune-1" }] }]))).toThrow(
      "no price for openai:my-finetune-1: the catalog (@pydantic/genai-prices) does not know it.",
    );
  });

  it("accepts an unknown model once the config gives it a price", () => {
    const book = buildPriceBook(
      config([
        {
          name: "cheap",
          models: [
            { provider: "openai", model: "my-finetune-1", price: { inputMtok: "0.3", outputMtok: "1.2", cacheReadMtok: "0.15" } },
            { provider: "anthropic", model: "claude-imaginary-9", price: { inputMtok: 2, outputMtok: "10", cacheWriteMtok: "2.5" } },
          ],
        },
      ]),
    );
    expect(book.ratesFor("openai", "my-finetune-1")).toEqual({
      source: "config",
      input: flatRate(300_000n),
      output: flatRate(1_200_000n),
      cacheRead: flatRate(150_000n),
      cacheWrite: flatRate(300_000n),
      cacheWrite1h: flatRate(300_000n),
    });
    expect(book.ratesFor("anthropic", "claude-imaginary-9")).toEqual({
      source: "config",
      input: flatRate(2_000_000n),
      output: flatRate(10_000_000n),
      cacheRead: flatRate(2_000_000n),
      cacheWrite: flatRate(2_500_000n),
      // No 1h price given: Anthropic's 2x input, not the 5-minute rate.
      cacheWrite1h: flatRate(4_000_000n),
    });
  });

  it("lets a config price override a catalog price", () => {
    const book = buildPriceBook(
      config([{ name: "a", models: [{ provider: "openai", model: "gpt-4o-mini", price: { inputMtok: "9", outputMtok: "9" } }] }]),
    );
    expect(book.ratesFor("openai", "gpt-4o-mini").source).toBe("config");
    expect(book.ratesFor("openai", "gpt-4o-mini").input).toEqual(flatRate(9_000_000n));
  });

  it("keys rates by provider and model, and throws for a model it was not built with", () => {
    const book = buildPriceBook(config([{ name: "a", models: [{ provider: "openai", model: "gpt-4o-mini" }] }]));
    expect(modelKey("openai", "gpt-4o-mini")).toBe("openai:gpt-4o-mini");
    expect(() => book.ratesFor("anthropic", "gpt-4o-mini")).toThrow(UnpricedModelsError);
    expect(() => book.ratesFor("openai", "gpt-5-mini")).toThrow("no price for openai:gpt-5-mini");
  });
});
