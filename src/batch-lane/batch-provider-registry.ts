import type { Env } from "../config/env.js";
import type { ProviderName, RouterConfig } from "../config/router-config-schema.js";
import { createAnthropicBatches } from "./anthropic-batches.js";
import type { BatchProviderClient } from "./batch-provider.js";
import { createOpenAIBatches } from "./openai-batches.js";

/** The same key rule as providers/provider-registry.ts: the fake provider takes any key. */
const PLACEHOLDER_KEY = "fake-provider-key";

/**
 * One batch client per provider that some model of the config lets batch (`batchApi`). A provider
 * without a key is simply left out here: the real-time registry already refuses to start without one.
 */
export function createBatchProviders(
  env: Pick<Env, "OPENAI_API_KEY" | "ANTHROPIC_API_KEY" | "OPENAI_BASE_URL" | "ANTHROPIC_BASE_URL">,
  config: RouterConfig,
  fakeUrl?: string,
  hooks: { afterUpload?: () => void } = {},
): Map<ProviderName, BatchProviderClient> {
  const used = new Set(config.tiers.flatMap((tier) => tier.models.filter((model) => model.batchApi).map((model) => model.provider)));
  const clients = new Map<ProviderName, BatchProviderClient>();
  if (used.has("openai")) {
    const baseURL = fakeUrl ? `${fakeUrl}/v1` : env.OPENAI_BASE_URL;
    const apiKey = env.OPENAI_API_KEY ?? (baseURL ? PLACEHOLDER_KEY : undefined);
    if (apiKey)
      clients.set("openai", createOpenAIBatches({ apiKey, baseURL, promptCaching: config.promptCaching, afterUpload: hooks.afterUpload }));
  }
  if (used.has("anthropic")) {
    const baseURL = fakeUrl ?? env.ANTHROPIC_BASE_URL;
    const apiKey = env.ANTHROPIC_API_KEY ?? (baseURL ? PLACEHOLDER_KEY : undefined);
    if (apiKey) clients.set("anthropic", createAnthropicBatches({ apiKey, baseURL, promptCaching: config.promptCaching }));
  }
  return clients;
}
