import type { ModelConfig, PromptCachingConfig } from "../config/router-config-schema.js";
import { countTokens as cacheRuleTokens, OPENAI_CACHE_STEP_TOKENS } from "../jobs/prompt-cache-facts.js";
import type { Picodollars } from "../pricing/money.js";
import { cacheMinTokens } from "../providers/cache-plan.js";

/**
 * The prompt-cache side of an estimate (docs/prompt-caching.md). A job's prefix is cached on a model
 * exactly where a worker would mark it (planCache: caching on, at least minSharedJobs jobs of the
 * file share the prefix, the prefix at least the model's minimum by the router's own count). There,
 * every call reads the prefix at the cache-read rate except the first call on that model and prefix,
 * which writes it (Anthropic, at the write rate of the real-time TTL) or pays plain input (OpenAI,
 * whose cached part is whole 128-token steps). The cache is taken to stay warm for the batch: a
 * batch runs its shared prefixes back to back, well inside a 5-minute lifetime.
 */
export interface CacheTerms {
  /** Prefix tokens a call reads (in the estimate's own token count for the model). */
  readTokens: number;
  /** Anthropic: the first call writes them; OpenAI: it pays them as plain input. */
  writes: boolean;
  /** The write is a 1-hour one (realtimeTtl 1h). */
  write1h: boolean;
}

export function cacheTermsFor(
  model: ModelConfig,
  system: string,
  systemTokens: number,
  sharedJobs: number,
  settings: PromptCachingConfig,
): CacheTerms | undefined {
  if (!settings.enabled || system === "" || sharedJobs < settings.minSharedJobs) return undefined;
  if (cacheRuleTokens(system) < cacheMinTokens(model)) return undefined;
  if (model.provider === "anthropic") return { readTokens: systemTokens, writes: true, write1h: settings.realtimeTtl === "1h" };
  const stepped = Math.floor(systemTokens / OPENAI_CACHE_STEP_TOKENS) * OPENAI_CACHE_STEP_TOKENS;
  return stepped > 0 ? { readTokens: stepped, writes: false, write1h: false } : undefined;
}

/**
 * Per prefix and model, the expected number of calls and what the first one costs over a read. Each
 * call is priced as a read; `correction` adds, once per prefix and model, the first call's extra
 * (for less than one expected call, that share of it), so the money stays exact integers.
 */
export function createFirstCallLedger() {
  const groups = new Map<string, { calls: number; extra: Picodollars }>();
  return {
    add(key: string, calls: number, firstCallExtra: Picodollars) {
      const group = groups.get(key);
      if (group) group.calls += calls;
      else groups.set(key, { calls, extra: firstCallExtra });
    },
    correction(): Picodollars {
      let total = 0n;
      for (const { calls, extra } of groups.values()) total += (extra * BigInt(Math.round(Math.min(1, calls) * 1e6))) / 1_000_000n;
      return total;
    },
  };
}
