import Anthropic from "@anthropic-ai/sdk";
import type { ModelConfig } from "../config/router-config-schema.js";
import type { Completion, CompletionRequest, ProviderClient } from "./provider-client.js";
import { normalizeProviderError, ProviderError } from "./provider-error.js";

export interface AnthropicProviderOptions {
  apiKey: string;
  /** Without /v1: the SDK adds it. */
  baseURL?: string;
}

export function createAnthropicProvider(options: AnthropicProviderOptions): ProviderClient {
  // maxRetries 0: the router owns retries, so every call is one recorded, priced attempt.
  const client = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0 });
  return {
    name: "anthropic",
    async complete(model: ModelConfig, request: CompletionRequest): Promise<Completion> {
      // `_request_id`: the SDK's copy of the `request-id` header, what Anthropic support asks for.
      let response: Anthropic.Message & { _request_id?: string | null };
      try {
        response = await client.messages.create(
          {
            model: model.model,
            max_tokens: request.maxOutputTokens,
            ...(request.prompt.system ? { system: request.prompt.system } : {}),
            messages: request.prompt.messages.map((message) => ({ role: message.role, content: message.content })),
          },
          { timeout: model.timeoutMs },
        );
      } catch (error) {
        throw normalizeProviderError("anthropic", error);
      }
      const text = response.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
      const usage = response.usage;
      if (!usage) {
        throw new ProviderError("anthropic", "unknown", "answer carried no usage; cannot price it", {
          retryable: false,
          escalate: true,
        });
      }
      const cacheRead = usage.cache_read_input_tokens ?? 0;
      const cacheWrite = usage.cache_creation_input_tokens ?? 0;
      return {
        text,
        usage: {
          // Anthropic's input_tokens excludes cache reads and writes; our convention counts the whole prompt.
          inputTokens: usage.input_tokens + cacheRead + cacheWrite,
          outputTokens: usage.output_tokens,
          cacheReadTokens: cacheRead,
          cacheWriteTokens: cacheWrite,
          cacheWrite1hTokens: usage.cache_creation?.ephemeral_1h_input_tokens ?? 0,
        },
        ...(response._request_id ? { providerRequestId: response._request_id } : {}),
      };
    },
  };
}
