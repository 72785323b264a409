import type { LiveConfig } from "../providers/live-config.js";
import type { ModelConfig } from "../config/router-config-schema.js";
import { nextStep, nextTier, DEFAULT_BASE_DELAY_MS, type RetryPolicy } from "./next-step.js";
import { describeIssues } from "../jobs/job-schema.js";
import type { LedgerWriter } from "../ledger/ledger-writer.js";
import { failedOutcome, type AttemptRecord, type RequestOutcome } from "../ledger/records.js";
import { persist } from "../ledger/persist.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { buildPrompt, estimateTokens } from "../jobs/build-prompt.js";
import { costOf } from "../pricing/model-rates.js";
import { ZERO_USAGE } from "../pricing/usage.js";
import { tierJobSchema, type TierJob, type TierJobInput } from "../queue/job-payloads.js";
import { callHealth } from "../guards/call-health.js";
import type { GateRefusal, ModelGate } from "../guards/model-gate.js";
import { journalRunId, type InFlightCall, type JournalEnding, type RequestJournal } from "../guards/request-journal.js";
import { answersAgree } from "./shadow/answers-agree.js";
import { shadowKeyOf, shadowSampled } from "./shadow/shadow-sample.js";
import type { ShadowStore } from "./shadow/shadow-store.js";
import { callModel } from "./call-model.js";
import type { CancelCheck } from "../guards/cancelled-batch.js";

