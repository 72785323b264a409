import Anthropic from "@anthropic-ai/sdk";
import type { ModelConfig, PromptCachingConfig } from "../config/router-config-schema.js";
import { planCache } from "../providers/cache-plan.js";
import { anthropicUsage } from "../providers/reported-usage.js";
import {
  TruncatedResultsError,
  type BatchProviderClient,
  type BatchRequestLine,
  type BatchResultLine,
  type FoundBatches,
  type SubmissionHint,
} from "./batch-provider.js";

/** Anthropic's published limits on one Message Batch. */
export const ANTHROPIC_BATCH_LIMITS = { maxItems: 100_000, maxBytes: 256 * 1024 * 1024 };
/** Batches created this long before our row was written still count as candidates (clock skew, slow create). */
const FIND_SLACK_MS = 60_000;

export function createAnthropicBatches(options: {
  apiKey: string;
  baseURL?: string;
  promptCaching: PromptCachingConfig;
}): BatchProviderClient {
  const client = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0 });
  const ttl = options.promptCaching.batchTtl;
  return {
    provider: "anthropic",
    limits: ANTHROPIC_BATCH_LIMITS,
    async create(_submissionId, model, lines) {
      const batch = await client.messages.batches.create({
        requests: lines.map((line) => request(model, line, options.promptCaching, ttl)),
      });
      return batch.id;
    },
    async find(hint) {
      return findByItems(client, hint);
    },
    async status(id) {
      const batch = await client.messages.batches.retrieve(id);
      return {
        ended: batch.processing_status === "ended",
        status: batch.processing_status,
        ...(batch.ended_at ? { endedAt: new Date(batch.ended_at) } : {}),
      };
    },
    async *results(id) {
      const decoder = await client.messages.batches.results(id);
      try {
        for await (const line of decoder) yield resultLine(line);
      } catch (error) {
        if (error instanceof SyntaxError)
          throw new TruncatedResultsError(`results of batch ${id} have an unreadable line (truncated?): ${error.message}`);
        throw error;
      }
    },
    async cancel(id) {
      await client.messages.batches.cancel(id);
    },
  };
}

function request(model: ModelConfig, line: BatchRequestLine, caching: PromptCachingConfig, ttl: PromptCachingConfig["batchTtl"]) {
  const plan = planCache(model, line.prompt, caching, { requestId: line.requestId, ttl });
  const system =
    plan.kind === "breakpoint" && line.prompt.system
      ? [{ type: "text" as const, text: line.prompt.system, cache_control: { type: "ephemeral" as const, ttl: plan.ttl } }]
      : line.prompt.system;
  return {
    custom_id: line.customId,
    params: {
      model: model.model,
      max_tokens: line.maxOutputTokens,
      ...(line.prompt.system ? { system } : {}),
      messages: line.prompt.messages.map((message) => ({ role: message.role, content: message.content })),
    },
  };
}

/**
 * Anthropic batches carry no metadata: the strongest match the API allows is a batch created after
 * our row (less the slack) with exactly our item count that no row of ours names, confirmed — once
 * it has ended — by a result's custom_id being one of our attempt ids (uuids: no other submission
 * has them). A batch still in progress cannot be confirmed (results come only at the end): it
 * counts as ours. Of all that match, a confirmed one is kept (else the oldest), the others are
 * duplicates: cancelled and accounted by the caller (docs/batch-lane.md: the duplicate window).
 */
async function findByItems(client: Anthropic, hint: SubmissionHint): Promise<FoundBatches> {
  const since = hint.createdAt.getTime() - FIND_SLACK_MS;
  const confirmed: { id: string; at: number }[] = [];
  const unconfirmed: { id: string; at: number }[] = [];
  for await (const batch of client.messages.batches.list({ limit: 100 })) {
    const at = Date.parse(batch.created_at);
    if (at < since) break;
    if (hint.known.has(batch.id)) continue;
    const counts = batch.request_counts;
    const total = counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired;
    if (total !== hint.items) continue;
    if (batch.processing_status !== "ended") {
      unconfirmed.push({ id: batch.id, at });
      continue;
    }
    for await (const line of await client.messages.batches.results(batch.id)) {
      if (hint.customIds.has(line.custom_id)) confirmed.push({ id: batch.id, at });
      break;
    }
  }
  const oldestFirst = (a: { at: number }, b: { at: number }) => a.at - b.at;
  const ours = [...confirmed.sort(oldestFirst), ...unconfirmed.sort(oldestFirst)].map((batch) => batch.id);
  const [adopt, ...duplicates] = ours;
  return adopt === undefined ? { duplicates: [] } : { adopt, duplicates };
}

export function resultLine(line: Anthropic.Messages.Batches.MessageBatchIndividualResponse): BatchResultLine {
  const customId = line.custom_id;
  const result = line.result;
  switch (result.type) {
    case "succeeded": {
      const message = result.message;
      const text = (message.content ?? [])
        .flatMap((block) => (block?.type === "text" && typeof block.text === "string" ? [block.text] : []))
        .join("");
      // As in real time: one conversion for both lanes.
      return { customId, kind: "answer", text, usage: anthropicUsage(message.usage) };
    }
    case "errored": {
      const inner = (result.error as { error?: { type?: string; message?: string } } | undefined)?.error;
      return { customId, kind: "error", errorType: inner?.type ?? "batch_item_error", message: inner?.message ?? "no message" };
    }
    case "expired":
      return { customId, kind: "expired" };
    default:
      return { customId, kind: "canceled" };
  }
}
