import OpenAI from "openai";
import { DEFAULT_PROMPT_CACHING, type ModelConfig, type PromptCachingConfig } from "../config/router-config-schema.js";
import { planCache } from "./cache-plan.js";
import type { Completion, CompletionRequest, ProviderClient } from "./provider-client.js";
import { malformedResponse, normalizeProviderError } from "./provider-error.js";
import type { FetchLike } from "./pooled-fetch.js";
import { openAiUsage } from "./reported-usage.js";

export interface OpenAIProviderOptions {
  apiKey: string;
  /** With /v1, e.g. http://127.0.0.1:8080/v1. */
  baseURL?: string;
  /** Default: promptCaching's defaults (on, 3 shared jobs, 15 requests a minute per key). */
  promptCaching?: PromptCachingConfig;
  /** The SDK's HTTP (pooled-fetch.ts). Default: the SDK's own, the global fetch. */
  fetch?: FetchLike;
}

export function createOpenAIProvider(options: OpenAIProviderOptions): ProviderClient {
  // maxRetries 0: the router owns retries, so every call is one recorded, priced attempt.
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 0,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const caching = options.promptCaching ?? DEFAULT_PROMPT_CACHING;
  return {
    name: "openai",
    async complete(model: ModelConfig, request: CompletionRequest): Promise<Completion> {
      // `_request_id`: the SDK's copy of the `x-request-id` header, what OpenAI support asks for.
      let response: OpenAI.Chat.Completions.ChatCompletion & { _request_id?: string | null };
      const plan = planCache(model, request.prompt, caching, { requestId: request.requestId });
      try {
        response = await client.chat.completions.create(
          {
            model: model.model,
            max_completion_tokens: request.maxOutputTokens,
            ...(plan.kind === "key" ? { prompt_cache_key: plan.key } : {}),
            messages: [
              ...(request.prompt.system ? [{ role: "system" as const, content: request.prompt.system }] : []),
              ...request.prompt.messages.map((message) => ({ role: message.role, content: message.content })),
            ],
          },
          { timeout: model.timeoutMs },
        );
      } catch (error) {
        throw normalizeProviderError("openai", error);
      }
      // The SDK hands back whatever a 200 carried (a string for a non-JSON content type): check the shape.
      const body = response as unknown as Partial<OpenAI.Chat.Completions.ChatCompletion> | string | null;
      if (typeof body !== "object" || body === null || !Array.isArray(body.choices)) {
        throw malformedResponse("openai", "expected a chat.completion object with choices");
      }
      const content = body.choices[0]?.message?.content ?? "";
      if (typeof content !== "string") throw malformedResponse("openai", "the message content is not a string");
      return {
        text: content,
        usage: openAiUsage(body.usage),
        ...(response._request_id ? { providerRequestId: response._request_id } : {}),
      };
    },
  };
}
