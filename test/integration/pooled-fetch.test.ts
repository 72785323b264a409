import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { modelConfigSchema, type ProviderName } from "../../src/config/router-config-schema.js";
import type { ScenarioInput } from "../../src/fake-llm/index.js";
import { buildPrompt } from "../../src/jobs/build-prompt.js";
import { createAnthropicProvider } from "../../src/providers/anthropic-provider.js";
import { createOpenAIProvider } from "../../src/providers/openai-provider.js";
import { pooledFetch, type FetchLike } from "../../src/providers/pooled-fetch.js";
import { classifyJob, useFakeLlm } from "../helpers/fake-llm/sdk-clients.js";

/**
 * The pooled transport must be invisible to everything above the SDK: the same scenario through the
 * same adapter ends the same way (answer, usage, request id, or the normalized error with its
 * retry-after) whether the SDK runs on the global fetch or on pooledFetch.
 */
const JOB = classifyJob("I was charged twice this month");
const modelOf = (provider: ProviderName, timeoutMs = 5_000) =>
  modelConfigSchema.parse({ provider, model: provider === "openai" ? "gpt-5-mini" : "claude-haiku-4-5", timeoutMs });

describe("pooledFetch under the official SDKs", () => {
  const startFake = useFakeLlm();

  async function outcome(provider: ProviderName, baseUrl: string, fetch: FetchLike | undefined, timeoutMs?: number) {
    const client =
      provider === "openai"
        ? createOpenAIProvider({ apiKey: "test", baseURL: `${baseUrl}/v1`, ...(fetch ? { fetch } : {}) })
        : createAnthropicProvider({ apiKey: "test", baseURL: baseUrl, ...(fetch ? { fetch } : {}) });
    try {
      const completion = await client.complete(modelOf(provider, timeoutMs), {
        prompt: buildPrompt(JOB),
        maxOutputTokens: 64,
        requestId: "req-1",
      });
      return { ok: true, completion };
    } catch (error) {
      const { name, type, message, options } = error as { name: string; type: string; message: string; options: object };
      return { ok: false, name, type, message, options };
    }
  }

  const scenarios: [string, ScenarioInput][] = [
    ["an answer", { seed: 3 }],
    ["a 429 with retry-after", { seed: 3, models: { "*": { errors: { "429": 1 }, retryAfterMs: 1_500 } } }],
    ["a 529", { seed: 3, models: { "*": { errors: { "529": 1 } } } }],
    ["a 500 that says do not retry", { seed: 3, models: { "*": { errors: { "500": 1 }, shouldRetry: false } } }],
    ["a 200 that is not JSON", { seed: 3, models: { "*": { misbehave: "not_json" } } }],
  ];
  for (const provider of ["openai", "anthropic"] as const) {
    for (const [what, scenario] of scenarios) {
      it(`${provider}: ${what} ends the same on both transports`, async () => {
        // A fake each: its draws are keyed by call number, so both first calls draw the same.
        const viaGlobal = await outcome(provider, (await startFake(scenario)).url, undefined);
        const viaPool = await outcome(provider, (await startFake(scenario)).url, pooledFetch);
        expect(viaPool).toEqual(viaGlobal);
        if (what === "an answer")
          expect(viaPool).toMatchObject({ ok: true, completion: { providerRequestId: expect.stringMatching(/^req_fake/) } });
        if (what === "a 429 with retry-after") expect(viaPool).toMatchObject({ ok: false, options: { retryAfterMs: 1_500 } });
      });
    }

    it(`${provider}: a call that never answers ends at the model's timeout as a timeout, as on the global fetch`, async () => {
      const hangs: ScenarioInput = { seed: 3, models: { "*": { errors: { timeout: 1 } } } };
      const viaGlobal = await outcome(provider, (await startFake(hangs)).url, undefined, 300);
      const viaPool = await outcome(provider, (await startFake(hangs)).url, pooledFetch, 300);
      expect(viaPool).toEqual(viaGlobal);
      expect(viaPool).toMatchObject({ ok: false, type: "timeout" });
    });

    it(`${provider}: nothing listening is the same connection error, its message naming the refusal`, async () => {
      const closed = await listen((_req, res) => res.end());
      await new Promise((resolve) => closed.server.close(resolve));
      const viaGlobal = await outcome(provider, closed.url, undefined);
      const viaPool = await outcome(provider, closed.url, pooledFetch);
      // The global fetch says only "fetch failed"; undici's own error names the cause.
      expect({ ...viaPool, message: undefined }).toEqual({ ...viaGlobal, message: undefined });
      expect(viaPool).toMatchObject({ ok: false, type: "connection", message: expect.stringContaining("ECONNREFUSED") });
    });
  }
});

describe("pooledFetch as a fetch", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });
  const serve = async (handler: Parameters<typeof createServer>[1]) => {
    const started = await listen(handler);
    servers.push(started.server);
    return started.url;
  };

  it("sends the method, headers and string body, and returns status, headers and body", async () => {
    const url = await serve((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        res.setHeader("x-echo-method", req.method ?? "");
        res.setHeader("x-echo-header", String(req.headers["x-test"]));
        res.setHeader("set-cookie", ["a=1", "b=2"]);
        res.statusCode = 201;
        res.end(JSON.stringify({ body }));
      });
    });
    const response = await pooledFetch(`${url}/path`, { method: "POST", headers: { "x-test": "yes" }, body: '{"q":"ünïcode"}' });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe("Created");
    expect(response.headers.get("x-echo-method")).toBe("POST");
    expect(response.headers.get("x-echo-header")).toBe("yes");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await response.json()).toEqual({ body: '{"q":"ünïcode"}' });
  });

  it("decodes a gzip answer and drops its content-encoding; a 204 has no body", async () => {
    const url = await serve((req, res) => {
      if (req.url === "/empty") {
        res.statusCode = 204;
        return res.end();
      }
      res.setHeader("content-encoding", "gzip");
      res.end(gzipSync(JSON.stringify({ hello: "world" })));
    });
    const zipped = await pooledFetch(`${url}/zipped`);
    expect(zipped.headers.get("content-encoding")).toBeNull();
    expect(await zipped.json()).toEqual({ hello: "world" });
    const empty = await pooledFetch(`${url}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it("hands a body that is not a string (a file upload's FormData) to the global fetch, which sends it as multipart", async () => {
    const url = await serve((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => res.end(JSON.stringify({ type: req.headers["content-type"], body })));
    });
    const form = new FormData();
    form.set("purpose", "batch");
    const answer = (await (await pooledFetch(`${url}/upload`, { method: "POST", body: form })).json()) as { type: string; body: string };
    expect(answer.type).toMatch(/^multipart\/form-data; boundary=/);
    expect(answer.body).toContain('name="purpose"');
  });

  it("stops at once when the signal aborts, with an AbortError", async () => {
    const url = await serve(() => {
      /* never answers */
    });
    const controller = new AbortController();
    const pending = pooledFetch(url, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
