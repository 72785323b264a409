import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { anthropicProtocol } from "./anthropic-protocol.js";
import { BatchJob, type BatchItem, type ItemResult } from "./batch-job.js";
import { pageAround, parseLimit } from "./batch-pagination.js";
import { createFailure, planBatch, type BatchContext, type BatchRunner } from "./batch-processing.js";
import { bareRequest, UNKNOWN_COMPLETION } from "./batch-render.js";
import { batchLimitsOf } from "./batch-scenario.js";
import { resolveBatchBehaviour } from "./scenario.js";
import type { BatchStore, StoredBatch } from "./batch-store.js";
import { readJsonBody, sendJson } from "./http-util.js";
import { describeIssues } from "./issues.js";
import { bendUsage, NOT_JSON_LINE } from "./misbehave.js";
import { sendResultsFile } from "./results-file.js";

/**
 * Anthropic Message Batches (`/v1/messages/batches`): create, retrieve, results (JSONL at the
 * batch's `results_url`, which the SDK follows), cancel, list. Params are validated per request
 * when the batch is processed, as the real API does: a bad one comes back `errored`.
 */

export interface AnthropicBatchDeps {
  store: BatchStore;
  runner: BatchRunner;
  now: () => number;
  context: () => BatchContext;
  nextRequestId: () => string;
}

/** Results are kept 29 days from creation; the batch must end within 24 hours. */
const WINDOW_MS = 24 * 60 * 60 * 1000;

const createSchema = z.looseObject({
  requests: z
    .array(
      z.looseObject({
        custom_id: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, { message: "custom_id must be 1 to 64 letters, digits, _ or -" }),
        params: z.looseObject({}),
      }),
    )
    .min(1, { message: "a batch needs at least one request" }),
});

function fail(deps: AnthropicBatchDeps, res: ServerResponse, status: number, message: string): void {
  const requestId = deps.nextRequestId();
  sendJson(res, status, anthropicProtocol.error(status, message, requestId), { [anthropicProtocol.requestIdHeader]: requestId });
}

function send(deps: AnthropicBatchDeps, res: ServerResponse, body: unknown): void {
  sendJson(res, 200, body, { [anthropicProtocol.requestIdHeader]: deps.nextRequestId() });
}

export async function createAnthropicBatch(deps: AnthropicBatchDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const context = deps.context();
  const limits = batchLimitsOf(context.scenario.batchLimits);
  const read = await readJsonBody(req, limits.anthropicMaxBytes);
  if (!read.ok) {
    return fail(deps, res, read.status, read.status === 413 ? `a batch may be at most ${limits.anthropicMaxBytes} bytes` : read.message);
  }
  const parsed = createSchema.safeParse(read.body);
  if (!parsed.success) return fail(deps, res, 400, `invalid request: ${describeIssues(parsed.error)}`);
  const requests = parsed.data.requests;
  if (requests.length > limits.anthropicMaxRequests) {
    return fail(deps, res, 400, `a batch may have at most ${limits.anthropicMaxRequests} requests, not ${requests.length}`);
  }
  const seen = new Set<string>();
  const items: BatchItem[] = [];
  const perModel = new Map<string, number>();
  for (const { custom_id: customId, params } of requests) {
    if (seen.has(customId)) return fail(deps, res, 400, `duplicate custom_id ${customId}`);
    seen.add(customId);
    const model = typeof params.model === "string" && params.model !== "" ? params.model : "unknown";
    perModel.set(model, (perModel.get(model) ?? 0) + 1);
    const request = anthropicProtocol.parseRequest(params);
    items.push(
      request.ok ? { customId, model, request: request.request } : { customId, model, request: undefined, invalidParams: request.message },
    );
  }
  // Batch-wide behaviour (latency, expiry, bad-input knobs) follows the first request's model.
  const model = items[0]!.model;
  const failure = createFailure(context.scenario, model, deps.store.ordinal(`anthropic-create\n${model}`));
  if (failure && !failure.afterCreate)
    return fail(deps, res, failure.status, `fake-llm: simulated ${failure.status} on batch create for model ${model}`);

  const plan = planBatch(context.scenario, model, items.length, deps.now(), deps.store.ordinal(`anthropic\n${model}`));
  const behaviour = resolveBatchBehaviour(context.scenario, model);
  const stored: StoredBatch = {
    job: new BatchJob("anthropic", deps.store.id("msgbatch_"), items, plan),
    unknownResults: behaviour.unknownResults,
    truncateResults: behaviour.truncateResults,
  };
  deps.store.addBatch(stored);
  context.stats.recordBatchCreated(perModel.keys(), perModel);
  deps.runner.watch(stored.job);
  if (failure)
    return fail(deps, res, failure.status, `fake-llm: simulated ${failure.status} on batch create for model ${model} (batch created)`);
  send(deps, res, batchObject(deps, stored, req));
}

