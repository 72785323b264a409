import { Queue, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { RouterConfig } from "../config/router-config-schema.js";
import type { LedgerWriter } from "../ledger/ledger-writer.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { PriceBook } from "../pricing/price-book.js";
import type { ProviderRegistry } from "../providers/provider-registry.js";
import { STAGE_JOB_OPTIONS } from "../queue/job-options.js";
import type { TierJob } from "../queue/job-payloads.js";
import { INTAKE_QUEUE, INTAKE_STAGE, tierQueueName } from "../queue/queue-names.js";
import { createIntakeProcessor } from "./intake-processor.js";
import { createTierProcessor } from "./tier-processor.js";

export interface StageRunnerDeps {
  config: RouterConfig;
  connection: Redis;
  prefix: string;
  ledger: LedgerWriter;
  priceBook: PriceBook;
  providers: ProviderRegistry;
  logger: Logger;
  metrics: Metrics;
  /** Intake jobs in flight per process: classification is cheap, forwarding is one Redis call. Default 64. */
  intakeConcurrency?: number;
}

export interface StageRunner {
  readonly stages: string[];
  /** Waits for running jobs to finish (no new ones are taken), then closes the queues. Idempotent. */
  close(): Promise<void>;
}

export class UnknownStageError extends Error {
  override name = "UnknownStageError";
}

/** Every stage name this config allows: intake and one per tier. */
export function knownStages(config: RouterConfig): string[] {
  return [INTAKE_STAGE, ...config.tiers.map((tier) => tier.name)];
}

export async function startStages(stages: string[], deps: StageRunnerDeps): Promise<StageRunner> {
  const known = knownStages(deps.config);
  const unknown = stages.filter((stage) => !known.includes(stage));
  if (unknown.length > 0) {
    throw new UnknownStageError(`unknown stage ${unknown.join(", ")} (stages: ${known.join(", ")})`);
  }
  const queueOptions = { connection: deps.connection, prefix: deps.prefix };
  const tierQueues = new Map(
    deps.config.tiers.map((tier) => [tier.name, new Queue(tierQueueName(tier.name), queueOptions)] as const),
  );
  // The limit lives in Redis, so it holds for every pod together, not per process.
  for (const tier of deps.config.tiers) {
    if (stages.includes(tier.name)) await tierQueues.get(tier.name)!.setGlobalConcurrency(tier.concurrency);
  }
  const forward = async (tier: string, job: TierJob) => {
    const queue = tierQueues.get(tier);
    if (!queue) throw new Error(`no queue for tier "${tier}"`);
    await queue.add(tier, job, { ...STAGE_JOB_OPTIONS, jobId: job.requestId });
  };

  const workers: Worker[] = [];
  const onFailed = (stage: string) => (job: { id?: string } | undefined, error: Error) => {
    deps.logger.warn({ stage, jobId: job?.id, error: error.message }, "job failed in queue");
  };

  if (stages.includes(INTAKE_STAGE)) {
    const processIntake = createIntakeProcessor({ ...deps, forward });
    const worker = new Worker(
      INTAKE_QUEUE,
      async (job) => {
        const ending = await processIntake(job.data, job.id!);
        return ending;
      },
      { ...queueOptions, concurrency: deps.intakeConcurrency ?? 64 },
    );
    worker.on("failed", onFailed(INTAKE_STAGE));
    worker.on("error", (error) => deps.logger.error({ stage: INTAKE_STAGE, error: error.message }, "worker error"));
    workers.push(worker);
  }
  for (const tier of deps.config.tiers) {
    if (!stages.includes(tier.name)) continue;
    const processTier = createTierProcessor(tier.name, { ...deps, forward });
    const worker = new Worker(
      tierQueueName(tier.name),
      async (job) => {
        const ending = await processTier(job.data, job.id!);
        deps.metrics.jobs.inc({ stage: tier.name, outcome: ending.status });
        // The failure is already in Postgres; the job goes to BullMQ's failed set without retries.
        if (ending.status === "failed") throw new UnrecoverableError(ending.error);
        if (ending.status === "abandoned") throw new Error(ending.error);
        return ending;
      },
      // Local concurrency = the global limit: one process may use the whole budget when it runs alone.
      { ...queueOptions, concurrency: tier.concurrency },
    );
    worker.on("failed", onFailed(tier.name));
    worker.on("error", (error) => deps.logger.error({ stage: tier.name, error: error.message }, "worker error"));
    workers.push(worker);
  }

  let closing: Promise<void> | undefined;
  return {
    stages,
    close: () =>
      (closing ??= (async () => {
        await Promise.all(workers.map((worker) => worker.close()));
        await Promise.all([...tierQueues.values()].map((queue) => queue.close()));
      })()),
  };
}
