import { randomUUID } from "node:crypto";
import type { ModelConfig } from "../config/router-config-schema.js";
import type { Prompt } from "../jobs/build-prompt.js";
import type { AttemptRecord } from "../ledger/records.js";
import type { Metrics } from "../observability/metrics.js";
import type { ProviderClient } from "../providers/provider-client.js";
import { callHealth } from "../guards/call-health.js";
import { BudgetPausedError } from "../guards/call-budget.js";
import { encodeTicket } from "../guards/budget-guard.js";
import type { InFlightCall } from "../guards/request-journal.js";
import { SlotWaitAbortedError, type ProviderSlot } from "../guards/provider-slots.js";
import { callExposure, callModel, callWorstCase, type CallResult } from "./call-model.js";
import { nextStep } from "./next-step.js";
import { nextAttemptNo, type TierRun, type TierRunState } from "./tier-run.js";

export type ModelTurn =
  | { kind: "answered"; call: CallResult & { result: string } }
  /** No answer from this model: the run moves on (why is in the state's reasons, busy or records). */
  | { kind: "no-answer" }
  /** Stop the run without an ending (shutdown-like failure): the job must run again. */
  | { kind: "abandon" }
  /** The call never got a provider slot (shutdown, or the tier's slots closed): nothing was sent; the job runs again after `retryInMs`. */
  | { kind: "stopped"; retryInMs: number }
  /** The job's batch was cancelled (TierRun.cancelled): nothing was called. */
  | { kind: "cancelled" }
  /** A budget has no room for this call: nothing was called; the run stops and the job waits (state.paused). */
  | { kind: "paused" };

/**
 * One model's turn in a tier run: admitted by the shared gate, called, retried on passing faults
 * as the retry policy says. Every call is journalled before it starts and added to the state.
 */
