import OpenAI from "openai";
import type { ModelConfig } from "../config/router-config-schema.js";
import type { Completion, CompletionRequest, ProviderClient } from "./provider-client.js";
import { normalizeProviderError, ProviderError } from "./provider-error.js";

export interface OpenAIProviderOptions {
  apiKey: string;
  /** With /v1, e.g. http://127.0.0.1:8080/v1. */
  baseURL?: string;
}

export function createOpenAIProvider(options: OpenAIProviderOptions): ProviderClient {
  // maxRetries 0: the router owns retries, so every call is one recorded, priced attempt.
  const client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0 });
  return {
    name: "openai",
    async complete(model: ModelConfig, request: CompletionRequest): Promise<Completion> {
      // `_request_id`: the SDK's copy of the `x-request-id` header, what OpenAI support asks for.
      let response: OpenAI.Chat.Completions.ChatCompletion & { _request_id?: string | null };
      try {
        response = await client.chat.completions.create(
          {
            model: model.model,
            max_completion_tokens: request.maxOutputTokens,
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
      const usage = response.usage;
      if (!usage) {
        throw new ProviderError("openai", "unknown", "answer carried no usage; cannot price it", {
          retryable: false,
          escalate: true,
        });
      }
      return {
        text: response.choices[0]?.message.content ?? "",
        usage: {
          // OpenAI's prompt_tokens already includes cached tokens; it reports no cache writes.
          inputTokens: usage.prompt_tokens,
          outputTokens: usage.completion_tokens,
          cacheReadTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
          cacheWriteTokens: 0,
          cacheWrite1hTokens: 0,
        },
        ...(response._request_id ? { providerRequestId: response._request_id } : {}),
      };
    },
  };
}
