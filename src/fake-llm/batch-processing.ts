import { resolveBatchBehaviour, resolveBehaviour, type Scenario } from "./scenario.js";
import { buildCompletion } from "./completion.js";
import { drawLatencyMs } from "./latency.js";
import { misbehaveCompletion } from "./misbehave.js";
import { decideOutcome, type DrawSource } from "./outcome.js";
import type { PromptCacheSim } from "./prompt-cache.js";
import { promptKey, userText } from "./request.js";
import type { ReplayTable } from "./replay.js";
import { hash53, unitFromHash } from "./rng.js";
import type { StatsTracker } from "./stats.js";
import { MAX_BATCH_LATENCY_MS } from "./batch-scenario.js";
import type { BatchItem, BatchJob, BatchPlan, ItemHooks, ItemResult } from "./batch-job.js";

/** What answering batch items needs from the server: the current scenario and its draws, caches and counters. */
export interface BatchContext {
  scenario: Scenario;
  draws: DrawSource;
  promptCache: PromptCacheSim;
  replay: ReplayTable | undefined;
  stats: StatsTracker;
}

/**
 * Answers one batch item exactly as the real-time endpoints answer a call (outcome.ts, completion.ts,
 * the prompt cache, replay), so `errors` and `invalidRate` mean the same per item; and counts it.
 * Latency, timeouts-as-hangs and usage misbehaviours do not apply: a batch item has no connection.
 */
export function answerBatchItem(context: BatchContext, provider: BatchJob["provider"], item: BatchItem, atMs: number): ItemResult {
  const { stats } = context;
  const request = item.request;
  if (!request) {
    stats.recordBatchItem(item.model, "errored");
    return { type: "error", status: 400, message: `invalid request: ${item.invalidParams ?? "unreadable params"}` };
  }
  const behaviour = resolveBehaviour(context.scenario, request.model);
  const draw = context.draws.next(request.model, promptKey(request));
  const outcome = decideOutcome(behaviour, draw.u);
  if (outcome.type === "error") {
    stats.recordBatchItem(item.model, "errored");
    return { type: "error", status: outcome.kind, message: `fake-llm: simulated ${outcome.kind} error for model ${request.model}` };
  }
  const invalid = outcome.type === "invalid";
  const recorded = context.replay?.answer(request.model, userText(request));
  const cache =
    provider === "anthropic"
      ? context.promptCache.anthropic(request, behaviour.cacheMinTokens)
      : context.promptCache.openai(request, behaviour.cacheMinTokens);
  const completion = misbehaveCompletion(buildCompletion(request, behaviour, draw, invalid, recorded, cache), behaviour.misbehave);
  stats.recordBatchItem(item.model, "billed", invalid, completion);
  return { type: "answered", invalid, completion, drawId: draw.id, answeredAtMs: atMs };
}

export function batchHooks(context: BatchContext, provider: BatchJob["provider"]): ItemHooks {
  return {
    answer: (item, atMs) => answerBatchItem(context, provider, item, atMs),
    unanswered: (item, result) => context.stats.recordBatchItem(item.model, result.type === "expired" ? "expired" : "canceled"),
  };
}

/**
 * The batch's processing time, whether it expires and how many items it leaves unfinished, and its
 * order seed: drawn from (seed, model, n-th batch of that model), so a run replays exactly.
 */
export function planBatch(scenario: Scenario, model: string, itemCount: number, createdAtMs: number, ordinal: number): BatchPlan {
  const behaviour = resolveBatchBehaviour(scenario, model);
  const base = `${scenario.seed}\nbatch\n${model}\n${ordinal}`;
  const expires = unitFromHash(hash53(base, 0xe4)) < behaviour.expireRate;
  const latencyMs = behaviour.neverEnds
    ? Infinity
    : drawLatencyMs(behaviour.latencyMs, unitFromHash(hash53(base, 0x1a7)), MAX_BATCH_LATENCY_MS);
  return {
    createdAtMs,
    latencyMs,
    expiredCount: expires ? Math.min(itemCount, Math.max(1, Math.round(itemCount * behaviour.expireFraction))) : 0,
    cancelMs: behaviour.cancelMs,
    orderSeed: hash53(base, 0x0bd) >>> 0,
  };
}

/**
 * Decides whether the n-th create of `model` fails (scenario key batchCreateErrors): the first N
 * fail, then each with the given chance. Undefined: it goes through.
 */
export function createFailure(scenario: Scenario, model: string, ordinal: number): { status: number; afterCreate: boolean } | undefined {
  const { createErrors } = resolveBatchBehaviour(scenario, model);
  const fails =
    ordinal < createErrors.first || unitFromHash(hash53(`${scenario.seed}\nbatch-create\n${model}\n${ordinal}`)) < createErrors.rate;
  return fails ? { status: createErrors.status, afterCreate: createErrors.afterCreate } : undefined;
}

/** Answers made in one go before the server gets to answer other requests again. */
const ANSWERS_PER_SLICE = 2000;

/**
 * Moves batches along the real clock: each is advanced whenever it is looked at and by a timer at
 * its next event (its end, or the end of its cancel), so it ends even if nobody polls.
 */
export class BatchRunner {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly now: () => number,
    private readonly context: () => BatchContext,
  ) {}

  /** Brings the batch up to now (a slice of answers at a time, the rest soon after) and re-arms its timer. */
  touch(job: BatchJob): void {
    const more = job.advance(this.now(), batchHooks(this.context(), job.provider), ANSWERS_PER_SLICE);
    if (more) this.arm(job, 0);
    else this.watch(job);
  }

  cancel(job: BatchJob): boolean {
    const changed = job.cancel(this.now(), batchHooks(this.context(), job.provider));
    this.watch(job);
    return changed;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Arms the batch's timer for its next event (a new batch: its end, on the next tick when its time is 0). */
  watch(job: BatchJob): void {
    const wake = job.nextWakeMs();
    this.arm(job, wake === undefined ? undefined : Math.max(0, wake - this.now()));
  }

  private arm(job: BatchJob, delayMs: number | undefined): void {
    const previous = this.timers.get(job.id);
    if (previous) clearTimeout(previous);
    this.timers.delete(job.id);
    if (delayMs === undefined || this.closed) return;
    const timer = setTimeout(() => this.touch(job), delayMs);
    // A fake left running must not keep a test process alive because of a batch nobody collects.
    timer.unref();
    this.timers.set(job.id, timer);
  }
}
