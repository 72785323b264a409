import type { FakeCompletion } from "./completion.js";
import type { FakeRequest } from "./request.js";

/** Pieces both batch protocols render results with. */

/** The request as the protocols' `success` renderers need it once the prompt is gone: only the model is read. */
export function bareRequest(model: string): FakeRequest {
  return { model, system: "", messages: [], maxOutputTokens: undefined };
}

/** The answer of a result line for a custom_id that was never submitted (scenario key batchUnknownResults). */
export const UNKNOWN_COMPLETION: FakeCompletion = {
  text: "fake-llm: a result for a request nobody sent",
  truncated: false,
  promptTokens: 1,
  outputTokens: 1,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  cacheWrite1hTokens: 0,
};
