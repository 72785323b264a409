import type { ModelConfig, ProviderName } from "../config/router-config-schema.js";
import type { Prompt } from "../jobs/build-prompt.js";
import type { CacheTtl } from "../jobs/prompt-cache-facts.js";
import type { ReportedUsage } from "./check-answer.js";

export interface CompletionRequest {
  prompt: Prompt;
  maxOutputTokens: number;
  /** The router's request id: picks the OpenAI prompt_cache_key shard (cache-plan.ts). */
  requestId?: string;
  /** Anthropic cache lifetime of this call (the batch lane asks for "1h"). Default: promptCaching.realtimeTtl. */
  cacheTtl?: CacheTtl;
}

export interface Completion {
  text: string;
  /** As the provider reported it, undefined when it sent none: checkAnswer (check-answer.ts) decides what to trust. */
  usage: ReportedUsage | undefined;
  /** The provider's request id, for support tickets. */
  providerRequestId?: string;
}

/**
 * One provider behind its official SDK. `complete` makes exactly one HTTP call (SDK retries are off:
 * the router owns retries so that every call is recorded and priced) and throws only ProviderError.
 */
export interface ProviderClient {
  readonly name: ProviderName;
  complete(model: ModelConfig, request: CompletionRequest): Promise<Completion>;
}