export async function tryModel(
  run: TierRun,
  state: TierRunState,
  model: ModelConfig,
  provider: ProviderClient,
  prompt: Prompt,
  promptTokens: number,
): Promise<ModelTurn> {
  const { deps, tierName, runId, settings } = run;
  const job = run.data.job;
  const rates = settings.live.priceBook.ratesFor(model.provider, model.model);
  const maxOutputTokens = job.maxOutputTokens ?? model.maxOutputTokens;
  for (let retries = 0; ; retries++) {
    // The tier's provider slot first: the gate's admission must be the last word before the call (a
    // 429 that another call got while this one waited cools the model down for this one too), and a
    // job waiting for a slot holds no reservation.
    const slot = await takeSlot(run, model);
    if (slot instanceof SlotWaitAbortedError) return { kind: "stopped", retryInMs: slot.retryInMs };
    // The gate's admission, the budget's reservation, (on a run's first turn) whether the batch was
    // cancelled, and the journal's note of the call are sent together: one round trip on the
    // auto-pipelined connection, not two in a row with the provider slot held. The note is written
    // before the admission's answer is known, so whatever says no withdraws it; a worker that dies in
    // between leaves a note of a call never made, which the next run records as abandoned (an attempt
    // too many, never a call too many: calls seen by a provider ≤ attempts).
    const note: InFlightCall = {
      id: randomUUID(),
      attemptNo: nextAttemptNo(run, state),
      tier: tierName,
      provider: model.provider,
      model: model.model,
      startedAt: deps.now().toISOString(),
      exposure: callExposure(promptTokens, maxOutputTokens, rates),
    };
    const [admitted, reserved, cancelled, noted] = await Promise.allSettled([
      deps.gate.admit(model, promptTokens + maxOutputTokens),
      run.budget?.reserve(callWorstCase(prompt, maxOutputTokens, rates)),
      run.cancelled,
      deps.journal.callStarted(runId, note),
    ]);
    const ticket = reserved.status === "fulfilled" ? reserved.value : undefined;
    // No call after all: the slot goes on, the reservation is given back and the note withdrawn (an
    // admission made useless goes unused: a probe slot it held expires with its timeout).
    const withdraw = async () => {
      slot?.release();
      if (ticket) await run.budget!.settle(ticket, 0n);
      if (noted.status === "rejected") return;
      await deps.journal
        .callWithdrawn(runId, note.id)
        .catch((error: unknown) => run.log.warn({ error: String(error) }, "could not withdraw the note of a call not made"));
    };
    // Redis failed the admission, the cancel check or the note: nothing is called, the job runs again.
    if (admitted.status === "rejected" || cancelled.status === "rejected" || noted.status === "rejected") {
      await withdraw();
      throw [admitted, cancelled, noted].find((result): result is PromiseRejectedResult => result.status === "rejected")!.reason;
    }
    if (cancelled.value) {
      await withdraw();
      return { kind: "cancelled" };
    }
    const admission = admitted.value;
    if (!admission.admitted) {
      await withdraw();
      state.busy.push({ model: model.model, reason: admission.reason, retryInMs: admission.retryInMs });
      state.reasons.push(`${model.model}: ${admission.reason.replace(/_/g, " ")}`);
      return { kind: "no-answer" };
    }
    if (reserved.status === "rejected") {
      // Redis refused the reservation: fail closed, no call. A budget with no room: the job waits.
      await withdraw();
      if (!(reserved.reason instanceof BudgetPausedError)) throw reserved.reason;
      state.paused = { budget: reserved.reason.scope, retryInMs: reserved.reason.retryInMs };
      return { kind: "paused" };
    }
    // A reservation that holds money joins the note, so that recovery keeps it should the call be
    // abandoned; it is known only now (which budgets exist is Redis's answer), hence a second write. A
    // worker that dies between the two leaves the reservation held, as one that died between reserving
    // and noting always did: the budget errs toward less room, never more.
    if (ticket && ticket.keys.length > 0) {
      try {
        await deps.journal.callStarted(runId, { ...note, budget: encodeTicket(ticket) });
      } catch (error) {
        await withdraw();
        throw error;
      }
    }
    deps.metrics.callsInFlight.inc({ tier: tierName });
    const call = await callModel(provider, model, {
      requestId: run.data.requestId,
      attemptNo: note.attemptNo,
      attemptId: note.id,
      tier: tierName,
      job,
      prompt,
      rates,
      now: deps.now,
      budget: run.budget,
      ...(ticket ? { reserved: ticket } : {}),
      ...(slot ? { slot } : {}),
    });
    deps.metrics.callsInFlight.dec({ tier: tierName });
    state.records.push(call.record);
    state.costPico += call.record.cost;
    try {
      // An answer is journalled together with the ending it decides (one write); anything else now.
      if (call.result === undefined) await deps.journal.callFinished(runId, call.record);
      const retryAfterMs = call.failure?.kind === "error" ? call.failure.retryAfterMs : undefined;
      // An answer's report costs no round trip (successes are sent in batches); a 429's cools the
      // model down before the slot goes to the next call.
      await deps.gate.report(model, callHealth(call.record), { ...admission, retryAfterMs });
    } finally {
      slot?.release();
    }
    observe(deps.metrics, tierName, model, call.record);

    if (call.result !== undefined) {
      // The calls about to go out (this slot's next one among them) go before this answer's bookkeeping
      // (the ending's writes, BullMQ's completion): when calls end together, that CPU would sit in front of them.
      await slot?.nextCallsSent();
      return { kind: "answered", call: { ...call, result: call.result } };
    }
    state.reasons.push(call.failureReason ?? `${model.model}: failed`);
    // Per-call failures are routine at volume (every 429); debug keeps them out of the way, metrics count them.
    run.log.debug({ model: model.model, outcome: call.record.outcome, errorType: call.record.errorType }, "attempt failed");
    const step = nextStep(call.failure!, retries, settings.policy, deps.random());
    if (step.action === "abandon") return { kind: "abandon" };
    if (step.action === "cool-down") {
      state.busy.push({ model: model.model, reason: "cooling_down", retryInMs: step.waitMs });
      return { kind: "no-answer" };
    }
    if (step.action === "next-model") return { kind: "no-answer" };
    await deps.sleep(step.delayMs);
  }
}

/**
 * The run's tier's provider slot, for one call to `model`; none without slots (in-memory tests). A
 * wait that ends without one (shutdown, or the tier's slots closed after Redis lost its data) is
 * returned: nothing was asked or sent. Used by the shadow check too.
 */
export async function takeSlot(run: TierRun, model: ModelConfig): Promise<ProviderSlot | SlotWaitAbortedError | undefined> {
  const { slots, signal } = run.deps;
  if (!slots) return undefined;
  return slots.take(run.tierName, model.timeoutMs, signal).catch((error: unknown) => {
    if (error instanceof SlotWaitAbortedError) return error;
    throw error;
  });
}

function observe(metrics: Metrics, tier: string, model: ModelConfig, record: AttemptRecord): void {
  metrics.attempts.inc({ tier, provider: model.provider, model: model.model, outcome: record.outcome });
  metrics.costUsd.inc({ tier, model: model.model }, Number(record.cost) / 1e12);
  metrics.latency.observe({ model: model.model, outcome: record.outcome }, record.latencyMs / 1000);
}