export interface TierStageDeps {
  /** The config in force; read once per job, so a reload takes effect on the next job. */
  live: () => LiveConfig;
  ledger: LedgerWriter;
  journal: RequestJournal;
  gate: ModelGate;
  /** Hands a job to a higher tier's queue (same job id, or a `~shadow` one for a shadow job; idempotent). */
  forward: (tier: string, job: TierJobInput) => Promise<void>;
  /** Where shadow checks are recorded. */
  shadowStore?: ShadowStore;
  /** How long a finished run's journal is kept to absorb a re-run. Default 120000. */
  journalRetentionMs?: number;
  logger: Logger;
  metrics: Metrics;
  /** Skips (and ends as cancelled) a job of a cancelled batch. Default: no check. */
  cancelled?: CancelCheck;
  /** Aborts on shutdown: stops waiting on Postgres so the worker can exit (the journal keeps the work). */
  signal?: AbortSignal;
  now?: () => Date;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type TierJobEnding =
  | { status: "succeeded"; model: string }
  | { status: "escalated"; to: string }
  /** A shadow job: the top tier answered the same question, for measurement only. */
  | { status: "shadowed"; agrees?: boolean }
  | { status: "failed"; error: string }
  /** Its batch was cancelled before this tier called anything. */
  | { status: "cancelled" }
  /** Every usable model was cooling down: back to the queue for `delayMs`, with `job` as its new data. */
  | { status: "deferred"; delayMs: number; job: TierJob }
  /** Stopped without an ending (shutting down); the job must run again. */
  | { status: "abandoned"; error: string };

/** Longest back-off of a tier queue when its models are cooling down; the job comes back and re-checks. */
const MAX_DEFERRAL_MS = 5_000;
/** How long a finished run's journal stays to absorb a re-run: past a lost lock and a stalled check. */
const DEFAULT_JOURNAL_RETENTION_MS = 120_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A call whose worker died: we know when it started, not what it cost. */
function abandonedRecord(call: InFlightCall, requestId: string, now: Date): AttemptRecord {
  return {
    id: call.id,
    requestId,
    attemptNo: call.attemptNo,
    tier: call.tier,
    provider: call.provider,
    model: call.model,
    outcome: "abandoned",
    errorType: "worker_died",
    latencyMs: Math.max(0, now.getTime() - new Date(call.startedAt).getTime()),
    usage: ZERO_USAGE,
    cost: 0n,
    startedAt: new Date(call.startedAt),
    finishedAt: now,
  };
}

/**
 * The work of one tier on one job: its models in order, retries on passing faults, then an answer,
 * a hand-off to the next tier, a deferral (every model cooling down), or — at the top, or for a job
 * pinned to one model — a failure. Every call becomes exactly one attempt row; the request row is
 * written once, when the job ends. A request journal in Redis makes a crashed or interrupted run
 * resumable without calling a provider again for work already done.
 */
export function createTierProcessor(tierName: string, deps: TierStageDeps) {
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const sleep = deps.sleep ?? defaultSleep;
  const live = deps.live;

  /** Asks the top tier's primary model the question once, and records how its answer compares. */
  async function runShadow(
    data: TierJob,
    shadowOf: NonNullable<TierJob["shadowOf"]>,
    model: ModelConfig,
    current: LiveConfig,
    log: Logger,
  ): Promise<TierJobEnding> {
    const provider = current.providers.get(model.provider);
    const prompt = buildPrompt(data.job);
    const admission = await deps.gate.admit(model, estimateTokens(prompt) + (data.job.maxOutputTokens ?? model.maxOutputTokens));
    // Measurement never waits for a busy model nor adds to its load: skip this sample.
    if (!provider || !admission.admitted) return { status: "shadowed" };
    const call = await callModel(provider, model, {
      requestId: data.requestId,
      attemptNo: 0,
      tier: tierName,
      job: data.job,
      prompt,
      rates: current.priceBook.ratesFor(model.provider, model.model),
      now,
    });
    await deps.gate.report(model, callHealth(call.record), admission);
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
    log.debug({ agrees }, "shadow check");
    return { status: "shadowed", agrees };
  }

  /**
   * `firstRun`: BullMQ says this job has neither failed nor stalled in this queue before, so no
   * journal can exist for it and reading one is skipped (a round trip saved on the common path).
   */
  return async function processTierJob(payload: unknown, jobId: string, firstRun = false): Promise<TierJobEnding> {
    if (await deps.cancelled?.(payload, jobId)) return { status: "cancelled" };
    const { config, priceBook, providers } = live();
    const tierNames = config.tiers.map((tier) => tier.name);
    const tier = config.tiers.find((candidate) => candidate.name === tierName);
    if (!tier) throw new Error(`unknown tier "${tierName}" (tiers: ${tierNames.join(", ")})`);
    const baselineModel = config.tiers[config.tiers.length - 1]!.models[0]!;
    const baselineRates = priceBook.ratesFor(baselineModel.provider, baselineModel.model);
    const policy: RetryPolicy = {
      retriesPerModel: config.retriesPerModel,
      maxRetryDelayMs: config.maxRetryDelayMs,
      rateLimitCooldownMs: config.rateLimitCooldownMs,
      baseDelayMs: DEFAULT_BASE_DELAY_MS,
    };

    const parsed = tierJobSchema.safeParse(payload);
    if (!parsed.success) {
      const error = `malformed job payload in tier ${tierName}: ${describeIssues(parsed.error)}`;
      // Records the failure if the request is known; the job itself goes to the failed set with the reason.
      await deps.ledger.write([], failedOutcome(jobId, error));
      return { status: "failed", error };
    }
    const data = parsed.data;
    const requestId = data.requestId;
    const runId = journalRunId(requestId, tierName);
    const log = deps.logger.child({ jobId: requestId, batchId: data.batchId, tier: tierName });
    const durably = <T>(what: string, write: () => Promise<T>) =>
      persist(write, {
        signal: deps.signal,
        onRetry: (error, attempt, delayMs) =>
          log.warn(
            { what, attempt, delayMs, error: String((error as Error)?.message ?? error) },
            "write failed; keeping the result and retrying",
          ),
      });

    /** Makes an ending durable: journal first, then Postgres, then the next queue; then forgets it. */
    const complete = async (records: AttemptRecord[], ending: JournalEnding, lastCall?: AttemptRecord): Promise<TierJobEnding> => {
      await deps.journal.ended(runId, ending, lastCall);
      if (ending.kind === "finish") {
        await durably("request outcome", () => deps.ledger.write(records, ending.outcome));
      } else {
        await durably("attempts", () => deps.ledger.write(records));
        await deps.forward(ending.to, ending.job);
      }
      // Not awaited: the ending is durable. The journal stays a while, so a re-run of this job (BullMQ
      // lost its lock after the work was done) replays the ending instead of calling providers again.
      deps.journal
        .retire(runId, deps.journalRetentionMs ?? DEFAULT_JOURNAL_RETENTION_MS)
        .catch((error: unknown) => log.warn({ error: String(error) }, "could not retire the journal; it expires"));
      if (ending.kind === "escalate") return { status: "escalated", to: ending.to };
      return ending.outcome.status === "succeeded"
        ? { status: "succeeded", model: ending.outcome.finalModel ?? "" }
        : { status: "failed", error: ending.outcome.error ?? "failed" };
    };

    // A previous run of this job (a crashed worker, a Postgres outage) may have left work behind.
    const journal = firstRun && data.deferrals === 0 ? { finished: [], inFlight: [] } : await deps.journal.load(runId);
    if (journal.ending) {
      log.info({ ending: journal.ending.kind }, "resuming a decided ending from the journal");
      return complete(journal.finished, journal.ending);
    }
    const recovered = journal.inFlight.map((call) => abandonedRecord(call, requestId, now()));
    for (const record of recovered) await deps.journal.callFinished(runId, record);
    const records: AttemptRecord[] = [...journal.finished, ...recovered].sort((a, b) => a.attemptNo - b.attemptNo);
    if (records.length > 0) log.warn({ recovered: records.length, abandoned: recovered.length }, "recovered calls of an interrupted run");

    if (data.shadowOf) return runShadow(data, data.shadowOf, tier.models[0]!, live(), log);

    const job = data.job;
    const prompt = buildPrompt(job);
    const promptTokens = estimateTokens(prompt);
    const models = job.model ? tier.models.filter((model) => model.model === job.model) : tier.models;
    const reasons: string[] = [];
    const refusals: GateRefusal[] = [];
    let costPico = BigInt(data.costSoFarPico) + records.reduce((sum, record) => sum + record.cost, 0n);
    const nextAttemptNo = () => Math.max(data.attemptsSoFar, ...records.map((record) => record.attemptNo)) + 1;

    const finishRequest = (
      ending: Pick<RequestOutcome, "status" | "finalTier" | "finalProvider" | "finalModel" | "baselineCost" | "result" | "error">,
      lastCall?: AttemptRecord,
    ) =>
      complete(
        records,
        {
          kind: "finish",
          outcome: {
            ...ending,
            requestId,
            initialTier: data.route.initialTier,
            classifier: data.route.classifier,
            routingReason: data.route.reason,
            complexityScore: data.route.score,
            escalations: data.escalations,
            attemptCount: data.attemptsSoFar + records.length,
            cost: costPico,
            finishedAt: now(),
          },
        },
        lastCall,
      );

    if (models.length === 0) reasons.push(`tier ${tierName} has no model ${job.model}`);
    for (const model of models) {
      if (promptTokens > model.contextWindow) {
        reasons.push(`${model.model}: prompt of ~${promptTokens} tokens exceeds its context window (${model.contextWindow})`);
        continue;
      }
      const provider = providers.get(model.provider);
      if (!provider) {
        reasons.push(`${model.model}: provider ${model.provider} is not configured`);
        continue;
      }
      const rates = priceBook.ratesFor(model.provider, model.model);
      for (let retries = 0; ; retries++) {
        const admission = await deps.gate.admit(model, promptTokens + (job.maxOutputTokens ?? model.maxOutputTokens));
        if (!admission.admitted) {
          refusals.push(admission);
          reasons.push(`${model.model}: ${admission.reason.replace(/_/g, " ")}`);
          break;
        }
        const attemptNo = nextAttemptNo();
        const call = await callModel(provider, model, {
          requestId,
          attemptNo,
          tier: tierName,
          job,
          prompt,
          rates,
          now,
          onStart: (id, startedAt) =>
            deps.journal.callStarted(runId, {
              id,
              attemptNo,
              tier: tierName,
              provider: model.provider,
              model: model.model,
              startedAt: startedAt.toISOString(),
            }),
        });
        records.push(call.record);
        costPico += call.record.cost;
        // An answer is journalled together with the ending it decides (one write); anything else now.
        if (call.result === undefined) await deps.journal.callFinished(runId, call.record);
        const retryAfterMs = call.failure?.kind === "error" ? call.failure.retryAfterMs : undefined;
        await deps.gate.report(model, callHealth(call.record), { ...admission, retryAfterMs });
        observe(deps.metrics, tierName, model, call.record);

        if (call.result !== undefined) {
          log.debug({ model: model.model, attempts: records.length }, "answered");
          const ended = await finishRequest(
            {
              status: "succeeded",
              finalTier: tierName,
              finalProvider: model.provider,
              finalModel: model.model,
              baselineCost: costOf(call.record.usage, baselineRates),
              result: call.result,
            },
            call.record,
          );
          // A sampled share of answers below the top tier are checked by the top tier, off the job's path.
          const shadow = config.routing.shadow;
          if (tierName !== tierNames.at(-1) && shadowSampled(shadowKeyOf(shadow.key, data), shadow.rate)) {
            await deps
              .forward(tierNames.at(-1)!, { ...data, shadowOf: { tier: tierName, model: model.model, answer: call.result } })
              .catch((error: unknown) => log.warn({ error: String(error) }, "could not queue the shadow check"));
          }
          return ended;
        }
        reasons.push(call.failureReason ?? `${model.model}: failed`);
        // Per-call failures are routine at volume (every 429); debug keeps them out of the way, metrics count them.
        log.debug({ model: model.model, outcome: call.record.outcome, errorType: call.record.errorType }, "attempt failed");
        const step = nextStep(call.failure!, retries, policy, random());
        if (step.action === "abandon") {
          await durably("attempts", () => deps.ledger.write(records));
          await deps.journal.clear(runId);
          return { status: "abandoned", error: reasons.join("; ") };
        }
        if (step.action === "cool-down") {
          refusals.push({ admitted: false, reason: "cooling_down", retryInMs: step.waitMs });
          break;
        }
        if (step.action === "next-model") break;
        await sleep(step.delayMs);
      }
    }

    const history = [...data.history, ...reasons].slice(-50);
    const carried = {
      ...data,
      attemptsSoFar: data.attemptsSoFar + records.length,
      costSoFarPico: costPico.toString(),
      history,
    };
    // Models that were only cooling down may answer soon: wait for them rather than pay a higher tier.
    // …but only when nothing here actually failed: a tier whose models answer badly or error out
    // escalates, it does not wait.
    const realFailure = records.some(
      (record) => record.outcome === "invalid" || (record.outcome === "error" && record.errorType !== "rate_limited"),
    );
    if (refusals.length > 0 && !realFailure && data.deferrals < config.maxDeferrals) {
      await durably("attempts", () => deps.ledger.write(records));
      await deps.journal.clear(runId);
      // Capped: a long pause of the whole queue also pauses BullMQ's lock renewal for running jobs.
      const delayMs = Math.min(MAX_DEFERRAL_MS, Math.max(1, Math.min(...refusals.map((refusal) => refusal.retryInMs))));
      log.debug({ delayMs, refusals: refusals.map((refusal) => refusal.reason) }, "every model cooling down: deferring");
      return { status: "deferred", delayMs, job: { ...carried, deferrals: data.deferrals + 1 } };
    }
    const higher = job.model ? undefined : nextTier(tierNames, tierName);
    if (higher) {
      deps.metrics.escalations.inc({ from: tierName, to: higher });
      log.info({ to: higher, reasons }, "escalated");
      return complete(records, { kind: "escalate", to: higher, job: { ...carried, escalations: data.escalations + 1, deferrals: 0 } });
    }
    const lastBilled = [...records].reverse().find((record) => record.usage.inputTokens > 0);
    const error = job.model
      ? `pinned model ${job.model} gave no valid answer: ${history.join("; ")}`
      : `every tier failed (top tier ${tierName}): ${history.join("; ")}`;
    log.warn({ error }, "request failed");
    return finishRequest({
      status: "failed",
      finalTier: tierName,
      baselineCost: lastBilled ? costOf(lastBilled.usage, baselineRates) : 0n,
      error: error.slice(0, 4000),
    });
  };
}

function observe(metrics: Metrics, tier: string, model: ModelConfig, record: AttemptRecord): void {
  metrics.attempts.inc({ tier, provider: model.provider, model: model.model, outcome: record.outcome });
  metrics.costUsd.inc({ tier, model: model.model }, Number(record.cost) / 1e12);
  metrics.latency.observe({ model: model.model, outcome: record.outcome }, record.latencyMs / 1000);
}
