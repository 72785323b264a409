import { describeIssues } from "../jobs/job-schema.js";
import { failedOutcome } from "../ledger/records.js";
import { costOf } from "../pricing/model-rates.js";
import { tierJobSchema } from "../queue/job-payloads.js";
import { journalRunId } from "../guards/request-journal.js";
import { callBudget } from "../guards/call-budget.js";
import { completeRun, finishRequest, releaseRun } from "./complete-run.js";
import { decideTierEnding, MAX_DEFERRAL_MS } from "./decide-tier-ending.js";
import { nextTier } from "./next-step.js";
import { journalMayExist, recoverRun } from "./recover-run.js";
import { queueShadowCheck, runShadowCheck } from "./shadow-check.js";
import { tierSettings } from "./tier-settings.js";
import { offerToBatchLane } from "./offer-to-lane.js";
import type { TierRun, TierRunState } from "./tier-run.js";
import { createScoreWindow } from "./shadow/score-window.js";
import type { ResolvedTierDeps, TierJobEnding, TierStageDeps } from "./tier-stage.js";
import { tryTierModels } from "./try-tier-models.js";
import { heldWaitMs, waitBoundMs } from "./wait-bound.js";

export type { TierJobEnding, TierStageDeps } from "./tier-stage.js";

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long a tier's blocked mark outlives its last deferral: a few deferrals, so a paused queue keeps it. */
const TIER_BLOCK_HOLD_MS = 3 * MAX_DEFERRAL_MS;

/**
 * The work of one tier on one job: its models in order, retries on passing faults, then an answer,
 * a hand-off to the next tier, a deferral (every model busy), or — at the top, or for a job pinned
 * to one model — a failure (decideTierEnding). Every call becomes exactly one attempt row; the
 * request row is written once, when the job ends. A request journal in Redis makes a crashed or
 * interrupted run resumable without calling a provider again for work already done.
 *
 * The parts: tier-settings (the job's one config snapshot), recover-run (the journal of an
 * interrupted run), try-tier-models and try-model (the model loop), decide-tier-ending (what now,
 * when no model answered), complete-run (endings made durable, the hand-off), shadow-check.
 */
