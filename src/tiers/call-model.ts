import { randomUUID } from "node:crypto";
import type { ModelConfig } from "../config/router-config-schema.js";
import type { JobInput } from "../jobs/job-schema.js";
import type { AttemptRecord } from "../ledger/records.js";
import type { Prompt } from "../jobs/build-prompt.js";
import { costOf, type ModelRates } from "../pricing/model-rates.js";
import { ZERO_USAGE } from "../pricing/usage.js";
import type { ProviderClient } from "../providers/provider-client.js";
import { normalizeProviderError } from "../providers/provider-error.js";
import type { AttemptFailure } from "./next-step.js";
import { validateOutput } from "./validate-output.js";

export interface CallResult {
  record: AttemptRecord;
  /** The validated, normalised answer when the call succeeded. */
  result?: string;
  failure?: AttemptFailure;
  /** Why it failed, for the request's error history. */
  failureReason?: string;
}

export interface CallContext {
  requestId: string;
  attemptNo: number;
  tier: string;
  job: JobInput;
  prompt: Prompt;
  rates: ModelRates;
  now: () => Date;
  /** Runs before the HTTP call, with the attempt's id: the journal notes the call so a crash cannot hide it. */
  onStart?: (attemptId: string, startedAt: Date) => Promise<void>;
}

/** One provider call → one attempt record, priced, whatever happened. */
export async function callModel(provider: ProviderClient, model: ModelConfig, context: CallContext): Promise<CallResult> {
  const id = randomUUID();
  await context.onStart?.(id, context.now());
  const startedAt = context.now();
  const base = {
    id,
    requestId: context.requestId,
    attemptNo: context.attemptNo,
    tier: context.tier,
    provider: model.provider,
    model: model.model,
    startedAt,
  };
  try {
    const completion = await provider.complete(model, {
      prompt: context.prompt,
      maxOutputTokens: context.job.maxOutputTokens ?? model.maxOutputTokens,
    });
    const finishedAt = context.now();
    const verdict = validateOutput(context.job, completion.text);
    const record: AttemptRecord = {
      ...base,
      outcome: verdict.ok ? "ok" : "invalid",
      latencyMs: finishedAt.getTime() - startedAt.getTime(),
      usage: completion.usage,
      ...(completion.providerRequestId ? { providerRequestId: completion.providerRequestId } : {}),
      // An invalid answer was still generated and billed.
      cost: costOf(completion.usage, context.rates),
      finishedAt,
      ...(verdict.ok ? {} : { errorType: "invalid_output" }),
    };
    return verdict.ok
      ? { record, result: verdict.result }
      : { record, failure: { kind: "invalid" }, failureReason: `${model.model}: ${verdict.reason}` };
  } catch (error) {
    const finishedAt = context.now();
    const providerError = normalizeProviderError(model.provider, error);
    return {
      record: {
        ...base,
        outcome: "error",
        errorType: providerError.type,
        httpStatus: providerError.httpStatus,
        ...(providerError.requestId ? { providerRequestId: providerError.requestId } : {}),
        latencyMs: finishedAt.getTime() - startedAt.getTime(),
        // A call that failed before answering reports no usage; providers do not bill it.
        usage: ZERO_USAGE,
        cost: 0n,
        finishedAt,
      },
      failure: {
        kind: "error",
        retryable: providerError.retryable,
        escalate: providerError.escalate,
        retryAfterMs: providerError.retryAfterMs,
        rateLimited: providerError.type === "rate_limited",
      },
      failureReason: `${model.model}: ${providerError.message}`,
    };
  }
}
