import { answerFor } from "./answers.js";
import type { Draw } from "./outcome.js";
import { NO_CACHE, type CacheUsage } from "./prompt-cache.js";
import { promptTokens, userText, type FakeRequest } from "./request.js";
import { createRng } from "./rng.js";
import type { ModelBehaviour } from "./scenario.js";
import { detectTask } from "./task.js";
import { CHARS_PER_TOKEN } from "./text.js";

/** A finished answer in provider-neutral terms; each protocol renders it in its own wire format. */
export interface FakeCompletion {
  text: string;
  /** True when the caller's output cap cut the answer (finish_reason "length" / stop_reason "max_tokens"). */
  truncated: boolean;
  /** The whole prompt, cache reads and writes included. */
  promptTokens: number;
  outputTokens: number;
  /** Parts of promptTokens: capped so reads + writes never exceed the prompt. */
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Of cacheWriteTokens, written with the 1-hour lifetime (Anthropic). */
  cacheWrite1hTokens: number;
}

/**
 * `recorded`: an answer replayed from a dataset (replay.ts), used instead of a synthetic one unless
 * the draw made this call invalid. `cache`: what the simulated prompt cache did (prompt-cache.ts);
 * a scenario's fixed cacheReadTokens / cacheWriteTokens replace it when either is set.
 */
export function buildCompletion(
  request: FakeRequest,
  behaviour: ModelBehaviour,
  draw: Draw,
  invalid: boolean,
  recorded?: string,
  cache: CacheUsage = NO_CACHE,
): FakeCompletion {
  const task = detectTask(request.system);
  let text =
    recorded !== undefined && !invalid
      ? recorded
      : answerFor(task, userText(request), {
          invalid,
          outputTokens: behaviour.outputTokens,
          rng: createRng(draw.answerSeed),
        });
  // A configured outputTokens is reported as is (so tests can price exact counts); otherwise count the text.
  let outputTokens = behaviour.outputTokens ?? Math.max(1, Math.ceil(text.length / CHARS_PER_TOKEN));
  let truncated = false;
  const cap = request.maxOutputTokens;
  if (cap !== undefined && outputTokens > cap) {
    truncated = true;
    outputTokens = cap;
    text = text.slice(0, cap * CHARS_PER_TOKEN);
  }
  const prompt = promptTokens(request);
  const fixed = behaviour.cacheReadTokens > 0 || behaviour.cacheWriteTokens > 0;
  const used: CacheUsage = fixed
    ? { readTokens: behaviour.cacheReadTokens, writeTokens: behaviour.cacheWriteTokens, write1hTokens: 0 }
    : cache;
  const cacheReadTokens = Math.min(used.readTokens, prompt);
  const cacheWriteTokens = Math.min(used.writeTokens, prompt - cacheReadTokens);
  const cacheWrite1hTokens = Math.min(used.write1hTokens, cacheWriteTokens);
  return { text, truncated, promptTokens: prompt, outputTokens, cacheReadTokens, cacheWriteTokens, cacheWrite1hTokens };
}
