import { createHash } from "node:crypto";
import type { ModelConfig, PromptCachingConfig } from "../config/router-config-schema.js";
import type { Prompt } from "../jobs/build-prompt.js";
import { anthropicCacheMinTokens, OPENAI_CACHE_MIN_TOKENS, type CacheTtl } from "../jobs/prompt-cache-facts.js";

/** What one call asks of the provider's prompt cache (docs/prompt-caching.md). */
export type CachePlan =
  | { kind: "none"; reason: "disabled" | "no-prefix" | "not-shared" | "below-minimum" }
  /** Anthropic: a cache_control breakpoint on the last system block. */
  | { kind: "breakpoint"; ttl: CacheTtl }
  /** OpenAI: caching is automatic; the key keeps one prefix on machines that hold it. */
  | { kind: "key"; key: string };

export interface CacheCallOptions {
  /** Spreads one prefix's OpenAI traffic over its key shards. */
  requestId?: string;
  /** Anthropic lifetime for this call. Default: the real-time lane's (promptCaching.realtimeTtl). */
  ttl?: CacheTtl;
}

/** The shortest prefix `model` caches: the tiers file's cacheMinTokens, else the provider's published minimum. */
export function cacheMinTokens(model: ModelConfig): number {
  return model.cacheMinTokens ?? (model.provider === "anthropic" ? anthropicCacheMinTokens(model.model) : OPENAI_CACHE_MIN_TOKENS);
}

/**
 * How many prompt_cache_key shards one prefix gets on `model`: enough that each sees at most
 * cacheKeyRpm requests a minute when the prefix runs at the model's whole rpm (or expectedRpm).
 */
export function cacheKeyShards(model: ModelConfig, settings: PromptCachingConfig): number {
  return Math.max(1, Math.ceil((model.rpm ?? settings.expectedRpm) / settings.cacheKeyRpm));
}

function shardOf(requestId: string, shards: number): number {
  if (shards === 1) return 0;
  return createHash("sha256").update(requestId).digest().readUInt32BE(0) % shards;
}

/**
 * Pure: whether and how to mark this prompt's prefix. Marks only what pays: caching on, the prefix
 * shared by at least minSharedJobs jobs (a write costs more than input), and at least the model's
 * minimum long (a shorter breakpoint is ignored by the provider anyway). The OpenAI shard is chosen
 * from the request id alone, so every pod picks the same one without asking Redis, and a job keeps
 * its shard across retries.
 */
export function planCache(model: ModelConfig, prompt: Prompt, settings: PromptCachingConfig, call: CacheCallOptions = {}): CachePlan {
  if (!settings.enabled) return { kind: "none", reason: "disabled" };
  const prefix = prompt.prefix;
  if (!prefix) return { kind: "none", reason: "no-prefix" };
  if (prefix.sharedJobs < settings.minSharedJobs) return { kind: "none", reason: "not-shared" };
  if (prefix.tokens < cacheMinTokens(model)) return { kind: "none", reason: "below-minimum" };
  if (model.provider === "anthropic") return { kind: "breakpoint", ttl: call.ttl ?? settings.realtimeTtl };
  const shard = shardOf(call.requestId ?? "", cacheKeyShards(model, settings));
  return { kind: "key", key: `lbr-${prefix.hash.slice(0, 32)}-${shard}` };
}
