import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { normalizeProviderError, parseRetryAfterMs, ProviderError } from "../../../src/providers/provider-error.js";

const anthropicBody = (type: string, message: string) => ({ type: "error", error: { type, message } });
const openAiBody = (message: string, code: string | null = null) => ({
  error: { message, type: "invalid_request_error", param: null, code },
});

function anthropicError(status: number, body: object, headers: Record<string, string> = {}) {
  return Anthropic.APIError.generate(status, body, undefined, new Headers({ "request-id": "req_1", ...headers }));
}
function openAiError(status: number, body: object, headers: Record<string, string> = {}) {
  return OpenAI.APIError.generate(status, body, undefined, new Headers({ "x-request-id": "req_1", ...headers }));
}

/** The fields that drive retry/escalation, for compact assertions. */
const summary = (error: ProviderError) => ({
  provider: error.provider,
  type: error.type,
  httpStatus: error.httpStatus,
  retryable: error.retryable,
  escalate: error.escalate,
  retryAfterMs: error.retryAfterMs,
});

afterEach(() => {
  vi.useRealTimers();
});

describe("parseRetryAfterMs", () => {
  const NOW = Date.parse("2026-03-01T12:00:00Z");

  it("is undefined without headers or without a retry header", () => {
    expect(parseRetryAfterMs(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfterMs(new Headers(), NOW)).toBeUndefined();
  });

  it("reads retry-after-ms", () => {
    expect(parseRetryAfterMs(new Headers({ "retry-after-ms": "1500" }), NOW)).toBe(1500);
    expect(parseRetryAfterMs(new Headers({ "retry-after-ms": "0" }), NOW)).toBe(0);
  });

  it("prefers retry-after-ms over retry-after", () => {
    expect(parseRetryAfterMs(new Headers({ "retry-after-ms": "250", "retry-after": "9" }), NOW)).toBe(250);
  });

  it("falls back to retry-after when retry-after-ms is unusable", () => {
    expect(parseRetryAfterMs(new Headers({ "retry-after-ms": "soon", "retry-after": "3" }), NOW)).toBe(3000);
    expect(parseRetryAfterMs(new Headers({ "retry-after-ms": "-1", "retry-after": "3" }), NOW)).toBe(3000);
  });

  it("reads retry-after in seconds, fractions included", () => {
    expect(parseRetryAfterMs(new Headers({ "retry-after": "20" }), NOW)).toBe(20_000);
    expect(parseRetryAfterMs(new Headers({ "retry-after": "1.5" }), NOW)).toBe(1_500);
  });

  it("reads retry-after as an HTTP date", () => {
    expect(parseRetryAfterMs(new Headers({ "retry-after": "Sun, 01 Mar 2026 12:00:30 GMT" }), NOW)).toBe(30_000);
  });

  it("never returns a negative wait for a date in the past", () => {
    expect(parseRetryAfterMs(new Headers({ "retry-after": "Sun, 01 Mar 2026 11:59:00 GMT" }), NOW)).toBe(0);
  });

  it("ignores a retry-after it cannot read", () => {
    expect(parseRetryAfterMs(new Headers({ "retry-after": "whenever" }), NOW)).toBeUndefined();
  });
});

describe("normalizeProviderError: HTTP statuses from real SDK error classes", () => {
  it("429 → rate_limited, retryable, with retry-after-ms", () => {
    const error = anthropicError(
      429,
      anthropicBody("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
      {
        "retry-after-ms": "1234",
        "retry-after": "2",
      },
    );
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const normalized = normalizeProviderError("anthropic", error);
    expect(normalized).toBeInstanceOf(ProviderError);
    expect(normalized.name).toBe("ProviderError");
    expect(summary(normalized)).toEqual({
      provider: "anthropic",
      type: "rate_limited",
      httpStatus: 429,
      retryable: true,
      escalate: true,
      retryAfterMs: 1234,
    });
    expect(normalized.message).toMatch(/^anthropic answered 429: 429 .*per-minute rate limit/);
  });

  it("429 with retry-after in seconds", () => {
    const normalized = normalizeProviderError(
      "openai",
      openAiError(429, openAiBody("Rate limit reached for gpt-5-mini"), { "retry-after": "7" }),
    );
    expect(summary(normalized)).toEqual({
      provider: "openai",
      type: "rate_limited",
      httpStatus: 429,
      retryable: true,
      escalate: true,
      retryAfterMs: 7000,
    });
    expect(normalized.message).toBe("openai answered 429: 429 Rate limit reached for gpt-5-mini");
  });

  it("429 with retry-after as an HTTP date", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-03-01T12:00:00Z"));
    const normalized = normalizeProviderError(
      "anthropic",
      anthropicError(429, anthropicBody("rate_limit_error", "slow down"), { "retry-after": "Sun, 01 Mar 2026 12:00:45 GMT" }),
    );
    expect(normalized.type).toBe("rate_limited");
    expect(normalized.retryAfterMs).toBe(45_000);
  });

  it("429 without a retry header has no retryAfterMs", () => {
    expect(normalizeProviderError("openai", openAiError(429, openAiBody("slow down"))).retryAfterMs).toBeUndefined();
  });

  it("529 → overloaded, retryable", () => {
    const normalized = normalizeProviderError("anthropic", anthropicError(529, anthropicBody("overloaded_error", "Overloaded")));
    expect(summary(normalized)).toEqual({
      provider: "anthropic",
      type: "overloaded",
      httpStatus: 529,
      retryable: true,
      escalate: true,
      retryAfterMs: undefined,
    });
  });

  it.each([500, 502, 503, 504])("%d → server_error, retryable", (status) => {
    for (const normalized of [
      normalizeProviderError("anthropic", anthropicError(status, anthropicBody("api_error", "Internal server error"))),
      normalizeProviderError("openai", openAiError(status, openAiBody("The server had an error"))),
    ]) {
      expect(normalized.type).toBe("server_error");
      expect(normalized.httpStatus).toBe(status);
      expect(normalized.retryable).toBe(true);
      expect(normalized.escalate).toBe(true);
    }
  });

  it("503 keeps a retry-after", () => {
    const normalized = normalizeProviderError("openai", openAiError(503, openAiBody("unavailable"), { "retry-after": "1" }));
    expect(normalized.retryAfterMs).toBe(1000);
  });

  it("400 'prompt is too long' → context_length, not retryable but worth escalating", () => {
    const error = anthropicError(400, anthropicBody("invalid_request_error", "prompt is too long: 210432 tokens > 200000 maximum"));
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(summary(normalizeProviderError("anthropic", error))).toEqual({
      provider: "anthropic",
      type: "context_length",
      httpStatus: 400,
      retryable: false,
      escalate: true,
      retryAfterMs: undefined,
    });
  });

  it("400 for OpenAI's context_length_exceeded → context_length", () => {
    const error = openAiError(
      400,
      openAiBody(
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
        "context_length_exceeded",
      ),
    );
    expect(normalizeProviderError("openai", error).type).toBe("context_length");
  });

  it("413 → context_length", () => {
    expect(
      normalizeProviderError("anthropic", anthropicError(413, anthropicBody("request_too_large", "Request exceeds the maximum size"))).type,
    ).toBe("context_length");
  });

  it("other 400s → bad_request, not retryable", () => {
    const normalized = normalizeProviderError("openai", openAiError(400, openAiBody("Invalid value for 'temperature'")));
    expect(summary(normalized)).toEqual({
      provider: "openai",
      type: "bad_request",
      httpStatus: 400,
      retryable: false,
      escalate: true,
      retryAfterMs: undefined,
    });
    expect(normalizeProviderError("openai", openAiError(422, openAiBody("Unprocessable"))).type).toBe("bad_request");
  });

  it.each([401, 403])("%d → auth, not retryable", (status) => {
    const normalized = normalizeProviderError(
      "anthropic",
      anthropicError(status, anthropicBody("authentication_error", "invalid x-api-key")),
    );
    expect(normalized.type).toBe("auth");
    expect(normalized.retryable).toBe(false);
    expect(normalized.escalate).toBe(true);
  });

  it("404 → not_found, not retryable", () => {
    const normalized = normalizeProviderError(
      "openai",
      openAiError(404, openAiBody("The model `gpt-9` does not exist", "model_not_found")),
    );
    expect(summary(normalized)).toEqual({
      provider: "openai",
      type: "not_found",
      httpStatus: 404,
      retryable: false,
      escalate: true,
      retryAfterMs: undefined,
    });
  });

  it("408 → timeout, retryable", () => {
    expect(summary(normalizeProviderError("openai", openAiError(408, openAiBody("Request timeout"))))).toMatchObject({
      type: "timeout",
      retryable: true,
    });
  });

  it("an APIError built with the constructor is classified too", () => {
    const error = new Anthropic.APIError(503, anthropicBody("api_error", "down"), undefined, new Headers({ "retry-after-ms": "100" }));
    expect(summary(normalizeProviderError("anthropic", error))).toEqual({
      provider: "anthropic",
      type: "server_error",
      httpStatus: 503,
      retryable: true,
      escalate: true,
      retryAfterMs: 100,
    });
  });

  it("cuts a huge provider message to 500 characters", () => {
    const normalized = normalizeProviderError("openai", openAiError(400, openAiBody("x".repeat(5_000))));
    expect(normalized.message).toBe(`openai answered 400: ${`400 ${"x".repeat(5_000)}`.slice(0, 500)}`);
  });
});

describe("normalizeProviderError: errors without a status", () => {
  it("a connection timeout → timeout, retryable", () => {
    for (const [provider, error] of [
      ["openai", new OpenAI.APIConnectionTimeoutError()],
      ["anthropic", new Anthropic.APIConnectionTimeoutError()],
    ] as const) {
      const normalized = normalizeProviderError(provider, error);
      expect(summary(normalized)).toEqual({
        provider,
        type: "timeout",
        httpStatus: undefined,
        retryable: true,
        escalate: true,
        retryAfterMs: undefined,
      });
      expect(normalized.message).toBe("no answer before the model's timeoutMs");
    }
  });

  it("a connection error → connection, retryable, naming the cause", () => {
    const normalized = normalizeProviderError(
      "anthropic",
      new Anthropic.APIConnectionError({ message: "Connection error.", cause: new Error("connect ECONNREFUSED 127.0.0.1:443") }),
    );
    expect(summary(normalized)).toEqual({
      provider: "anthropic",
      type: "connection",
      httpStatus: undefined,
      retryable: true,
      escalate: true,
      retryAfterMs: undefined,
    });
    expect(normalized.message).toBe("connection failed: connect ECONNREFUSED 127.0.0.1:443");
    expect(normalizeProviderError("openai", new OpenAI.APIConnectionError({ message: "socket hang up" })).message).toBe(
      "connection failed",
    );
  });

  it("an abort → aborted, neither retryable nor escalated", () => {
    for (const [provider, error] of [
      ["openai", new OpenAI.APIUserAbortError()],
      ["anthropic", new Anthropic.APIUserAbortError()],
    ] as const) {
      expect(summary(normalizeProviderError(provider, error))).toEqual({
        provider,
        type: "aborted",
        httpStatus: undefined,
        retryable: false,
        escalate: false,
        retryAfterMs: undefined,
      });
    }
  });

  it("a plain Error → unknown, escalated but not retried", () => {
    const normalized = normalizeProviderError("anthropic", new TypeError("Cannot read properties of undefined (reading 'content')"));
    expect(summary(normalized)).toEqual({
      provider: "anthropic",
      type: "unknown",
      httpStatus: undefined,
      retryable: false,
      escalate: true,
      retryAfterMs: undefined,
    });
    expect(normalized.message).toBe("anthropic call failed: Cannot read properties of undefined (reading 'content')");
  });

  it("a thrown non-Error → unknown with its text", () => {
    expect(normalizeProviderError("openai", "weird").message).toBe("openai call failed: weird");
    expect(normalizeProviderError("openai", undefined).type).toBe("unknown");
  });

  it("passes a ProviderError through unchanged", () => {
    const original = new ProviderError("openai", "auth", "no key", { retryable: false, escalate: true });
    expect(normalizeProviderError("anthropic", original)).toBe(original);
  });
});

describe("normalizeProviderError never leaks the API key", () => {
  const API_KEY = "sk-proj-SECRETabcdef0123456789SECRETxyz";

  it("when the error is built from a response whose headers carry the key", () => {
    const error = OpenAI.APIError.generate(
      401,
      openAiBody("Incorrect API key provided: sk-proj-********************************xyz.", "invalid_api_key"),
      undefined,
      new Headers({ authorization: `Bearer ${API_KEY}`, "x-api-key": API_KEY }),
    );
    const normalized = normalizeProviderError("openai", error);
    expect(normalized.type).toBe("auth");
    expect(normalized.message).not.toContain("SECRET");
    expect(JSON.stringify(normalized)).not.toContain("SECRET");
    expect(String(normalized.stack)).not.toContain("SECRET");
  });

  it("when a real OpenAI client gets a 401 and a 429", async () => {
    let status = 401;
    const client = new OpenAI({
      apiKey: API_KEY,
      maxRetries: 0,
      fetch: async () =>
        new Response(JSON.stringify(openAiBody("Incorrect API key provided: sk-proj-****xyz.", "invalid_api_key")), {
          status,
          headers: { "content-type": "application/json", "retry-after-ms": "800" },
        }),
    });
    const call = () => client.chat.completions.create({ model: "gpt-5-mini", messages: [{ role: "user", content: "hi" }] });
    const unauthorized = normalizeProviderError("openai", await call().catch((error: unknown) => error));
    expect(unauthorized.type).toBe("auth");
    expect(unauthorized.message).toBe("openai answered 401: 401 Incorrect API key provided: sk-proj-****xyz.");
    expect(JSON.stringify(unauthorized) + unauthorized.message).not.toContain("SECRET");

    status = 429;
    const limited = normalizeProviderError("openai", await call().catch((error: unknown) => error));
    expect(summary(limited)).toEqual({
      provider: "openai",
      type: "rate_limited",
      httpStatus: 429,
      retryable: true,
      escalate: true,
      retryAfterMs: 800,
    });
  });

  it("when a real Anthropic client gets a 401 and a 529", async () => {
    let status = 401;
    const client = new Anthropic({
      apiKey: API_KEY,
      maxRetries: 0,
      fetch: async () =>
        new Response(
          JSON.stringify(
            status === 401 ? anthropicBody("authentication_error", "invalid x-api-key") : anthropicBody("overloaded_error", "Overloaded"),
          ),
          { status, headers: { "content-type": "application/json", "request-id": "req_9", "retry-after": "2" } },
        ),
    });
    const call = () => client.messages.create({ model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    const unauthorized = normalizeProviderError("anthropic", await call().catch((error: unknown) => error));
    expect(unauthorized.type).toBe("auth");
    expect(unauthorized.message).toContain("invalid x-api-key");
    expect(JSON.stringify(unauthorized) + unauthorized.message).not.toContain("SECRET");

    status = 529;
    const overloaded = normalizeProviderError("anthropic", await call().catch((error: unknown) => error));
    expect(summary(overloaded)).toEqual({
      provider: "anthropic",
      type: "overloaded",
      httpStatus: 529,
      retryable: true,
      escalate: true,
      retryAfterMs: 2000,
    });
  });
});

describe("x-should-retry, 409 and the provider's request id", () => {
  it.each([
    ["anthropic", (status: number, headers: Record<string, string>) => anthropicError(status, anthropicBody("api_error", "x"), headers)],
    ["openai", (status: number, headers: Record<string, string>) => openAiError(status, openAiBody("x"), headers)],
  ] as const)("%s: x-should-retry beats the status, both ways", (provider, make) => {
    expect(normalizeProviderError(provider, make(400, { "x-should-retry": "true" })).retryable).toBe(true);
    expect(normalizeProviderError(provider, make(500, { "x-should-retry": "false" })).retryable).toBe(false);
    expect(normalizeProviderError(provider, make(529, { "x-should-retry": "FALSE" })).retryable).toBe(false);
    // Absent or unreadable: the status decides.
    expect(normalizeProviderError(provider, make(500, {})).retryable).toBe(true);
    expect(normalizeProviderError(provider, make(400, { "x-should-retry": "maybe" })).retryable).toBe(false);
    // Not retrying the same model still lets another one try.
    expect(normalizeProviderError(provider, make(500, { "x-should-retry": "false" })).escalate).toBe(true);
  });

  it("retries a 409 conflict, as both SDKs do", () => {
    expect(summary(normalizeProviderError("openai", openAiError(409, openAiBody("conflict"))))).toMatchObject({
      type: "conflict",
      httpStatus: 409,
      retryable: true,
    });
    expect(normalizeProviderError("anthropic", anthropicError(409, anthropicBody("conflict_error", "x"))).retryable).toBe(true);
  });

  it("keeps the request id from each provider's own header", () => {
    const anthropic = Anthropic.APIError.generate(500, anthropicBody("api_error", "x"), undefined, new Headers({ "request-id": "req_a" }));
    const openai = OpenAI.APIError.generate(500, openAiBody("x"), undefined, new Headers({ "x-request-id": "req_o" }));
    expect(normalizeProviderError("anthropic", anthropic).requestId).toBe("req_a");
    expect(normalizeProviderError("openai", openai).requestId).toBe("req_o");
    expect(
      normalizeProviderError("openai", OpenAI.APIError.generate(500, openAiBody("x"), undefined, new Headers())).requestId,
    ).toBeUndefined();
    expect(normalizeProviderError("openai", new Error("socket hang up")).requestId).toBeUndefined();
  });
});
