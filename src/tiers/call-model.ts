import { randomUUID } from "node:crypto";
import type { ModelConfig } from "../config/router-config-schema.js";
import type { JobInput } from "../jobs/job-schema.js";
import type { AttemptRecord } from "../ledger/records.js";
import type { Prompt } from "../jobs/build-prompt.js";
import type { CacheTtl } from "../jobs/prompt-cache-facts.js";
import { costOf, type ModelRates } from "../pricing/model-rates.js";
import { ZERO_USAGE } from "../pricing/usage.js";
import type { ProviderClient } from "../providers/provider-client.js";
import { normalizeProviderError } from "../providers/provider-error.js";
import { promptTokenBound, worstCaseCost } from "../guards/budget-decision.js";
import type { CallBudget } from "../guards/call-budget.js";
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
  /** Anthropic cache lifetime for this call; the batch lane passes "1h". Default: promptCaching.realtimeTtl. */
  cacheTtl?: CacheTtl;
  /** Runs before the HTTP call, with the attempt's id: the journal notes the call so a crash cannot hide it. */
  onStart?: (attemptId: string, startedAt: Date) => Promise<void>;
  /**
   * The budgets this call is charged against. Its worst case is reserved before anything else; a
   * refusal throws BudgetPausedError and no call (nor attempt) is made. Default: no budget.
   */
  budget?: CallBudget;
}

/** One provider call → one attempt record, priced, whatever happened. */
export async function callModel(provider: ProviderClient, model: ModelConfig, context: CallContext): Promise<CallResult> {
  const maxOutputTokens = context.job.maxOutputTokens ?? model.maxOutputTokens;
  // Reserved on a bound no provider's count exceeds, so the settled cost never passes the reservation.
  const ticket = await context.budget?.reserve(worstCaseCost(promptTokenBound(context.prompt), maxOutputTokens, context.rates));
  let result: CallResult;
  try {
    result = await callModelReserved(provider, model, context, maxOutputTokens);
  } catch (error) {
    // Only the journal's note (before the HTTP call) can throw here: nothing was sent, nothing billed.
    if (ticket) await context.budget!.settle(ticket, 0n);
    throw error;
  }
  // A call that failed before billing costs 0: settling releases it. A worker that dies mid-call never
  // gets here, so an abandoned call's reservation stays held (it may have been billed).
  if (ticket) await context.budget!.settle(ticket, result.record.cost);
  return result;
}

async function callModelReserved(
  provider: ProviderClient,
  model: ModelConfig,
  context: CallContext,
  maxOutputTokens: number,
): Promise<CallResult> {
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
      maxOutputTokens,
      requestId: context.requestId,
      ...(context.cacheTtl ? { cacheTtl: context.cacheTtl } : {}),
    });
    const finishedAt = context.now();
    const verdict = validateOutput(context.job, completion.text);
    const record: AttemptRecord = {
      ...base,
      outcome: verdict.ok ? "ok" : "invalid",
      latencyMs: finishedAt.getTime() - startedAt.getTime(),
      usage: completion.usage,
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
