import { createHash } from "node:crypto";
import {
  anthropicCacheMinTokens,
  CACHE_TTL_MS,
  countTokens,
  OPENAI_CACHE_MIN_TOKENS,
  OPENAI_CACHE_STEP_TOKENS,
} from "../jobs/prompt-cache-facts.js";
import type { FakeRequest } from "./request.js";

/** What the simulated cache did for one call, in tokens of its prompt. */
export interface CacheUsage {
  readTokens: number;
  /** Both lifetimes. */
  writeTokens: number;
  /** Of writeTokens, written for an hour. */
  write1hTokens: number;
}

export const NO_CACHE: CacheUsage = { readTokens: 0, writeTokens: 0, write1hTokens: 0 };

/** OpenAI keeps an idle prefix "5 to 10 minutes"; the fake uses the short end. */
const OPENAI_TTL_MS = CACHE_TTL_MS["5m"];

/**
 * Both providers' prompt caches, simulated per model (docs/prompt-caching.md), with tokens counted by
 * the fixed rule of prompt-cache-facts.ts (ceil(characters / 4)) so tests can predict every count:
 *
 * - Anthropic: only up to a `cache_control` breakpoint on `system`, and only when that prefix reaches
 *   the model's minimum (`minTokens`, else the published one). The first call within the lifetime
 *   writes (5m or 1h, as the breakpoint asks), later ones read and refresh the lifetime.
 * - OpenAI: automatic for a system prefix of at least 1,024 tokens, per model and `prompt_cache_key`;
 *   the first call is plain input (no write fee), later ones within 5 minutes read the prefix rounded
 *   down to a 128-token step. Prefixes are matched at the system/messages boundary only.
 *
 * "First" is the first to be answered: calls answered after it read at once, which is kinder
 * than a real provider, where a prefix is readable only once its first answer has begun.
 */
export class PromptCacheSim {
  private entries = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  anthropic(request: FakeRequest, minTokens: number | undefined): CacheUsage {
    const breakpoint = request.cacheBreakpoint;
    if (!breakpoint) return NO_CACHE;
    const tokens = countTokens(breakpoint.prefix);
    if (tokens < (minTokens ?? anthropicCacheMinTokens(request.model))) return NO_CACHE;
    const hit = this.touch(`anthropic\u0000${request.model}\u0000${digest(breakpoint.prefix)}`, CACHE_TTL_MS[breakpoint.ttl]);
    if (hit) return { readTokens: tokens, writeTokens: 0, write1hTokens: 0 };
    return { readTokens: 0, writeTokens: tokens, write1hTokens: breakpoint.ttl === "1h" ? tokens : 0 };
  }

  openai(request: FakeRequest, minTokens: number | undefined): CacheUsage {
    const tokens = countTokens(request.system);
    if (tokens < (minTokens ?? OPENAI_CACHE_MIN_TOKENS)) return NO_CACHE;
    const key = `openai\u0000${request.model}\u0000${request.promptCacheKey ?? ""}\u0000${digest(request.system)}`;
    if (!this.touch(key, OPENAI_TTL_MS)) return NO_CACHE;
    return { readTokens: Math.floor(tokens / OPENAI_CACHE_STEP_TOKENS) * OPENAI_CACHE_STEP_TOKENS, writeTokens: 0, write1hTokens: 0 };
  }

  clear(): void {
    this.entries.clear();
  }

  /** True when the entry was live; either way it now lives `ttlMs` from now (never shortened). */
  private touch(key: string, ttlMs: number): boolean {
    const now = this.now();
    const expires = this.entries.get(key);
    const live = expires !== undefined && expires > now;
    this.entries.set(key, Math.max(live ? expires : 0, now + ttlMs));
    return live;
  }
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
