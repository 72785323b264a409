import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { BatchJob, type BatchItem, type ItemResult } from "./batch-job.js";
import { batchLimitsOf } from "./batch-scenario.js";
import { resolveBatchBehaviour } from "./scenario.js";
import type { BatchStore, StoredBatch, StoredFile } from "./batch-store.js";
import { pageAfter, parseLimit } from "./batch-pagination.js";
import { createFailure, planBatch, type BatchContext, type BatchRunner } from "./batch-processing.js";
import { readJsonBody, sendJson } from "./http-util.js";
import { describeIssues } from "./issues.js";
import { parseOpenAiBatchInput } from "./openai-batch-input.js";
import { sendOpenAiError } from "./openai-files.js";
import { bendUsage, NOT_JSON_LINE } from "./misbehave.js";
import { openAiProtocol } from "./openai-protocol.js";
import { bareRequest, UNKNOWN_COMPLETION } from "./batch-render.js";
import type { ResultsFile } from "./results-file.js";

/** OpenAI Batch (`/v1/batches`): create from an uploaded file, retrieve, cancel, list; results as output and error files. */

export interface OpenAiBatchDeps {
  store: BatchStore;
  runner: BatchRunner;
  now: () => number;
  context: () => BatchContext;
  nextRequestId: () => string;
}

const SUPPORTED_ENDPOINT = "/v1/chat/completions";
const WINDOW_S = 24 * 60 * 60;

const createSchema = z.looseObject({
  input_file_id: z.string().min(1),
  endpoint: z.string(),
  completion_window: z.string(),
  metadata: z
    .record(
      z.string().max(64, { message: "metadata keys may be at most 64 characters" }),
      z.string().max(512, { message: "metadata values may be at most 512 characters" }),
    )
    .refine((m) => Object.keys(m).length <= 16, { message: "metadata may have at most 16 keys" })
    .nullish(),
});

export async function createOpenAiBatch(deps: OpenAiBatchDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = deps.nextRequestId();
  const fail = (status: number, message: string) => sendOpenAiError(res, status, message, requestId);
  const read = await readJsonBody(req);
  if (!read.ok) return fail(read.status, read.message);
  const parsed = createSchema.safeParse(read.body);
  if (!parsed.success) return fail(400, `invalid request: ${describeIssues(parsed.error)}`);
  const { input_file_id: inputFileId, endpoint, completion_window: window, metadata } = parsed.data;
  if (endpoint !== SUPPORTED_ENDPOINT) return fail(400, `fake-llm batches support endpoint ${SUPPORTED_ENDPOINT} only, not ${endpoint}`);
  if (window !== "24h") return fail(400, `completion_window must be "24h", not ${JSON.stringify(window)}`);
  const file = deps.store.files.get(inputFileId);
  if (!file?.content) return fail(400, `No such File object: ${inputFileId}`);
  if (file.purpose !== "batch") return fail(400, `file ${inputFileId} has purpose ${file.purpose}; a batch needs purpose "batch"`);

  const context = deps.context();
  const input = parseOpenAiBatchInput(file.content, endpoint, batchLimitsOf(context.scenario.batchLimits));
  if (!input.ok) return fail(400, `invalid batch input file ${inputFileId}: ${input.message}`);
  const { model, items } = input;

  const failure = createFailure(context.scenario, model, deps.store.ordinal(`openai-create\n${model}`));
  if (failure && !failure.afterCreate)
    return fail(failure.status, `fake-llm: simulated ${failure.status} on batch create for model ${model}`);
  const stored = addBatch(deps, context, { model, items, inputFileId, endpoint, window, metadata: metadata ?? null });
  if (failure) return fail(failure.status, `fake-llm: simulated ${failure.status} on batch create for model ${model} (batch created)`);
  sendJson(res, 200, { ...batchObject(deps, stored), status: "validating" }, { [openAiProtocol.requestIdHeader]: requestId });
}

