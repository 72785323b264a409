import Anthropic from "@anthropic-ai/sdk";
import { DEFAULT_PROMPT_CACHING, type ModelConfig, type PromptCachingConfig } from "../config/router-config-schema.js";
import { planCache } from "./cache-plan.js";
import type { Completion, CompletionRequest, ProviderClient } from "./provider-client.js";
import { malformedResponse, normalizeProviderError } from "./provider-error.js";
import type { FetchLike } from "./pooled-fetch.js";
import { anthropicUsage } from "./reported-usage.js";

export interface AnthropicProviderOptions {
  apiKey: string;
  /** Without /v1: the SDK adds it. */
  baseURL?: string;
  /** Default: promptCaching's defaults (on, 3 shared jobs, 5m real time). */
  promptCaching?: PromptCachingConfig;
  /** The SDK's HTTP (pooled-fetch.ts). Default: the SDK's own, the global fetch. */
  fetch?: FetchLike;
}

export function createAnthropicProvider(options: AnthropicProviderOptions): ProviderClient {
  // maxRetries 0: the router owns retries, so every call is one recorded, priced attempt.
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 0,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const caching = options.promptCaching ?? DEFAULT_PROMPT_CACHING;
  return {
    name: "anthropic",
    async complete(model: ModelConfig, request: CompletionRequest): Promise<Completion> {
      // `_request_id`: the SDK's copy of the `request-id` header, what Anthropic support asks for.
      let response: Anthropic.Message & { _request_id?: string | null };
      const plan = planCache(model, request.prompt, caching, { requestId: request.requestId, ttl: request.cacheTtl });
      // One breakpoint at the end of the shared prefix (system); the item after it is never cached.
      const system: string | Anthropic.TextBlockParam[] =
        plan.kind === "breakpoint"
          ? [{ type: "text", text: request.prompt.system, cache_control: { type: "ephemeral", ttl: plan.ttl } }]
          : request.prompt.system;
      try {
        response = await client.messages.create(
          {
            model: model.model,
            max_tokens: request.maxOutputTokens,
            ...(request.prompt.system ? { system } : {}),
            messages: request.prompt.messages.map((message) => ({ role: message.role, content: message.content })),
          },
          { timeout: model.timeoutMs },
        );
      } catch (error) {
        throw normalizeProviderError("anthropic", error);
      }
      // The SDK hands back whatever a 200 carried (a string for a non-JSON content type): check the shape.
      const body = response as unknown as Partial<Anthropic.Message> | string | null;
      if (typeof body !== "object" || body === null || !Array.isArray(body.content)) {
        throw malformedResponse("anthropic", "expected a message object with content blocks");
      }
      const text = body.content.flatMap((block) => (block?.type === "text" && typeof block.text === "string" ? [block.text] : [])).join("");
      return {
        text,
        usage: anthropicUsage(body.usage),
        ...(response._request_id ? { providerRequestId: response._request_id } : {}),
      };
    },
  };
}
