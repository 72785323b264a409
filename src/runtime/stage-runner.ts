import { DelayedError, Queue, RateLimitError, UnrecoverableError, WaitingError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { RouterConfig } from "../config/router-config-schema.js";
import type { LedgerWriter } from "../ledger/ledger-writer.js";
import { LedgerWriteError } from "../ledger/persist.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { STAGE_JOB_OPTIONS } from "../queue/job-options.js";
import type { TierJobInput } from "../queue/job-payloads.js";
import { INTAKE_QUEUE, INTAKE_STAGE, tierQueueName } from "../queue/queue-names.js";
import type { ModelGate } from "../guards/model-gate.js";
import type { RequestJournal } from "../guards/request-journal.js";
import type { BudgetGuard } from "../guards/budget-guard.js";
import type { CancelCheck } from "../guards/cancelled-batch.js";
import type { LedgerHandoff } from "../guards/ledger-committer.js";
import { createTierBlock } from "../guards/tier-block.js";
import { createJobWaits } from "../guards/job-waits.js";
import type { ProviderSlots } from "../guards/provider-slots.js";
import { tierActiveLimit } from "../queue/tier-active-limit.js";
import { applyTierLimits } from "../feed/reassert-limits.js";
import { noteWait } from "./note-wait.js";
import type { TierJob } from "../queue/job-payloads.js";
import type { ShadowStore } from "../tiers/shadow/shadow-store.js";
import type { BatchLaneHook } from "../tiers/batch-lane-hook.js";
import { createIntakeProcessor } from "../intake/intake-processor.js";
import type { IntakeLiveConfig } from "../intake/loaded-classifier.js";
import { createTierProcessor } from "../tiers/tier-processor.js";
import { describeDbError } from "../ledger/db/describe-db-error.js";
import { RouterError } from "../errors/router-error.js";

export interface StageRunnerDeps {
  /** The config in force (see LiveConfigHolder); read once per job. */
  live: () => IntakeLiveConfig;
  connection: Redis;
  prefix: string;
  ledger: LedgerWriter;
  journal: RequestJournal;
  gate: ModelGate;
  /**
   * The tiers' provider slots (guards/provider-slots.ts), on the auto-pipelined connection with the
   * journal and the gate: a slot's renewal and release ride in the same write as the other jobs'
   * commands of the tick instead of a socket write each. Closed by the runner.
   */
  slots: ProviderSlots;
  /** Hard budgets (batch, feature per UTC day / month). Default: none. */
  budgets?: BudgetGuard;
  shadowStore?: ShadowStore;
  /** Answered tier jobs hand their rows to the ledger committer and free their slot (tier-stage.ts). Default: none. */
  handoff?: LedgerHandoff;
  /** Skips jobs of cancelled batches in every stage. Default: no check. */
  cancelled?: CancelCheck;
  logger: Logger;
  metrics: Metrics;
  /** A dead worker's jobs go to another worker after about this long. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** The batch lane the tier stages hand jobs with a deadline to. Default: none (all real time). */
  batchLane?: BatchLaneHook;
  /** Intake jobs in flight per process: classification is cheap, forwarding is one Redis call. Default 64. */
  intakeConcurrency?: number;
}

export interface StageRunner {
  readonly stages: string[];
  /** The queues this runner uses, by name (for metrics). */
  readonly queues: ReadonlyMap<string, Queue>;
  /** Adds a job to a tier's queue, idempotently (the batch lane hands its items on through it). */
  forward(tier: string, job: TierJobInput): Promise<void>;
  /** Applies a reloaded config's concurrency limits (the rest is read per job). */
  applyLimits(config: RouterConfig): Promise<void>;
  /** Stops taking jobs, waits for running ones, then closes the queues. Idempotent. */
  close(): Promise<void>;
}

export class UnknownStageError extends RouterError {
  override name = "UnknownStageError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("usage", message, options);
  }
}

/** Every stage name this config allows: intake and one per tier. */
export function knownStages(config: RouterConfig): string[] {
  return [INTAKE_STAGE, ...config.tiers.map((tier) => tier.name)];
}

/**
 * A job whose worker died is picked up again this many times. The request journal makes a re-run
 * safe (no call repeated, none lost), so this only guards against a job that crashes every worker.
 */
const MAX_STALLED_COUNT = 5;

