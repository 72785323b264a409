import { describe, expect, it } from "vitest";
import { routerConfigSchema } from "../../../src/config/router-config-schema.js";

/** Issue 16 item 14: every model defaulted to 200k tokens, though GPT-5 models accept 400k. */
describe("model context windows", () => {
  const windows = (models: object[]) =>
    routerConfigSchema.parse({ tiers: [{ name: "only", models }] }).tiers[0]!.models.map((model) => model.contextWindow);

  it("come from the catalog (@pydantic/genai-prices) when the tiers file gives none", () => {
    expect(
      windows([
        { provider: "openai", model: "gpt-5-mini" },
        { provider: "anthropic", model: "claude-haiku-4-5" },
      ]),
    ).toEqual([400_000, 200_000]);
  });

  it("are overridden by the tiers file, and fall back to 200000 for a model the catalog does not know", () => {
    expect(
      windows([
        { provider: "openai", model: "gpt-5-mini", contextWindow: 272_000 },
        { provider: "openai", model: "in-house-model", price: { inputMtok: "1", outputMtok: "2" } },
      ]),
    ).toEqual([272_000, 200_000]);
  });
});
