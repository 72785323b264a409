import { drawLatencyMs } from "./latency.js";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { anthropicProtocol } from "./anthropic-protocol.js";
import { createBatchRoutes } from "./batch-routes.js";
import { buildCompletion } from "./completion.js";
import { readJsonBody, sendJson, waitUnlessClosed } from "./http-util.js";
import { misbehaveCompletion, sendMisbehaving } from "./misbehave.js";
import { openAiProtocol } from "./openai-protocol.js";
import { decideOutcome, DrawSource } from "./outcome.js";
import type { WireProtocol } from "./protocol.js";
import { loadReplayTable, type ReplayCounters, type ReplayTable } from "./replay.js";
import { PromptCacheSim } from "./prompt-cache.js";
import { promptKey, userText } from "./request.js";
import { DEFAULT_SCENARIO, parseScenario, resolveBehaviour, type Scenario, type ScenarioInput } from "./scenario.js";
import { StatsTracker, type FakeStats } from "./stats.js";

export interface FakeLlmOptions {
  /** 0 (the default) picks a free port; read it back from `port` / `url`. */
  port?: number;
  host?: string;
  /** Raw or parsed scenario; validated here. Default: seed 1, no latency, no errors. */
  scenario?: ScenarioInput;
  /** Clock of the simulated prompt caches' lifetimes and of batch timestamps, in epoch ms. Default Date.now. */
  now?: () => number;
}

export interface FakeLlm {
  /** e.g. http://127.0.0.1:43121 — the Anthropic SDK's baseURL; the OpenAI SDK's is `${url}/v1`. */
  url: string;
  port: number;
  stats(): FakeStats;
  resetStats(): void;
  /**
   * Swaps the scenario and restarts the draw sequence, as if the server had just started with it.
   * A replay file in it is read in the background; calls wait for it.
   */
  setScenario(scenario: ScenarioInput): void;
  /** Replay mode's counters (answers served from the file, misses, unlisted models); undefined without replay. */
  replayStats(): ReplayCounters | undefined;
  /** Stops listening and drops every open connection, hung "timeout" calls included. Idempotent. */
  close(): Promise<void>;
}

const ROUTES: Record<string, WireProtocol> = {
  "/v1/chat/completions": openAiProtocol,
  "/v1/messages": anthropicProtocol,
};

