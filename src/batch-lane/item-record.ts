import type { AttemptRecord } from "../ledger/records.js";
import { buildPrompt, estimateTokens } from "../jobs/build-prompt.js";
import { atBatchRate } from "../pricing/batch-rate.js";
import { costOf, type ModelRates } from "../pricing/model-rates.js";
import { ZERO_USAGE } from "../pricing/usage.js";
import { checkAnswer } from "../providers/check-answer.js";
import type { LaneItem } from "../tiers/batch-lane-hook.js";
import { validateOutput } from "../tiers/validate-output.js";
import type { BatchResultLine } from "./batch-provider.js";

export interface ItemCall {
  record: AttemptRecord;
  /** The validated answer, when the item succeeded. */
  result?: string;
  /** Why it gave no answer (the request's error history). */
  failureReason?: string;
}

export interface ItemContext {
  /** Our submission id (`provider_batches.id`). */
  submissionId: string;
  /** When the submission was sent: the attempt's started_at (stable, so a re-ingest conflicts and inserts nothing). */
  submittedAt: Date;
  /** When the result was known (the batch's end at the provider, else now). */
  resultAt: Date;
  rates: ModelRates;
  /** Share of the real-time price (batchShare). */
  share: number;
}

const CHARS_PER_TOKEN = 4;

/**
 * One result line → its attempt row, as callModel makes one for a real-time call: usage checked at
 * the boundary, the answer validated, the cost at the batch rate (every token kind alike). An item
 * with no line at all (`line` undefined: a truncated file, a failed batch) is an error row costing 0.
 */
export function itemRecord(item: LaneItem, line: BatchResultLine | undefined, context: ItemContext): ItemCall {
  const base = {
    id: item.attemptId,
    requestId: item.job.requestId,
    attemptNo: item.attemptNo,
    tier: item.tier,
    provider: item.provider,
    model: item.model,
    batch: { providerBatchId: context.submissionId, realtimeCost: 0n },
    latencyMs: Math.max(0, context.resultAt.getTime() - context.submittedAt.getTime()),
    startedAt: context.submittedAt,
    finishedAt: context.resultAt,
  };
  const failed = (errorType: string, reason: string, extra: Partial<AttemptRecord> = {}): ItemCall => ({
    record: { ...base, outcome: "error", errorType, usage: ZERO_USAGE, cost: 0n, ...extra },
    failureReason: `${item.model} (batch): ${reason}`,
  });
  if (!line) return failed("result_missing", "no result line came back for this item");
  switch (line.kind) {
    case "expired":
      return failed("batch_expired", "the provider batch expired before this item");
    case "canceled":
      return failed("batch_canceled", "the provider batch was cancelled before this item");
    case "error":
      return failed(line.errorType, line.message, {
        ...(line.httpStatus ? { httpStatus: line.httpStatus } : {}),
        ...(line.providerRequestId ? { providerRequestId: line.providerRequestId } : {}),
      });
    case "answer": {
      const job = item.job.job;
      const maxOutputTokens = job.maxOutputTokens ?? 1024;
      const answer = checkAnswer(line.text, line.usage, {
        inputTokens: estimateTokens(buildPrompt(job)),
        outputTokens: Math.min(maxOutputTokens, Math.ceil(line.text.length / CHARS_PER_TOKEN)),
      });
      const verdict = answer.unstorable ? { ok: false as const, reason: answer.unstorable } : validateOutput(job, answer.text);
      const realtimeCost = costOf(answer.usage, context.rates);
      const record: AttemptRecord = {
        ...base,
        batch: { providerBatchId: context.submissionId, realtimeCost },
        outcome: verdict.ok ? "ok" : "invalid",
        usage: answer.usage,
        ...(line.providerRequestId ? { providerRequestId: line.providerRequestId } : {}),
        // An invalid answer was generated and billed, at the batch rate.
        cost: atBatchRate(realtimeCost, context.share),
        ...(answer.usageIssue ? { costEstimated: true, usageIssue: answer.usageIssue } : {}),
        ...(verdict.ok ? {} : { errorType: answer.unstorable ? "unstorable_output" : "invalid_output" }),
      };
      return verdict.ok ? { record, result: verdict.result } : { record, failureReason: `${item.model} (batch): ${verdict.reason}` };
    }
  }
}
