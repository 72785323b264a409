import OpenAI, { toFile } from "openai";
import type { ModelConfig, PromptCachingConfig } from "../config/router-config-schema.js";
import { planCache } from "../providers/cache-plan.js";
import { openAiUsage } from "../providers/reported-usage.js";
import { TruncatedResultsError, type BatchProviderClient, type BatchRequestLine, type BatchResultLine } from "./batch-provider.js";
import { jsonlLines } from "./jsonl-lines.js";

/** The metadata key that carries our submission id: what reconciliation matches on after a crash. */
export const SUBMISSION_METADATA_KEY = "llm_router_submission";
/** OpenAI's published limits on one batch input file. */
export const OPENAI_BATCH_LIMITS = { maxItems: 50_000, maxBytes: 200 * 1024 * 1024 };
const ENDED = new Set(["completed", "failed", "expired", "cancelled"]);
/** Batches older than the submission by more than this are not looked at when reconciling. */
const FIND_SLACK_MS = 60_000;

export function createOpenAIBatches(options: {
  apiKey: string;
  baseURL?: string;
  promptCaching: PromptCachingConfig;
  /** Runs between the upload and the create (the crash tests kill the process here). */
  afterUpload?: () => void;
}): BatchProviderClient {
  const client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0 });
  return {
    provider: "openai",
    limits: OPENAI_BATCH_LIMITS,
    async create(submissionId, model, lines) {
      const body = lines.map((line) => JSON.stringify(requestLine(model, line, options.promptCaching))).join("\n") + "\n";
      const file = await client.files.create({ file: await toFile(Buffer.from(body), `${submissionId}.jsonl`), purpose: "batch" });
      options.afterUpload?.();
      const batch = await client.batches.create({
        input_file_id: file.id,
        endpoint: "/v1/chat/completions",
        completion_window: "24h",
        metadata: { [SUBMISSION_METADATA_KEY]: submissionId },
      });
      return batch.id;
    },
    async find(hint) {
      const since = (hint.createdAt.getTime() - FIND_SLACK_MS) / 1000;
      // Newest first: stop at the first batch older than the submission. Every batch with our id is
      // ours (a create made again while an earlier one was still in flight): the oldest is kept.
      const ours: string[] = [];
      for await (const batch of client.batches.list({ limit: 100 })) {
        if (batch.created_at < since) break;
        if (batch.metadata?.[SUBMISSION_METADATA_KEY] === hint.submissionId && !hint.known.has(batch.id)) ours.push(batch.id);
      }
      const [adopt, ...duplicates] = ours.reverse();
      return adopt === undefined ? { duplicates: [] } : { adopt, duplicates };
    },
    async status(id) {
      const batch = await client.batches.retrieve(id);
      const endedSec = batch.completed_at ?? batch.failed_at ?? batch.expired_at ?? batch.cancelled_at;
      return { ended: ENDED.has(batch.status), status: batch.status, ...(endedSec ? { endedAt: new Date(endedSec * 1000) } : {}) };
    },
    async *results(id) {
      const batch = await client.batches.retrieve(id);
      for (const fileId of [batch.output_file_id, batch.error_file_id]) {
        if (!fileId) continue;
        const response = await client.files.content(fileId);
        const lines = jsonlLines(response.body, (line) => {
          throw new TruncatedResultsError(
            `results file ${fileId} of batch ${id} has an unreadable line (truncated?): ${line.slice(0, 80)}`,
          );
        });
        for await (const line of lines) yield resultLine(line);
      }
    },
    async cancel(id) {
      await client.batches.cancel(id);
    },
  };
}

function requestLine(model: ModelConfig, line: BatchRequestLine, caching: PromptCachingConfig) {
  const plan = planCache(model, line.prompt, caching, { requestId: line.requestId });
  return {
    custom_id: line.customId,
    method: "POST",
    url: "/v1/chat/completions",
    body: {
      model: model.model,
      max_completion_tokens: line.maxOutputTokens,
      ...(plan.kind === "key" ? { prompt_cache_key: plan.key } : {}),
      messages: [
        ...(line.prompt.system ? [{ role: "system", content: line.prompt.system }] : []),
        ...line.prompt.messages.map((message) => ({ role: message.role, content: message.content })),
      ],
    },
  };
}

interface OpenAIResultLine {
  custom_id?: unknown;
  response?: { status_code?: number; request_id?: string; body?: Record<string, unknown> } | null;
  error?: { code?: string; message?: string } | null;
}

/** One output- or error-file line → our shape. Anything we cannot read is an error item, never dropped. */
export function resultLine(raw: unknown): BatchResultLine {
  const line = (raw ?? {}) as OpenAIResultLine;
  const customId = typeof line.custom_id === "string" ? line.custom_id : "";
  const requestId = line.response?.request_id;
  const withRequestId = requestId ? { providerRequestId: requestId } : {};
  if (line.error?.code === "batch_expired") return { customId, kind: "expired" };
  if (line.error?.code === "batch_cancelled") return { customId, kind: "canceled" };
  const status = line.response?.status_code;
  const body = line.response?.body as
    | {
        choices?: { message?: { content?: unknown } }[];
        usage?: Record<string, unknown>;
        error?: { type?: string; code?: string; message?: string };
      }
    | undefined;
  if (status === 200 && body && Array.isArray(body.choices)) {
    const content = body.choices[0]?.message?.content;
    // As in real time: one conversion for both lanes.
    const usage = openAiUsage(body.usage as Parameters<typeof openAiUsage>[0]);
    return { customId, kind: "answer", text: typeof content === "string" ? content : "", usage, ...withRequestId };
  }
  const error = body?.error ?? line.error ?? {};
  return {
    customId,
    kind: "error",
    errorType: String(
      (error as { type?: string }).type ?? (error as { code?: string }).code ?? (status ? `http_${status}` : "batch_item_error"),
    ),
    ...(status ? { httpStatus: status } : {}),
    message: String((error as { message?: string }).message ?? "no message"),
    ...withRequestId,
  };
}
