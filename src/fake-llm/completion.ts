import { answerFor } from "./answers.js";
import type { Draw } from "./outcome.js";
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
}

/**
 * `recorded`: an answer replayed from a dataset (replay.ts), used instead of a synthetic one unless
 * the draw made this call invalid.
 */
export function buildCompletion(
  request: FakeRequest,
  behaviour: ModelBehaviour,
  draw: Draw,
  invalid: boolean,
  recorded?: string,
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
  const cacheReadTokens = Math.min(behaviour.cacheReadTokens, prompt);
  const cacheWriteTokens = Math.min(behaviour.cacheWriteTokens, prompt - cacheReadTokens);
  return { text, truncated, promptTokens: prompt, outputTokens, cacheReadTokens, cacheWriteTokens };
}