export function retrieveAnthropicBatch(deps: AnthropicBatchDeps, id: string, req: IncomingMessage, res: ServerResponse): void {
  const stored = deps.store.batch("anthropic", id);
  if (!stored) return fail(deps, res, 404, `message batch ${id} not found`);
  deps.runner.touch(stored.job);
  send(deps, res, batchObject(deps, stored, req));
}

export function cancelAnthropicBatch(deps: AnthropicBatchDeps, id: string, req: IncomingMessage, res: ServerResponse): void {
  const stored = deps.store.batch("anthropic", id);
  if (!stored) return fail(deps, res, 404, `message batch ${id} not found`);
  const wasEnded = stored.job.endedAt !== undefined;
  deps.runner.cancel(stored.job);
  if (wasEnded) return fail(deps, res, 409, `message batch ${id} has already ended and cannot be canceled`);
  send(deps, res, batchObject(deps, stored, req));
}

export function listAnthropicBatches(deps: AnthropicBatchDeps, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
  const limit = parseLimit(query.get("limit"), 20, 1000);
  if (typeof limit === "string") return fail(deps, res, 400, limit);
  const cursor = { afterId: query.get("after_id") ?? undefined, beforeId: query.get("before_id") ?? undefined };
  const page = pageAround(deps.store.newestFirst("anthropic"), cursor, limit);
  if (!page.ok) return fail(deps, res, 400, page.message);
  const data = page.ids.map((id) => {
    const stored = deps.store.batch("anthropic", id)!;
    deps.runner.touch(stored.job);
    return batchObject(deps, stored, req);
  });
  send(deps, res, { data, has_more: page.hasMore, first_id: page.ids[0] ?? null, last_id: page.ids.at(-1) ?? null });
}

export async function anthropicBatchResults(deps: AnthropicBatchDeps, id: string, res: ServerResponse): Promise<void> {
  const stored = deps.store.batch("anthropic", id);
  if (!stored) return fail(deps, res, 404, `message batch ${id} not found`);
  deps.runner.touch(stored.job);
  const { job } = stored;
  if (job.endedAt === undefined)
    return fail(deps, res, 400, `message batch ${id} is still processing; results are ready once it has ended`);
  const file = { lineCount: stored.unknownResults + job.items.length, lines: () => resultLines(stored), truncate: stored.truncateResults };
  await sendResultsFile(res, file, { [anthropicProtocol.requestIdHeader]: deps.nextRequestId() });
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** The MessageBatch object; counts other than `processing` stay 0 until the batch has ended, as the real API reports them. */
function batchObject(deps: AnthropicBatchDeps, stored: StoredBatch, req: IncomingMessage) {
  const { job } = stored;
  const state = job.state(deps.now());
  const ended = state === "ended";
  const count = (type: ItemResult["type"]) => (ended ? job.countBy(type) : 0);
  return {
    id: job.id,
    type: "message_batch",
    processing_status: ended ? "ended" : state === "canceling" ? "canceling" : "in_progress",
    request_counts: {
      processing: ended ? 0 : job.items.length,
      succeeded: count("answered"),
      errored: count("error"),
      canceled: count("canceled"),
      expired: count("expired"),
    },
    ended_at: iso(job.endedAt),
    created_at: iso(job.createdAtMs),
    expires_at: iso(job.createdAtMs + WINDOW_MS),
    archived_at: null,
    cancel_initiated_at: iso(job.cancelInitiatedAtMs),
    // Built from the Host the client dialled, so a proxy in front of the fake stays in the path.
    results_url: ended ? `http://${req.headers.host ?? "127.0.0.1"}/v1/messages/batches/${job.id}/results` : null,
  };
}

function* resultLines(stored: StoredBatch): Generator<string> {
  const { job } = stored;
  for (let i = 0; i < stored.unknownResults; i++) {
    const message = anthropicProtocol.success(bareRequest(job.items[0]!.model), UNKNOWN_COMPLETION, `unknown${i}`);
    yield JSON.stringify({ custom_id: `fake-unknown-${job.id}-${i}`, result: { type: "succeeded", message } });
  }
  let k = 0;
  for (const item of job.results()) {
    const requestId = `req_${job.id}-${k++}`;
    yield item.result.type === "answered" && item.result.misbehave === "not_json"
      ? NOT_JSON_LINE
      : JSON.stringify({ custom_id: item.customId, result: result(item.model, item.result, requestId) });
  }
}

function result(model: string, outcome: ItemResult, requestId: string): unknown {
  switch (outcome.type) {
    case "answered":
      return {
        type: "succeeded",
        message: bendUsage(anthropicProtocol.success(bareRequest(model), outcome.completion, outcome.drawId), outcome.misbehave),
      };
    case "error": {
      // A model call that timed out inside the batch: Anthropic's 504 timeout_error.
      const status = outcome.status === "timeout" ? 504 : outcome.status;
      return { type: "errored", error: anthropicProtocol.error(status, outcome.message, requestId) };
    }
    case "expired":
      return { type: "expired" };
    case "canceled":
      return { type: "canceled" };
  }
}
