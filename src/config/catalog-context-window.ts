import { calcPrice } from "@pydantic/genai-prices";

/** Used when neither the tiers file nor the catalog gives a model's context window. */
export const FALLBACK_CONTEXT_WINDOW = 200_000;

/**
 * The model's context window from @pydantic/genai-prices, the maintained catalog the prices come
 * from (it carries `context_window` for most models: 400k for the GPT-5 family, for instance), or
 * undefined when the catalog does not know the model or gives no window.
 */
export function catalogContextWindow(provider: string, model: string): number | undefined {
  try {
    const found = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, { providerId: provider });
    const window = found?.model.context_window;
    return typeof window === "number" && Number.isInteger(window) && window > 0 ? window : undefined;
  } catch {
    return undefined;
  }
}
