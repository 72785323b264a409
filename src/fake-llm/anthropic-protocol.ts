import { z } from "zod";
import { describeIssues } from "./issues.js";
import { contentText, type WireProtocol } from "./protocol.js";
import type { FakeRequest } from "./request.js";

/** Anthropic Messages (`POST /v1/messages`), as far as the router uses it. */

const cacheControl = z.looseObject({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() });
const block = z.looseObject({ type: z.string(), text: z.string().optional(), cache_control: cacheControl.nullish() });
const content = z.union([z.string(), z.array(block)]);
const requestSchema = z.looseObject({
  model: z.string().min(1),
  // Required by the real API too: keeping it required catches adapters that forget it.
  max_tokens: z.number().int().positive(),
  system: content.optional(),
  messages: z.array(z.looseObject({ role: z.string(), content })).min(1),
});

export const anthropicProtocol: WireProtocol = {
  name: "anthropic",
  requestIdHeader: "request-id",

  parseRequest(body) {
    const parsed = requestSchema.safeParse(body);
    if (!parsed.success) return { ok: false, message: describeIssues(parsed.error) };
    const { model, max_tokens, system, messages } = parsed.data;
    return {
      ok: true,
      request: {
        model,
        system: contentText(system),
        messages: messages.map((m) => ({ role: m.role, text: contentText(m.content) })),
        maxOutputTokens: max_tokens,
        ...cacheBreakpoint(system),
      },
    };
  },

  success(request, completion, id) {
    const { promptTokens, cacheReadTokens, cacheWriteTokens, cacheWrite1hTokens } = completion;
    return {
      id: `msg_fake${id}`,
      type: "message",
      role: "assistant",
      model: request.model,
      content: [{ type: "text", text: completion.text, citations: null }],
      stop_reason: completion.truncated ? "max_tokens" : "end_turn",
      stop_sequence: null,
      usage: {
        // Anthropic's input_tokens is only the uncached part; reads and writes are separate counts.
        input_tokens: Math.max(0, promptTokens - cacheReadTokens - cacheWriteTokens),
        output_tokens: completion.outputTokens,
        cache_creation_input_tokens: cacheWriteTokens,
        cache_read_input_tokens: cacheReadTokens,
        cache_creation: {
          ephemeral_5m_input_tokens: cacheWriteTokens - cacheWrite1hTokens,
          ephemeral_1h_input_tokens: cacheWrite1hTokens,
        },
        server_tool_use: null,
        service_tier: "standard",
      },
    };
  },

  error(status, message, requestId) {
    return { type: "error", error: { type: errorType(status), message }, request_id: requestId };
  },
};

/** Text of the system blocks up to the last one carrying cache_control: what Anthropic would cache. */
function cacheBreakpoint(system: z.infer<typeof content> | undefined): Pick<FakeRequest, "cacheBreakpoint"> {
  if (!Array.isArray(system)) return {};
  const last = system.findLastIndex((b) => b.cache_control);
  if (last < 0) return {};
  return { cacheBreakpoint: { prefix: contentText(system.slice(0, last + 1)), ttl: system[last]!.cache_control?.ttl ?? "5m" } };
}

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

function errorType(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}
