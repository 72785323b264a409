/**
 * What the providers' prompt caches need, in one place: the router decides what to mark from it, and
 * the fake provider simulates the same rules, so a test of one is a test of the other.
 * Sources: Anthropic "Prompt caching" and OpenAI "Prompt caching" guides (as of the SDKs we use).
 */

/** Characters per token in every estimate the router and the fake provider make (deterministic on purpose). */
export const CHARS_PER_TOKEN = 4;

/** Tokens of a text under that rule: ceil(characters / 4), counted in UTF-16 code units like String.length. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** OpenAI caches prompts of at least this many tokens automatically, no request flag needed. */
export const OPENAI_CACHE_MIN_TOKENS = 1024;
/** ... and the cached part grows in steps of this many tokens. */
export const OPENAI_CACHE_STEP_TOKENS = 128;

/**
 * The shortest prefix Anthropic caches on a model, by model id. A breakpoint on a shorter prefix is
 * silently ignored. Current models: 4,096 for Haiku 4.5 and Opus 4.5 and later, 2,048 for Sonnet 4.6
 * and the Haiku 3 family, 1,024 for the other (older) models. The tiers file's per-model
 * `cacheMinTokens` overrides it.
 */
export function anthropicCacheMinTokens(model: string): number {
  const id = model.toLowerCase();
  if (/haiku-4-5/.test(id)) return 4096;
  const opus = /opus-(\d+)-(\d+)/.exec(id);
  if (opus && (Number(opus[1]) > 4 || (Number(opus[1]) === 4 && Number(opus[2]) >= 5 && Number(opus[2]) < 100))) return 4096;
  if (/sonnet-4-6/.test(id) || /(^|-)3-(5-)?haiku|haiku-3/.test(id)) return 2048;
  return 1024;
}

/** Prompt-cache lifetimes Anthropic offers: 5 minutes (write 1.25× input) or 1 hour (write 2×). */
export const CACHE_TTLS = ["5m", "1h"] as const;
export type CacheTtl = (typeof CACHE_TTLS)[number];
export const CACHE_TTL_MS: Record<CacheTtl, number> = { "5m": 5 * 60_000, "1h": 60 * 60_000 };
