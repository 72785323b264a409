import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import type { ProviderName } from "../config/router-config-schema.js";
import { RouterError } from "../errors/router-error.js";

/** Stable names for what went wrong; stored in attempts.error_type, so keep them short and stable. */
export type ProviderErrorType =
  | "rate_limited"
  | "overloaded"
  | "server_error"
  | "timeout"
  | "connection"
  | "context_length"
  | "bad_request"
  | "auth"
  | "not_found"
  | "conflict"
  | "aborted"
  /** A 200 whose body is not the protocol's JSON (a proxy's HTML page, a truncated body, a wrong shape). */
  | "malformed_response"
  | "unknown";

/**
 * The one error type the router sees from any provider. SDK errors are normalised where they enter
 * (here), so retry and escalation logic never branches on a vendor's class or message text.
 */
export class ProviderError extends RouterError {
  override name = "ProviderError";
  constructor(
    readonly provider: ProviderName,
    readonly type: ProviderErrorType,
    message: string,
    readonly options: {
      httpStatus?: number;
      /** Worth calling the same model again after a pause. */
      retryable: boolean;
      /** Another model or a higher tier may succeed where this one failed. */
      escalate: boolean;
      /** How long the provider asked us to wait, when it said. */
      retryAfterMs?: number;
      /** The provider's id of the failed request (`request-id` / `x-request-id`), for a support ticket. */
      requestId?: string;
    },
  ) {
    super("provider", message);
  }
  get httpStatus() {
    return this.options.httpStatus;
  }
  get retryable() {
    return this.options.retryable;
  }
  get escalate() {
    return this.options.escalate;
  }
  get retryAfterMs() {
    return this.options.retryAfterMs;
  }
  get requestId() {
    return this.options.requestId;
  }
}

/** retry-after-ms (OpenAI/Anthropic extension) beats retry-after (seconds or an HTTP date). */
export function parseRetryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const millis = Number(headers.get("retry-after-ms"));
  if (headers.get("retry-after-ms") !== null && Number.isFinite(millis) && millis >= 0) return millis;
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const CONTEXT_HINT = /context|too long|too many tokens|maximum.*tokens|prompt is too long/i;

function classifyStatus(status: number, message: string): ProviderErrorType {
  if (status === 429) return "rate_limited";
  if (status === 529) return "overloaded";
  if (status === 408) return "timeout";
  if (status >= 500) return "server_error";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 413 || (status === 400 && CONTEXT_HINT.test(message))) return "context_length";
  if (status >= 400) return "bad_request";
  return "unknown";
}

// 409: a conflict with a concurrent request (e.g. a lock on the provider side); both SDKs retry it.
const RETRYABLE: ReadonlySet<ProviderErrorType> = new Set([
  "rate_limited",
  "overloaded",
  "server_error",
  "timeout",
  "connection",
  "conflict",
]);

/**
 * `x-should-retry: true|false` is the provider's own verdict and beats the status, as in both
 * SDKs (we turned their retries off, so we honour it ourselves). Undefined when absent.
 */
export function shouldRetryHeader(headers: Headers | undefined): boolean | undefined {
  const value = headers?.get("x-should-retry")?.trim().toLowerCase();
  return value === "true" ? true : value === "false" ? false : undefined;
}

type SdkApiError = InstanceType<typeof Anthropic.APIError> | InstanceType<typeof OpenAI.APIError>;

function isSdkError(error: unknown): error is SdkApiError {
  return error instanceof Anthropic.APIError || error instanceof OpenAI.APIError;
}

/** Turns whatever an SDK threw into a ProviderError. The message never includes request headers (API keys). */
export function normalizeProviderError(provider: ProviderName, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof Anthropic.APIUserAbortError || error instanceof OpenAI.APIUserAbortError) {
    return new ProviderError(provider, "aborted", "call aborted (shutting down)", { retryable: false, escalate: false });
  }
  if (error instanceof Anthropic.APIConnectionTimeoutError || error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ProviderError(provider, "timeout", "no answer before the model's timeoutMs", { retryable: true, escalate: true });
  }
  if (error instanceof Anthropic.APIConnectionError || error instanceof OpenAI.APIConnectionError) {
    const cause = (error as Error & { cause?: Error }).cause?.message;
    return new ProviderError(provider, "connection", `connection failed${cause ? `: ${cause}` : ""}`, {
      retryable: true,
      escalate: true,
    });
  }
  if (isSdkError(error) && typeof error.status === "number") {
    const status = error.status;
    const message = error.message.slice(0, 500);
    const type = classifyStatus(status, message);
    const headers = error.headers as Headers | undefined;
    return new ProviderError(provider, type, `${provider} answered ${status}: ${message}`, {
      httpStatus: status,
      retryable: shouldRetryHeader(headers) ?? RETRYABLE.has(type),
      escalate: true,
      retryAfterMs: parseRetryAfterMs(headers),
      ...(error.requestID ? { requestId: error.requestID } : {}),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  // The SDKs parse a JSON content type with JSON.parse: a body that is not JSON surfaces as a SyntaxError.
  if (error instanceof SyntaxError) return malformedResponse(provider, `the answer's body is not JSON (${message.slice(0, 200)})`);
  return new ProviderError(provider, "unknown", `${provider} call failed: ${message.slice(0, 500)}`, {
    retryable: false,
    escalate: true,
  });
}

/** An answer the adapter cannot read as the protocol's JSON. Not retried on the same model; another may answer. */
export function malformedResponse(provider: ProviderName, detail: string): ProviderError {
  return new ProviderError(provider, "malformed_response", `${provider} sent a malformed answer: ${detail}`, {
    retryable: false,
    escalate: true,
  });
}