export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  let scenario = parseScenario(options.scenario ?? DEFAULT_SCENARIO);
  let draws = new DrawSource(scenario.seed);
  const loadReplay = (from: Scenario): Promise<ReplayTable | undefined> =>
    from.replay ? loadReplayTable(from.replay) : Promise.resolve(undefined);
  let replay = loadReplay(scenario);
  // A bad replay file fails start-up, where the caller sees it.
  let replayTable = await replay;
  const stats = new StatsTracker();
  const now = options.now ?? Date.now;
  const promptCache = new PromptCacheSim(now);
  let requestCount = 0;
  // Batch items draw, cache and count exactly like real-time calls, under whatever scenario is current.
  const batches = createBatchRoutes(now, () => ({ scenario, draws, promptCache, replay: replayTable, stats }));

  async function handleCompletion(protocol: WireProtocol, req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A provider's latency runs from the request's arrival. Counting it from after this process read
    // and parsed the body added its own queueing to every call: C calls arriving together (a tier at
    // its limit) waited for one another's parsing first: 104 ms a call at L=100, C=8 with a bare fetch client, now 102.
    const arrivedAt = performance.now();
    const requestId = `req_fake${String(++requestCount).padStart(8, "0")}`;
    const headers = { [protocol.requestIdHeader]: requestId };
    const fail = (status: number, message: string, extra: Record<string, string> = {}) =>
      sendJson(res, status, protocol.error(status, message, requestId), { ...headers, ...extra });

    const read = await readJsonBody(req);
    if (!read.ok) return fail(read.status, read.message);
    const parsed = protocol.parseRequest(read.body);
    if (!parsed.ok) return fail(400, `invalid request: ${parsed.message}`);
    const request = parsed.request;

    // In flight from here until the response finishes or the connection closes, whichever comes first.
    res.once("close", stats.begin(request.model));
    const behaviour = resolveBehaviour(scenario, request.model);
    const draw = draws.next(request.model, promptKey(request));
    const outcome = decideOutcome(behaviour, draw.u);
    if (outcome.type === "error") stats.recordError(request.model, outcome.kind);
    if (outcome.type === "invalid") stats.recordInvalid(request.model);

    await waitUnlessClosed(res, Math.ceil(drawLatencyMs(behaviour.latencyMs, draw.latencyU) - (performance.now() - arrivedAt)));
    if (outcome.type === "error") {
      // A "timeout" never answers: the client's own timeout (or close()) ends the call.
      if (outcome.kind === "timeout") return;
      const retry: Record<string, string> =
        outcome.kind === 429
          ? {
              // Whole seconds for strict readers of retry-after; both SDKs prefer the exact retry-after-ms.
              "retry-after": String(Math.ceil(behaviour.retryAfterMs / 1000)),
              "retry-after-ms": String(behaviour.retryAfterMs),
            }
          : {};
      if (behaviour.shouldRetry !== undefined) retry["x-should-retry"] = String(behaviour.shouldRetry);
      return fail(outcome.kind, `fake-llm: simulated ${outcome.kind} error for model ${request.model}`, retry);
    }
    const table = await replay;
    const recorded = table?.answer(request.model, userText(request));
    const cache =
      protocol.name === "anthropic"
        ? promptCache.anthropic(request, behaviour.cacheMinTokens)
        : promptCache.openai(request, behaviour.cacheMinTokens);
    const completion = misbehaveCompletion(
      buildCompletion(request, behaviour, draw, outcome.type === "invalid", recorded, cache),
      behaviour.misbehave,
    );
    stats.recordUsage(request.model, completion);
    sendMisbehaving(res, protocol.success(request, completion, draw.id), headers, behaviour.misbehave);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const protocol = ROUTES[path];
    if (req.method === "POST" && protocol) return handleCompletion(protocol, req, res);
    if (await batches.handle(req, res)) return;
    if (req.method === "GET" && path === "/healthz") return sendJson(res, 200, { status: "ok" });
    if (req.method === "GET" && path === "/stats") return sendJson(res, 200, stats.snapshot());
    if (req.method === "POST" && path === "/stats/reset") {
      stats.reset();
      replayTable?.resetStats();
      return sendJson(res, 200, stats.snapshot());
    }
    // Shaped so both SDKs surface the message (each reads `error.message`).
    sendJson(res, 404, {
      type: "error",
      error: { type: "not_found_error", message: `fake-llm: no route for ${req.method} ${path}`, code: null },
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A client that disconnects mid-body makes readBody throw: nothing left to answer.
      if (res.destroyed) return;
      sendJson(res, 500, { type: "error", error: { type: "api_error", message: `fake-llm: ${String(error)}`, code: null } });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${clientHost(address.address)}:${address.port}`,
    port: address.port,
    stats: () => stats.snapshot(),
    resetStats: () => {
      stats.reset();
      replayTable?.resetStats();
    },
    setScenario(next) {
      scenario = parseScenario(next);
      draws = new DrawSource(scenario.seed);
      promptCache.clear();
      replay = loadReplay(scenario);
      replay.then(
        (table) => (replayTable = table),
        () => (replayTable = undefined),
      );
    },
    replayStats: () => replayTable?.stats(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        batches.close();
        server.close(() => resolve());
        // Hung calls and keep-alive sockets would otherwise hold close() until clients give up.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** An address clients can dial: wildcard binds are reached via loopback, IPv6 needs brackets. */
function clientHost(address: string): string {
  if (address === "0.0.0.0") return "127.0.0.1";
  if (address === "::") return "[::1]";
  return address.includes(":") ? `[${address}]` : address;
}
