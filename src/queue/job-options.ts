import type { JobsOptions } from "bullmq";

/**
 * BullMQ-level retries are for infrastructure faults only (Postgres write failed, Redis blip):
 * provider faults are retried inside the tier stage, where each call is recorded.
 */
export const STAGE_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1_000 },
  // Completed jobs are in Postgres; keep a little in Redis for `jobId` de-duplication of late re-sends.
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  // Failed jobs stay inspectable (the design keeps them in BullMQ's failed set), but bounded.
  removeOnFail: { age: 7 * 24 * 3600, count: 100_000 },
};