function addBatch(
  deps: OpenAiBatchDeps,
  context: BatchContext,
  input: {
    model: string;
    items: BatchItem[];
    inputFileId: string;
    endpoint: string;
    window: string;
    metadata: Record<string, string> | null;
  },
): StoredBatch {
  const { model, items } = input;
  const plan = planBatch(context.scenario, model, items.length, deps.now(), deps.store.ordinal(`openai\n${model}`));
  const behaviour = resolveBatchBehaviour(context.scenario, model);
  const stored: StoredBatch = {
    job: new BatchJob("openai", deps.store.id("batch_"), items, plan),
    unknownResults: behaviour.unknownResults,
    truncateResults: behaviour.truncateResults,
    openai: { inputFileId: input.inputFileId, endpoint: input.endpoint, completionWindow: input.window, metadata: input.metadata, model },
  };
  deps.store.addBatch(stored);
  context.stats.recordBatchCreated([model], new Map([[model, items.length]]));
  deps.runner.watch(stored.job);
  return stored;
}

export function retrieveOpenAiBatch(deps: OpenAiBatchDeps, id: string, res: ServerResponse): void {
  const requestId = deps.nextRequestId();
  const stored = deps.store.batch("openai", id);
  if (!stored) return sendOpenAiError(res, 404, `No batch found with id '${id}'.`, requestId);
  deps.runner.touch(stored.job);
  sendJson(res, 200, batchObject(deps, stored), { [openAiProtocol.requestIdHeader]: requestId });
}

export function cancelOpenAiBatch(deps: OpenAiBatchDeps, id: string, res: ServerResponse): void {
  const requestId = deps.nextRequestId();
  const stored = deps.store.batch("openai", id);
  if (!stored) return sendOpenAiError(res, 404, `No batch found with id '${id}'.`, requestId);
  const wasEnded = stored.job.endedAt !== undefined;
  deps.runner.cancel(stored.job);
  if (wasEnded) {
    return sendOpenAiError(res, 409, `Cannot cancel a batch with status ${batchObject(deps, stored).status}.`, requestId);
  }
  sendJson(res, 200, batchObject(deps, stored), { [openAiProtocol.requestIdHeader]: requestId });
}

export function listOpenAiBatches(deps: OpenAiBatchDeps, query: URLSearchParams, res: ServerResponse): void {
  const requestId = deps.nextRequestId();
  const limit = parseLimit(query.get("limit"), 20, 100);
  if (typeof limit === "string") return sendOpenAiError(res, 400, limit, requestId);
  const page = pageAfter(deps.store.newestFirst("openai"), query.get("after") ?? undefined, limit);
  if (!page.ok) return sendOpenAiError(res, 400, page.message, requestId);
  const data = page.ids.map((id) => {
    const stored = deps.store.batch("openai", id)!;
    deps.runner.touch(stored.job);
    return batchObject(deps, stored);
  });
  sendJson(
    res,
    200,
    { object: "list", data, first_id: page.ids[0] ?? null, last_id: page.ids.at(-1) ?? null, has_more: page.hasMore },
    { [openAiProtocol.requestIdHeader]: requestId },
  );
}

const seconds = (ms: number | undefined): number | null => (ms === undefined ? null : Math.floor(ms / 1000));

/** The Batch object as the SDK types it; result files appear once the batch has ended. */
function batchObject(deps: OpenAiBatchDeps, stored: StoredBatch) {
  const { job } = stored;
  const openai = stored.openai!;
  const state = job.state(deps.now());
  if (state === "ended") ensureResultFiles(deps, stored);
  const answered = job.countBy("answered");
  const reached = (ms: number) => (deps.now() >= ms ? ms : undefined);
  return {
    id: job.id,
    object: "batch",
    endpoint: openai.endpoint,
    model: openai.model,
    errors: null,
    input_file_id: openai.inputFileId,
    completion_window: openai.completionWindow,
    status: openAiStatus(job, state),
    output_file_id: openai.outputFileId ?? null,
    error_file_id: openai.errorFileId ?? null,
    created_at: seconds(job.createdAtMs),
    // A batch cancelled while validating never was in progress.
    in_progress_at: job.inProgressAtMs <= (job.cancelInitiatedAtMs ?? Infinity) ? seconds(reached(job.inProgressAtMs)) : null,
    expires_at: Math.floor(job.createdAtMs / 1000) + WINDOW_S,
    finalizing_at: job.finalizingAtMs === undefined ? null : seconds(reached(job.finalizingAtMs)),
    completed_at: job.endReason === "completed" ? seconds(job.endedAt) : null,
    failed_at: null,
    expired_at: job.endReason === "expired" ? seconds(job.endedAt) : null,
    cancelling_at: seconds(job.cancelInitiatedAtMs),
    cancelled_at: job.endReason === "canceled" ? seconds(job.endedAt) : null,
    request_counts: { total: job.items.length, completed: answered, failed: job.settledCount - answered },
    usage: batchUsage(job),
    metadata: openai.metadata,
  };
}

