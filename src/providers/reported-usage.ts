import type { ReportedUsage } from "./check-answer.js";

/**
 * The providers' usage blocks in our convention, for a real-time answer and a batch item alike (one
 * place, so the two lanes can never count tokens differently). Missing or odd counts are passed on as
 * they came: checkAnswer records them as such.
 */

interface AnthropicUsageBlock {
  input_tokens?: unknown;
  output_tokens?: unknown;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_creation?: { ephemeral_1h_input_tokens?: number | null } | null;
}

/** Anthropic's input_tokens excludes cache reads and writes; our input count is the whole prompt. */
export function anthropicUsage(usage: AnthropicUsageBlock | null | undefined): ReportedUsage | undefined {
  if (!usage) return undefined;
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: typeof usage.input_tokens === "number" ? usage.input_tokens + cacheRead + cacheWrite : usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    cacheWrite1hTokens: usage.cache_creation?.ephemeral_1h_input_tokens ?? 0,
  };
}

interface OpenAiUsageBlock {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  prompt_tokens_details?: { cached_tokens?: unknown } | null;
}

/** OpenAI's prompt_tokens already includes cached tokens; it reports no cache writes. */
export function openAiUsage(usage: OpenAiUsageBlock | null | undefined): ReportedUsage | undefined {
  if (!usage) return undefined;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    cacheReadTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
  };
}
