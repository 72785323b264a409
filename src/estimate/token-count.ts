import { countTokens as countO200k } from "gpt-tokenizer/encoding/o200k_base";
import { countTokens as countCl100k } from "gpt-tokenizer/encoding/cl100k_base";
import type { ProviderName } from "../config/router-config-schema.js";
import type { Prompt } from "../jobs/build-prompt.js";

/** How a model's prompt tokens are counted: its real encoding where a maintained tokenizer has it. */
export type TokenCounting = "o200k_base" | "cl100k_base" | "approx";

/**
 * Anthropic publishes no tokenizer for its current models; its docs put a token at about 3.5
 * characters of English, which we take (rounded up per message). The fake provider counts 4.
 */
export const APPROX_CHARS_PER_TOKEN = 3.5;
/** OpenAI's chat framing: about 3 tokens per message plus 3 to prime the reply (OpenAI's cookbook). */
const OPENAI_TOKENS_PER_MESSAGE = 3;
const OPENAI_REPLY_PRIMING = 3;

/** The encoding of an OpenAI model by name: o200k for the GPT-4o / 4.1 / 5 and o-series families, cl100k for GPT-4 and 3.5. */
export function countingFor(provider: ProviderName, model: string): TokenCounting {
  if (provider !== "openai") return "approx";
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o\d)/.test(model)) return "o200k_base";
  if (/^(gpt-4|gpt-3\.5)/.test(model)) return "cl100k_base";
  return "approx";
}

/**
 * Counts a prompt's tokens per encoding, remembering system prompts (a batch repeats a handful of
 * them): the per-job work is the user text only.
 */
export function createTokenCounter() {
  const systemCache = new Map<string, number>();
  const count = (counting: TokenCounting, text: string): number => {
    if (text.length === 0) return 0;
    if (counting === "o200k_base") return countO200k(text);
    if (counting === "cl100k_base") return countCl100k(text);
    return Math.ceil(text.length / APPROX_CHARS_PER_TOKEN);
  };
  return function promptTokens(counting: TokenCounting, prompt: Prompt): number {
    const cacheKey = `${counting}\u0000${prompt.system}`;
    let system = systemCache.get(cacheKey);
    if (system === undefined) {
      system = count(counting, prompt.system);
      if (systemCache.size < 10_000) systemCache.set(cacheKey, system);
    }
    let total = system;
    for (const message of prompt.messages) total += count(counting, message.content);
    if (counting !== "approx") total += OPENAI_TOKENS_PER_MESSAGE * (prompt.messages.length + 1) + OPENAI_REPLY_PRIMING;
    return total;
  };
}
export type TokenCounter = ReturnType<typeof createTokenCounter>;