function openAiStatus(job: BatchJob, state: ReturnType<BatchJob["state"]>): string {
  if (state === "canceling") return "cancelling";
  if (state !== "ended") return state;
  return job.endReason === "canceled" ? "cancelled" : job.endReason!;
}

function batchUsage(job: BatchJob) {
  let input = 0;
  let cached = 0;
  let output = 0;
  for (const item of job.results()) {
    if (item.result.type !== "answered") continue;
    input += item.result.completion.promptTokens;
    cached += item.result.completion.cacheReadTokens;
    output += item.result.completion.outputTokens;
  }
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

/** Creates the output file (answers) and the error file (everything else) the first time an ended batch is seen. */
function ensureResultFiles(deps: OpenAiBatchDeps, stored: StoredBatch): void {
  const openai = stored.openai!;
  if (openai.resultFilesMade) return;
  openai.resultFilesMade = true;
  const { job } = stored;
  const answered = job.countBy("answered");
  const failed = job.settledCount - answered;
  const addFile = (kind: "output" | "error", render: () => ResultsFile): string => {
    const file: StoredFile = {
      id: deps.store.id("file-"),
      filename: `${job.id}_${kind}.jsonl`,
      purpose: "batch_output",
      createdAtMs: job.endedAt ?? deps.now(),
      results: { render },
    };
    deps.store.files.set(file.id, file);
    return file.id;
  };
  if (answered + stored.unknownResults > 0) {
    openai.outputFileId = addFile("output", () => ({
      lineCount: answered + stored.unknownResults,
      lines: () => outputLines(stored, true),
      truncate: stored.truncateResults,
    }));
  }
  if (failed > 0) {
    openai.errorFileId = addFile("error", () => ({ lineCount: failed, lines: () => outputLines(stored, false), truncate: false }));
  }
}

function* outputLines(stored: StoredBatch, answers: boolean): Generator<string> {
  const { job } = stored;
  const model = stored.openai!.model;
  if (answers) {
    for (let i = 0; i < stored.unknownResults; i++) {
      const customId = `fake-unknown-${job.id}-${i}`;
      yield line(`${job.id}-unknown-${i}`, customId, model, {
        type: "answered",
        invalid: false,
        completion: UNKNOWN_COMPLETION,
        drawId: "0",
        answeredAtMs: job.endedAt ?? 0,
      });
    }
  }
  let k = 0;
  for (const item of job.results()) {
    const n = k++;
    if ((item.result.type === "answered") === answers) yield line(`${job.id}-${n}`, item.customId, model, item.result);
  }
}

function line(id: string, customId: string, model: string, result: ItemResult): string {
  const requestId = `req_${id}`;
  const lineId = `batch_req_${id}`;
  switch (result.type) {
    case "answered": {
      if (result.misbehave === "not_json") return NOT_JSON_LINE;
      const body = bendUsage(
        openAiProtocol.success(bareRequest(model), result.completion, result.drawId) as Record<string, unknown>,
        result.misbehave,
      );
      body.created = Math.floor(result.answeredAtMs / 1000);
      return JSON.stringify({ id: lineId, custom_id: customId, response: { status_code: 200, request_id: requestId, body }, error: null });
    }
    case "error":
      if (result.status === "timeout") {
        return JSON.stringify({
          id: lineId,
          custom_id: customId,
          response: null,
          error: { code: "request_timeout", message: "The request to the model timed out." },
        });
      }
      return JSON.stringify({
        id: lineId,
        custom_id: customId,
        response: {
          status_code: result.status,
          request_id: requestId,
          body: openAiProtocol.error(result.status, result.message, requestId),
        },
        error: null,
      });
    case "expired":
      return JSON.stringify({
        id: lineId,
        custom_id: customId,
        response: null,
        error: { code: "batch_expired", message: "This request could not be executed before the completion window expired." },
      });
    case "canceled":
      return JSON.stringify({
        id: lineId,
        custom_id: customId,
        response: null,
        error: { code: "batch_cancelled", message: "This request was not executed because the batch was cancelled." },
      });
  }
}
