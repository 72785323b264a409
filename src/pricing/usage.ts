/**
 * Token usage of one provider call, in one convention for both providers:
 * `inputTokens` is the whole prompt, and the cache counts are parts of it
 * (OpenAI reports it this way; Anthropic's `input_tokens` is only the uncached part,
 * so its adapter adds the cache counts back). Pricing the parts separately is what keeps
 * cache tokens from being billed twice or as plain input.
 */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from the provider's cache (cheaper). Part of inputTokens. */
  cacheReadTokens: number;
  /** Prompt tokens written to the cache, both lifetimes. Part of inputTokens. */
  cacheWriteTokens: number;
  /** Of cacheWriteTokens, those written with Anthropic's 1-hour lifetime (dearer). */
  cacheWrite1hTokens: number;
}

export const ZERO_USAGE: TokenUsage = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  cacheWrite1hTokens: 0,
};

/** Rejects usage no provider can report, rather than pricing it into a negative or silent number. */
export function checkUsage(usage: TokenUsage): void {
  for (const [key, value] of Object.entries(usage)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`usage ${key} must be a non-negative integer, got ${value}`);
  }
  if (usage.cacheReadTokens + usage.cacheWriteTokens > usage.inputTokens) {
    throw new Error(
      `usage: cache reads (${usage.cacheReadTokens}) + writes (${usage.cacheWriteTokens}) exceed input tokens (${usage.inputTokens})`,
    );
  }
  if (usage.cacheWrite1hTokens > usage.cacheWriteTokens) {
    throw new Error(`usage: 1-hour cache writes (${usage.cacheWrite1hTokens}) exceed cache writes (${usage.cacheWriteTokens})`);
  }
}

/**
 * Why a provider's reported usage was not taken as is (attempts.usage_issue). The call is then
 * priced from the estimate (docs/reports.md, "Estimated money") and flagged cost_estimated.
 * - missing: no usage in the answer, or a count absent or not a number;
 * - negative: a count below zero;
 * - out_of_range: a count not a whole number, beyond what attempts can hold (2^31 - 1), or cache
 *   parts larger than the prompt they are part of.
 */
export const USAGE_ISSUES = ["missing", "negative", "out_of_range"] as const;
export type UsageIssue = (typeof USAGE_ISSUES)[number];

/** The largest token count the ledger's integer columns hold. */
export const MAX_TOKEN_COUNT = 2_147_483_647;
