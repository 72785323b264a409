import type { Env } from "../config/env.js";
import type { ProviderName, RouterConfig } from "../config/router-config-schema.js";
import { createAnthropicProvider } from "./anthropic-provider.js";
import { createOpenAIProvider } from "./openai-provider.js";
import type { ProviderClient } from "./provider-client.js";
import { pooledFetch } from "./pooled-fetch.js";
import { RouterError } from "../errors/router-error.js";

export type ProviderRegistry = ReadonlyMap<ProviderName, ProviderClient>;

/** Any non-empty key: the fake provider accepts every key, and the SDKs refuse to start without one. */
const PLACEHOLDER_KEY = "fake-provider-key";

export class ProviderSetupError extends RouterError {
  override name = "ProviderSetupError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("config", message, options);
  }
}

/**
 * Builds one client per provider the config uses. `fakeUrl` (the demo's in-process fake provider)
 * replaces both base URLs. A provider with neither key nor base URL is a start-up error that says
 * what to set, instead of a 401 on the first job.
 */
export function createProviderRegistry(
  env: Pick<Env, "OPENAI_API_KEY" | "ANTHROPIC_API_KEY" | "OPENAI_BASE_URL" | "ANTHROPIC_BASE_URL" | "PROVIDER_HTTP">,
  config: RouterConfig,
  fakeUrl?: string,
): ProviderRegistry {
  const used = new Set(config.tiers.flatMap((tier) => tier.models.map((model) => model.provider)));
  const registry = new Map<ProviderName, ProviderClient>();
  const problems: string[] = [];
  const clientOptions = { promptCaching: config.promptCaching, ...(env.PROVIDER_HTTP === "pooled" ? { fetch: pooledFetch } : {}) };
  if (used.has("openai")) {
    const baseURL = fakeUrl ? `${fakeUrl}/v1` : env.OPENAI_BASE_URL;
    const apiKey = env.OPENAI_API_KEY ?? (baseURL ? PLACEHOLDER_KEY : undefined);
    if (apiKey) registry.set("openai", createOpenAIProvider({ apiKey, baseURL, ...clientOptions }));
    else problems.push("OPENAI_API_KEY is not set (or point OPENAI_BASE_URL at `llm-router fake-llm`, e.g. http://127.0.0.1:8080/v1)");
  }
  if (used.has("anthropic")) {
    const baseURL = fakeUrl ?? env.ANTHROPIC_BASE_URL;
    const apiKey = env.ANTHROPIC_API_KEY ?? (baseURL ? PLACEHOLDER_KEY : undefined);
    if (apiKey) registry.set("anthropic", createAnthropicProvider({ apiKey, baseURL, ...clientOptions }));
    else problems.push("ANTHROPIC_API_KEY is not set (or point ANTHROPIC_BASE_URL at `llm-router fake-llm`, e.g. http://127.0.0.1:8080)");
  }
  if (problems.length > 0) throw new ProviderSetupError(`cannot reach the configured providers: ${problems.join("; ")}`);
  return registry;
}
