import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Usage a stubbed answer reports, in the provider's own wire format. */
export type StubUsage =
  | { provider: "anthropic"; uncachedInput: number; cacheRead: number; cacheWrite5m: number; cacheWrite1h: number; output: number }
  | { provider: "openai"; prompt: number; cached: number; output: number };

export interface ProviderStub {
  /** Base URL: OpenAI at /v1/chat/completions, Anthropic at /v1/messages. */
  url: string;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of request) body += chunk;
  return body;
}

/**
 * A provider that answers every call with a fixed text and the usage registered for the first
 * marker (a key of `usageByMarker`) found in the request, exactly as Anthropic and OpenAI report
 * it on the wire. The fake-llm never reports 1-hour cache writes; this does, so the Anthropic
 * adapter's reading of them is covered too.
 */
export async function startProviderStub(usageByMarker: Record<string, StubUsage>): Promise<ProviderStub> {
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const marker = Object.keys(usageByMarker).find((key) => body.includes(key));
    const usage = marker ? usageByMarker[marker] : undefined;
    const model = (JSON.parse(body || "{}") as { model?: string }).model ?? "unknown";
    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(payload));
    };
    if (!usage) return send(400, { error: { type: "invalid_request_error", message: "no stubbed usage for this prompt" } });
    const text = "The review covered revenue, churn and hiring.";
    if (request.url === "/v1/messages" && usage.provider === "anthropic") {
      return send(200, {
        id: "msg_stub",
        type: "message",
        role: "assistant",
        model,
        content: [{ type: "text", text }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: {
          input_tokens: usage.uncachedInput,
          output_tokens: usage.output,
          cache_read_input_tokens: usage.cacheRead,
          cache_creation_input_tokens: usage.cacheWrite5m + usage.cacheWrite1h,
          cache_creation: { ephemeral_5m_input_tokens: usage.cacheWrite5m, ephemeral_1h_input_tokens: usage.cacheWrite1h },
        },
      });
    }
    if (request.url === "/v1/chat/completions" && usage.provider === "openai") {
      return send(200, {
        id: "chatcmpl-stub",
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, finish_reason: "stop", logprobs: null }],
        usage: {
          prompt_tokens: usage.prompt,
          completion_tokens: usage.output,
          total_tokens: usage.prompt + usage.output,
          prompt_tokens_details: { cached_tokens: usage.cached },
        },
      });
    }
    return send(404, { error: { type: "not_found_error", message: `${request.url} is not stubbed for ${usage.provider}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