export function createTierProcessor(tierName: string, stageDeps: TierStageDeps) {
  const deps: ResolvedTierDeps = {
    ...stageDeps,
    now: stageDeps.now ?? (() => new Date()),
    random: stageDeps.random ?? Math.random,
    sleep: stageDeps.sleep ?? defaultSleep,
    shadowScores: stageDeps.shadowScores ?? createScoreWindow(),
  };

  // This process noted the tier blocked: its next answer there clears the mark (one DEL, not one per job).
  const block = { noted: false };

  /**
   * `firstRun`: BullMQ says the job has neither failed nor stalled in this queue (see recoverRun).
   * `queuedAtMs`: when the job entered this tier's queue (BullMQ's timestamp), from which a job held
   * behind a blocked tier counts its wait.
   */
  return async function processTierJob(payload: unknown, jobId: string, firstRun = false, queuedAtMs?: number): Promise<TierJobEnding> {
    // Asked now, awaited before the first step with an effect (TierRun.cancelled). Every path below
    // awaits it; the catch only keeps a rejection from counting as unhandled before that.
    const cancelled = deps.cancelled ? deps.cancelled(payload, jobId) : Promise.resolve(false);
    cancelled.catch(() => undefined);
    // Read once: every part of this job sees the same config, whatever reloads meanwhile.
    const settings = tierSettings(deps.live(), tierName);
    const parsed = tierJobSchema.safeParse(payload);
    if (!parsed.success) {
      if (await cancelled) return { status: "cancelled" };
      const error = `malformed job payload in tier ${tierName}: ${describeIssues(parsed.error)}`;
      // Records the failure if the request is known; the job itself goes to the failed set with the reason.
      await deps.ledger.write([], failedOutcome(jobId, error));
      return { status: "failed", error };
    }
    const data = parsed.data;
    const run: TierRun = {
      deps,
      tierName,
      settings,
      data,
      runId: journalRunId(data.requestId, tierName),
      log: deps.logger.child({ jobId: data.requestId, batchId: data.batchId, tier: tierName }),
      cancelled,
    };
    if (deps.budgets) {
      run.budget = callBudget(
        deps.budgets,
        { batchId: data.batchId, feature: data.job.feature, pauses: data.budgetPauses },
        {
          random: deps.random,
          onSettleError: (error) => run.log.warn({ error: String(error) }, "could not settle a budget reservation; it stays held"),
        },
      );
    }

    // A journal's recovery writes (abandoned calls, kept budgets): not for a cancelled batch's job.
    if (journalMayExist(run, firstRun) && (await cancelled)) return { status: "cancelled" };
    const recovered = await recoverRun(run, firstRun);
    if (recovered.ending) {
      run.log.info({ ending: recovered.ending.kind }, "resuming a decided ending from the journal");
      return completeRun(run, recovered.records, recovered.ending);
    }
    if (data.shadowOf) return (await cancelled) ? { status: "cancelled" } : runShadowCheck(run, data.shadowOf);
    if (deps.batchLane && recovered.records.length === 0) {
      const laned = await offerToBatchLane(run, deps.batchLane);
      if (laned && "paused" in laned)
        return pauseForBudget(run, { records: [], reasons: [], busy: [], costPico: BigInt(data.costSoFarPico) }, laned.paused);
      if (laned) return laned;
    }

    const state: TierRunState = {
      records: recovered.records,
      reasons: [],
      busy: [],
      costPico: BigInt(data.costSoFarPico) + recovered.records.reduce((sum, record) => sum + record.cost, 0n),
    };
    const tried = await tryTierModels(run, state);
    if (tried.kind === "answered") {
      const { model, call } = tried;
      if (block.noted && deps.tierBlock) {
        block.noted = false;
        await deps.tierBlock
          .clear(tierName)
          .catch((error: unknown) => run.log.warn({ error: String(error) }, "could not clear the tier's blocked mark"));
      }
      run.log.debug({ model: model.model, attempts: state.records.length }, "answered");
      const ended = await finishRequest(
        run,
        state,
        {
          status: "succeeded",
          finalTier: tierName,
          finalProvider: model.provider,
          finalModel: model.model,
          baselineCost: costOf(call.record.usage, settings.baselineRates),
          result: call.result,
        },
        call.record,
      );
      await queueShadowCheck(run, model, call.result);
      return ended;
    }
    if (tried.kind === "cancelled") return { status: "cancelled" };
    // Nothing of this run happened (its first call got no provider slot): the job goes back as it was,
    // without counting a failed attempt. Otherwise as an abandoned run: its calls are written.
    if (tried.kind === "stopped" && state.records.length === 0) return { status: "stopped", delayMs: tried.retryInMs };
    if (tried.kind === "abandon" || tried.kind === "stopped") {
      await releaseRun(run, state.records);
      return { status: "abandoned", error: state.reasons.join("; ") };
    }
    if (tried.kind === "paused") return pauseForBudget(run, state, state.paused!);
    return endWithoutAnswer(run, state, { queuedAtMs, onBlocked: () => (block.noted = true) });
  };
}

/**
 * No model of the tier answered: wait, go up, or fail, as decideTierEnding says. When the whole tier
 * would wait (every model busy), the job's wait counts from when the tier went dark (tier-block.ts),
 * not only its own deferrals: the jobs held behind the paused queue waited as long.
 */
