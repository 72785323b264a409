import type { ModelConfig } from "../config/router-config-schema.js";
import { buildPrompt, estimateTokens } from "../jobs/build-prompt.js";
import type { TierJob } from "../queue/job-payloads.js";
import { callHealth } from "../guards/call-health.js";
import { answersAgree } from "./shadow/answers-agree.js";
import { shadowKeyOf, shadowSampled } from "./shadow/shadow-sample.js";
import { uncertaintyWeight } from "./shadow/uncertain-sampling.js";
import { defaultThresholdsFor } from "../config/default-thresholds.js";
import { BudgetPausedError } from "../guards/call-budget.js";
import { SlotWaitAbortedError } from "../guards/provider-slots.js";
import { takeSlot } from "./try-model.js";
import { callModel, type CallResult } from "./call-model.js";
import type { TierRun } from "./tier-run.js";
import type { TierJobEnding } from "./tier-stage.js";

/**
 * The chance this job gets a shadow check: `rate` for `uniform`; for `uncertain`, more near a tier
 * threshold and less far from all, scaled on the worker's recent scores so the average stays `rate`.
 */
function shadowProbability(run: TierRun): number {
  const { config } = run.settings.live;
  const shadow = config.routing.shadow;
  if (shadow.strategy !== "uncertain" || shadow.rate <= 0 || shadow.rate >= 1) return shadow.rate;
  const thresholds = config.routing.thresholds ?? defaultThresholdsFor(config.tiers.length);
  const score = run.data.route.score;
  const scale = run.deps.shadowScores.scaleFor(score, shadow.rate, thresholds);
  return Math.min(1, scale * uncertaintyWeight(score, thresholds));
}

/**
 * After an answer below the top tier: a sampled share (`routing.shadow`) is queued to the top tier,
 * off the job's path, to measure what routing down gave up. A failure to queue loses one sample only.
 */
export async function queueShadowCheck(run: TierRun, model: ModelConfig, answer: string): Promise<void> {
  const { tierNames, live } = run.settings;
  const top = tierNames.at(-1)!;
  const shadow = live.config.routing.shadow;
  if (run.tierName === top || !shadowSampled(shadowKeyOf(shadow.key, run.data), shadowProbability(run))) return;
  await run.deps
    .forward(top, { ...run.data, shadowOf: { tier: run.tierName, model: model.model, answer } })
    .catch((error: unknown) => run.log.warn({ error: String(error) }, "could not queue the shadow check"));
}

/** A shadow job: asks the top tier's primary model the question once, and records how its answer compares. */
export async function runShadowCheck(run: TierRun, shadowOf: NonNullable<TierJob["shadowOf"]>): Promise<TierJobEnding> {
  const { deps, data, settings } = run;
  const model = settings.tier.models[0]!;
  const provider = settings.live.providers.get(model.provider);
  const prompt = buildPrompt(data.job);
  if (!provider) return { status: "shadowed" };
  // Its slot first, so the admission is the last word before the call (as in tryModel).
  const slot = await takeSlot(run, model);
  if (slot instanceof SlotWaitAbortedError) return { status: "stopped", delayMs: slot.retryInMs };
  const admission = await deps.gate
    .admit(model, estimateTokens(prompt) + (data.job.maxOutputTokens ?? model.maxOutputTokens))
    .catch((error: unknown) => {
      slot?.release();
      throw error;
    });
  // Measurement never waits for a busy model nor adds to its load: skip this sample.
  if (!admission.admitted) {
    slot?.release();
    return { status: "shadowed" };
  }
  let call: CallResult;
  try {
    call = await callModel(provider, model, {
      requestId: data.requestId,
      attemptNo: 0,
      tier: run.tierName,
      job: data.job,
      prompt,
      rates: settings.live.priceBook.ratesFor(model.provider, model.model),
      now: deps.now,
      budget: run.budget,
      ...(slot ? { slot } : {}),
    });
  } catch (error) {
    // A budget with no room skips the sample, as a busy model does: measurement never waits.
    if (!(error instanceof BudgetPausedError)) throw error;
    return { status: "shadowed" };
  }
  // The slot goes back once the gate has heard how the call went (see CallContext.slot).
  await deps.gate.report(model, callHealth(call.record), admission).finally(() => slot?.release());
  const agrees = call.result === undefined ? undefined : answersAgree(data.job.kind, shadowOf.answer, call.result);
  await deps.shadowStore?.({
    id: call.record.id,
    requestId: data.requestId,
    tier: shadowOf.tier,
    model: shadowOf.model,
    topModel: model.model,
    outcome: call.record.outcome === "ok" ? "ok" : call.record.outcome === "invalid" ? "invalid" : "error",
    agrees,
    topAnswer: call.result,
    usage: call.record.usage,
    cost: call.record.cost,
    latencyMs: call.record.latencyMs,
    createdAt: call.record.finishedAt,
  });
  run.log.debug({ agrees }, "shadow check");
  return { status: "shadowed", agrees };
}
