import { randomUUID } from "node:crypto";
import type { ModelConfig } from "../config/router-config-schema.js";
import type { JobInput } from "../jobs/job-schema.js";
import type { AttemptRecord, EncodedExposure } from "../ledger/records.js";
import { estimateTokens, type Prompt } from "../jobs/build-prompt.js";
import type { CacheTtl } from "../jobs/prompt-cache-facts.js";
import { costOf, type ModelRates } from "../pricing/model-rates.js";
import { ZERO_USAGE } from "../pricing/usage.js";
import { checkAnswer } from "../providers/check-answer.js";
import type { ProviderClient } from "../providers/provider-client.js";
import { normalizeProviderError } from "../providers/provider-error.js";
import { promptTokenBound, worstCaseCost } from "../guards/budget-decision.js";
import type { CallBudget } from "../guards/call-budget.js";
import type { ProviderSlot } from "../guards/provider-slots.js";
import type { BudgetTicket } from "../guards/budget-guard.js";
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
  /**
   * The budgets this call is charged against. Its worst case is reserved before anything else; a
   * refusal throws BudgetPausedError and no call (nor attempt) is made. Default: no budget.
   */
  budget?: CallBudget;
  /**
   * The worst case (callWorstCase) already held on `budget` by the caller: callModel settles it but
   * does not reserve again. tryModel reserves alongside the gate's admission, in one round trip.
   */
  reserved?: BudgetTicket;
  /**
   * The attempt's id. tryModel notes the call in the request journal under it before callModel runs
   * (beside the gate's admission: one round trip, see tryModel). Default: a fresh one (calls that no
   * journal covers: the shadow check, the routing model).
   */
  attemptId?: string;
  /**
   * The tier's provider slot (guards/provider-slots.ts), taken by the caller. callModel gives it back
   * only when it makes no call (no room in a budget it reserves itself); after a call the
   * caller does, once the model gate has heard how it went: a slot freed before a 429 reached the gate
   * went to a call the cool-down should have stopped. Default: none (the caller's own limit binds).
   */
  slot?: ProviderSlot;
}

/** Characters per token of the router's rough estimate (estimateTokens), used for an answer's length too. */
const CHARS_PER_TOKEN = 4;

/**
 * A call's exposure before it is made: its prompt at the input rate (low) up to that plus its max
 * output tokens at the output rate (high). Estimates (the prompt's size is the router's own guess).
 */
export function callExposure(promptTokens: number, maxOutputTokens: number, rates: ModelRates): EncodedExposure {
  const usage = { ...ZERO_USAGE, inputTokens: promptTokens };
  return {
    lowPicodollars: costOf(usage, rates).toString(),
    highPicodollars: costOf({ ...usage, outputTokens: maxOutputTokens }, rates).toString(),
  };
}

/** What a call's budget reservation holds: a bound no provider's count exceeds, so the settled cost never passes it. */
export function callWorstCase(prompt: Prompt, maxOutputTokens: number, rates: ModelRates): bigint {
  return worstCaseCost(promptTokenBound(prompt), maxOutputTokens, rates);
}

/** One provider call → one attempt record, priced, whatever happened. */
export async function callModel(provider: ProviderClient, model: ModelConfig, context: CallContext): Promise<CallResult> {
  const maxOutputTokens = context.job.maxOutputTokens ?? model.maxOutputTokens;
  let ticket: BudgetTicket | undefined;
  try {
    ticket = context.reserved ?? (await context.budget?.reserve(callWorstCase(context.prompt, maxOutputTokens, context.rates)));
  } catch (error) {
    // No room in a budget (or Redis refused): no call, so the slot goes back at once.
    context.slot?.release();
    throw error;
  }
  // Nothing below throws (a provider's failure is a record): the reservation settles to the exact
  // cost. A worker that dies mid-call never gets here: the run that recovers it keeps the reservation
  // as spent (recoverRun; it may have been billed). A call that failed before billing costs 0: settling releases it.
  const result = await callModelReserved(provider, model, context, maxOutputTokens);
  if (ticket) await context.budget!.settle(ticket, result.record.cost);
  return result;
}

async function callModelReserved(
  provider: ProviderClient,
  model: ModelConfig,
  context: CallContext,
  maxOutputTokens: number,
): Promise<CallResult> {
  const id = context.attemptId ?? randomUUID();
  const promptTokens = estimateTokens(context.prompt);
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
    context.slot?.callSent();
    const completion = await provider.complete(model, {
      prompt: context.prompt,
      maxOutputTokens,
      requestId: context.requestId,
      ...(context.cacheTtl ? { cacheTtl: context.cacheTtl } : {}),
    });
    const finishedAt = context.now();
    // Checked before anything is validated or written: unusable usage is priced from the estimate
    // (the prompt, and the answer's length), an unstorable text is an invalid answer.
    const answer = checkAnswer(completion.text, completion.usage, {
      inputTokens: promptTokens,
      outputTokens: Math.min(maxOutputTokens, Math.ceil(completion.text.length / CHARS_PER_TOKEN)),
    });
    const verdict = answer.unstorable ? { ok: false as const, reason: answer.unstorable } : validateOutput(context.job, answer.text);
    const record: AttemptRecord = {
      ...base,
      outcome: verdict.ok ? "ok" : "invalid",
      latencyMs: finishedAt.getTime() - startedAt.getTime(),
      usage: answer.usage,
      ...(completion.providerRequestId ? { providerRequestId: completion.providerRequestId } : {}),
      // An invalid answer was still generated and billed.
      cost: costOf(answer.usage, context.rates),
      ...(answer.usageIssue ? { costEstimated: true, usageIssue: answer.usageIssue } : {}),
      finishedAt,
      ...(verdict.ok ? {} : { errorType: answer.unstorable ? "unstorable_output" : "invalid_output" }),
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