async function endWithoutAnswer(
  run: TierRun,
  state: TierRunState,
  held: { queuedAtMs?: number; onBlocked: () => void },
): Promise<TierJobEnding> {
  const { data, tierName, settings, deps, log } = run;
  // No model was even asked (each skipped: prompt too long, provider missing) when the batch is cancelled.
  if (await run.cancelled) return { status: "cancelled" };
  const history = [...data.history, ...state.reasons].slice(-50);
  const facts = {
    tier: tierName,
    busy: state.busy,
    attempts: state.records,
    deferrals: data.deferrals,
    maxDeferrals: settings.live.config.maxDeferrals,
    waitedMs: data.waitedMs,
    maxWaitMs: waitBoundMs(data.job, settings.live.config.maxWaitMs),
    higherTier: nextTier(settings.tierNames, tierName),
    pinnedModel: data.job.model,
    history,
  };
  let decision = decideTierEnding(facts);
  let waitedMs = data.waitedMs;
  if (decision.action === "defer" && decision.scope === "tier" && deps.tierBlock && held.queuedAtMs !== undefined) {
    const nowMs = deps.now().getTime();
    // The mark only shortens a held job's wait: if Redis refuses it, the job counts its own deferrals
    // and is deferred as before, rather than failing this attempt with its calls not yet released.
    const since = await deps.tierBlock.note(tierName, nowMs, TIER_BLOCK_HOLD_MS).catch((error: unknown) => {
      log.warn({ error: String(error) }, "could not note the tier blocked");
      return undefined;
    });
    if (since !== undefined) {
      held.onBlocked();
      waitedMs = heldWaitMs({ waitedMs: data.waitedMs, deferralsHere: data.deferrals }, nowMs, since, held.queuedAtMs);
      if (waitedMs > data.waitedMs) decision = decideTierEnding({ ...facts, waitedMs });
    }
  }
  const carried = {
    ...data,
    attemptsSoFar: data.attemptsSoFar + state.records.length,
    costSoFarPico: state.costPico.toString(),
    history,
    waitedMs,
  };
  switch (decision.action) {
    case "defer":
      await releaseRun(run, state.records);
      log.debug({ delayMs: decision.delayMs, busy: state.busy.map((model) => model.reason) }, decision.reason);
      return {
        status: "deferred",
        delayMs: decision.delayMs,
        scope: decision.scope,
        busy: state.busy,
        maxWaitMs: facts.maxWaitMs,
        job: { ...carried, deferrals: data.deferrals + 1, waitedMs: waitedMs + decision.delayMs },
      };
    case "escalate":
      deps.metrics.escalations.inc({ from: tierName, to: decision.to });
      log.info({ to: decision.to, why: decision.reason, reasons: state.reasons }, "escalated");
      return completeRun(run, state.records, {
        kind: "escalate",
        to: decision.to,
        job: { ...carried, escalations: data.escalations + 1, deferrals: 0 },
      });
    case "fail": {
      const lastBilled = [...state.records].reverse().find((record) => record.usage.inputTokens > 0);
      log.warn({ error: decision.reason }, "request failed");
      return finishRequest(run, state, {
        status: "failed",
        finalTier: tierName,
        baselineCost: lastBilled ? costOf(lastBilled.usage, settings.baselineRates) : 0n,
        error: decision.reason,
      });
    }
  }
}

/** A budget had no room: the calls so far are kept, and the job waits in this tier with its deferrals untouched. */
async function pauseForBudget(run: TierRun, state: TierRunState, paused: { budget: string; retryInMs: number }): Promise<TierJobEnding> {
  const { data } = run;
  await releaseRun(run, state.records);
  run.log.debug({ budget: paused.budget, delayMs: paused.retryInMs }, "budget has no room: pausing");
  return {
    status: "paused",
    delayMs: paused.retryInMs,
    budget: paused.budget,
    job: {
      ...data,
      attemptsSoFar: data.attemptsSoFar + state.records.length,
      costSoFarPico: state.costPico.toString(),
      history: [...data.history, ...state.reasons].slice(-50),
      budgetPauses: data.budgetPauses + 1,
    },
  };
}
