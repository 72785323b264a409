import { z } from "zod";
import { describeIssues } from "./issues.js";
import { contentText, type WireProtocol } from "./protocol.js";

/** OpenAI Chat Completions (`POST /v1/chat/completions`), as far as the router uses it. */

const part = z.looseObject({ type: z.string(), text: z.string().optional() });
const message = z.looseObject({
  role: z.string(),
  // Assistant messages with tool calls may have null content.
  content: z.union([z.string(), z.array(part), z.null()]).optional(),
});
const requestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  max_completion_tokens: z.number().int().positive().nullish(),
  max_tokens: z.number().int().positive().nullish(),
  prompt_cache_key: z.string().nullish(),
});

const SYSTEM_ROLES = new Set(["system", "developer"]);

export const openAiProtocol: WireProtocol = {
  name: "openai",
  requestIdHeader: "x-request-id",

  parseRequest(body) {
    const parsed = requestSchema.safeParse(body);
    if (!parsed.success) return { ok: false, message: describeIssues(parsed.error) };
    const { model, messages, max_completion_tokens, max_tokens, prompt_cache_key } = parsed.data;
    return {
      ok: true,
      request: {
        model,
        system: messages
          .filter((m) => SYSTEM_ROLES.has(m.role))
          .map((m) => contentText(m.content))
          .join("\n"),
        messages: messages.filter((m) => !SYSTEM_ROLES.has(m.role)).map((m) => ({ role: m.role, text: contentText(m.content) })),
        maxOutputTokens: max_completion_tokens ?? max_tokens ?? undefined,
        ...(prompt_cache_key ? { promptCacheKey: prompt_cache_key } : {}),
      },
    };
  },

  success(request, completion, id) {
    return {
      id: `chatcmpl-fake${id}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: completion.text, refusal: null, annotations: [] },
          finish_reason: completion.truncated ? "length" : "stop",
          logprobs: null,
        },
      ],
      usage: {
        // OpenAI counts cached tokens inside prompt_tokens; it reports no cache writes.
        prompt_tokens: completion.promptTokens,
        completion_tokens: completion.outputTokens,
        total_tokens: completion.promptTokens + completion.outputTokens,
        prompt_tokens_details: { cached_tokens: completion.cacheReadTokens, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
      service_tier: "default",
      system_fingerprint: "fp_fake",
    };
  },

  error(status, message) {
    const [type, code] = errorKind(status);
    return { error: { message, type, param: null, code } };
  },
};

/** The `type` and `code` OpenAI sends with each status. */
function errorKind(status: number): [type: string, code: string | null] {
  if (status === 429) return ["requests", "rate_limit_exceeded"];
  if (status === 401) return ["invalid_request_error", "invalid_api_key"];
  if (status === 404) return ["invalid_request_error", "model_not_found"];
  if (status >= 500) return ["server_error", null];
  return ["invalid_request_error", null];
}
