import { CHARS_PER_TOKEN } from "../jobs/prompt-cache-facts.js";

/**
 * The provider-neutral view of one completion request: both wire protocols parse into this,
 * so answers, token counts and draws are the same whichever SDK asked.
 */
export interface FakeRequest {
  model: string;
  /** System text (OpenAI system/developer messages, or Anthropic's `system`), joined by newlines. */
  system: string;
  messages: { role: string; text: string }[];
  /** The caller's output cap, if it sent one. */
  maxOutputTokens: number | undefined;
  /** Anthropic: the system text up to and including the last block with `cache_control`, and its lifetime. */
  cacheBreakpoint?: { prefix: string; ttl: "5m" | "1h" };
  /** OpenAI: the request's `prompt_cache_key`. */
  promptCacheKey?: string;
}

/**
 * Prompt size the way the router estimates it: all characters of system + messages, 4 to a token
 * (ceil). Deterministic on purpose, so tests can predict every usage count; a cached prefix is
 * counted the same way (prompt-cache.ts) and never exceeds it.
 */
export function promptTokens(request: FakeRequest): number {
  let chars = request.system.length;
  for (const message of request.messages) chars += message.text.length;
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** Everything the user said, in order: what answers are built from. */
export function userText(request: FakeRequest): string {
  return request.messages
    .filter((m) => m.role === "user")
    .map((m) => m.text)
    .join("\n");
}

/** The prompt content that identifies "the same call" for draws (model and output cap excluded). */
export function promptKey(request: FakeRequest): string {
  return JSON.stringify([request.system, request.messages.map((m) => [m.role, m.text])]);
}