export async function startStages(stages: string[], deps: StageRunnerDeps): Promise<StageRunner> {
  const config = deps.live().config;
  const known = knownStages(config);
  const unknown = stages.filter((stage) => !known.includes(stage));
  if (unknown.length > 0) {
    throw new UnknownStageError(`unknown stage ${unknown.join(", ")} (stages: ${known.join(", ")})`);
  }
  const queueOptions = { connection: deps.connection, prefix: deps.prefix };
  const workerOptions = {
    ...queueOptions,
    lockDuration: deps.lockDurationMs,
    stalledInterval: deps.stalledIntervalMs,
    maxStalledCount: MAX_STALLED_COUNT,
  };
  const tierQueues = new Map(config.tiers.map((tier) => [tier.name, new Queue(tierQueueName(tier.name), queueOptions)] as const));
  const tierWorkers = new Map<string, Worker>();
  const onQueueError = (error: Error) => deps.logger.warn({ error: error.message }, "queue connection error (reconnecting)");
  for (const queue of tierQueues.values()) queue.on("error", onQueueError);
  // The limits live in Redis, so they hold for every pod together, not per process.
  const applyLimits = async (next: RouterConfig) => {
    for (const tier of next.tiers) {
      if (!stages.includes(tier.name)) continue;
      await applyTierLimits(deps.connection, deps.prefix, tierQueues.get(tier.name)!, tier);
      const worker = tierWorkers.get(tier.name);
      if (worker) worker.concurrency = tierActiveLimit(tier.concurrency);
    }
  };
  await applyLimits(config);
  const forward = async (tier: string, job: TierJobInput) => {
    const queue = tierQueues.get(tier);
    if (!queue) throw new Error(`no queue for tier "${tier}"`);
    // A shadow check rides in the top tier's queue (its concurrency limit applies) under its own id.
    // A job the batch lane sends back to its own tier in real time gets its own id: the tier's first
    // job of that request completed into the lane and still holds the plain id.
    const jobId = job.shadowOf ? `${job.requestId}~shadow` : job.realtimeOnly ? `${job.requestId}~realtime` : job.requestId;
    await queue.add(tier, job, { ...STAGE_JOB_OPTIONS, jobId });
  };
  // Aborted when shutdown begins: in-flight jobs stop waiting on an unreachable Postgres.
  const shutdown = new AbortController();

  const workers: Worker[] = [];
  const queues = new Map<string, Queue>([...tierQueues].map(([tier, queue]) => [tierQueueName(tier), queue]));
  const watch = (stage: string, worker: Worker) => {
    worker.on("failed", (job: Job | undefined, error: Error) => {
      if (error instanceof RateLimitError || error.name === "RateLimitError") return;
      deps.logger.warn({ stage, jobId: job?.id, error: describeDbError(error) ?? error.message }, "job failed in queue");
    });
    worker.on("error", (error) => deps.logger.error({ stage, error: error.message }, "worker error"));
    workers.push(worker);
  };

  if (stages.includes(INTAKE_STAGE)) {
    queues.set(INTAKE_QUEUE, new Queue(INTAKE_QUEUE, queueOptions).on("error", onQueueError));
    const processIntake = createIntakeProcessor({ ...deps, forward });
    watch(
      INTAKE_STAGE,
      new Worker(
        INTAKE_QUEUE,
        async (job) => {
          const ending = await processIntake(job.data, job.id!);
          // Unreadable or unroutable: recorded where possible; the job goes to the failed set with the reason.
          if (ending.status === "failed") throw new UnrecoverableError(ending.error);
          return ending;
        },
        {
          ...workerOptions,
          concurrency: deps.intakeConcurrency ?? 64,
        },
      ),
    );
  }
  const tierBlock = createTierBlock({ redis: deps.connection, prefix: deps.prefix });
  const { slots } = deps;
  const jobWaits = createJobWaits({ redis: deps.connection, prefix: deps.prefix });
  for (const tier of config.tiers) {
    if (!stages.includes(tier.name)) continue;
    const queue = tierQueues.get(tier.name)!;
    const processTier = createTierProcessor(tier.name, {
      ...deps,
      tierBlock,
      slots,
      forward,
      signal: shutdown.signal,
      // A job that lost its lock is picked up again after about lockDuration + stalledInterval.
      journalRetentionMs: 2 * (deps.lockDurationMs + deps.stalledIntervalMs),
    });
    const worker: Worker = new Worker(
      tierQueueName(tier.name),
      async (job, token) => {
        const firstRun = job.attemptsMade === 0 && (job.stalledCounter ?? 0) === 0;
        const ending = await processTier(job.data, job.id!, firstRun, job.timestamp).catch((error: unknown) => {
          // Postgres refuses the rows for good: fail now with the reason instead of holding the slot.
          // The journal keeps the ending, so retrying the job once it is fixed writes it, no new call.
          if (!(error instanceof LedgerWriteError)) throw error;
          deps.metrics.jobs.inc({ stage: tier.name, outcome: "failed" });
          throw new UnrecoverableError(error.message);
        });
        deps.metrics.jobs.inc({ stage: tier.name, outcome: ending.status });
        await noteWait(jobWaits, tier.name, job.data as Partial<TierJob>, ending).catch((error: unknown) =>
          deps.logger.warn({ stage: tier.name, jobId: job.id, error: String(error) }, "could not note why the job waits"),
        );
        switch (ending.status) {
          case "failed":
            // Already in Postgres; the job goes to BullMQ's failed set without retries.
            throw new UnrecoverableError(ending.error);
          case "abandoned":
            throw new Error(ending.error);
          case "stopped":
            // Nothing happened: waiting again, no attempt burnt; the next worker runs it as new.
            if (ending.delayMs > 0) return delayAlone(job, token, ending.delayMs);
            await job.moveToWait(token);
            throw new WaitingError();
          case "deferred":
            await job.updateData(ending.job);
            // Neither wait burns an attempt. A pinned job waits alone: pausing the queue for its one
            // cooling model starved every other job of the tier (3 jobs/s of 40).
            if (ending.scope === "job") return delayAlone(job, token, ending.delayMs);
            await queue.rateLimit(ending.delayMs);
            throw new RateLimitError();
          case "paused":
            // A budget is spent: this job alone waits, the queue goes on.
            await job.updateData(ending.job);
            return delayAlone(job, token, ending.delayMs);
          default:
            return ending;
        }
      },
      // Local concurrency = the global one: one process may use the whole budget when it runs alone.
      { ...workerOptions, concurrency: tierActiveLimit(tier.concurrency) },
    );
    tierWorkers.set(tier.name, worker);
    watch(tier.name, worker);
  }

  let closing: Promise<void> | undefined;
  return {
    stages,
    queues,
    forward,
    applyLimits,
    close: () =>
      (closing ??= (async () => {
        const draining = Promise.all(workers.map((worker) => worker.close()));
        shutdown.abort();
        await draining;
        await slots.close();
        await Promise.all([...queues.values()].map((queue) => queue.close()));
      })()),
  };
}

/** Back to the delayed set for `delayMs` without counting an attempt (BullMQ's manual delay). */
async function delayAlone(job: Job, token: string | undefined, delayMs: number): Promise<never> {
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}
