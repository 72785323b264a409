import { parseRouterConfig } from "../src/config/load-config.js";
import type { RouterConfig } from "../src/config/router-config-schema.js";

/** The default tiers with bench-sized limits: the router, not a tier's budget, is what is measured. */
export function benchConfig(concurrency: { cheap: number; balanced: number; premium: number }): RouterConfig {
  return parseRouterConfig({
    tiers: [
      {
        name: "cheap",
        concurrency: concurrency.cheap,
        models: [
          { provider: "openai", model: "gpt-5-mini" },
          { provider: "anthropic", model: "claude-haiku-4-5" },
        ],
      },
      {
        name: "balanced",
        concurrency: concurrency.balanced,
        models: [
          { provider: "anthropic", model: "claude-sonnet-4-6" },
          { provider: "openai", model: "gpt-5.1" },
        ],
      },
      {
        name: "premium",
        concurrency: concurrency.premium,
        models: [
          { provider: "anthropic", model: "claude-opus-4-7" },
          { provider: "openai", model: "gpt-5.2" },
        ],
      },
    ],
  });
}
