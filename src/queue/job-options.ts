import type { JobsOptions } from "bullmq";

/**
 * BullMQ-level retries are for infrastructure faults only (Postgres write failed, Redis blip):
 * provider faults are retried inside the tier stage, where each call is recorded.
 */
export const STAGE_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1_000 },
  // Completed jobs are in Postgres. Redis keeps the last 1,000 per queue (for `jobId` de-duplication of
  // a stage's late re-send, e.g. intake re-forwarding after a stall): a bound, not a backlog, so
  // Redis memory does not grow with the batch (docs/redis-memory.md).
  removeOnComplete: { age: 3600, count: 1_000 },
  // Failed jobs stay inspectable in BullMQ's failed set, bounded the same way: the request row keeps
  // the error and the job (requests.payload), which `batch ID --retry-failed` reads when Redis no longer has it.
  removeOnFail: { age: 7 * 24 * 3600, count: 2_000 },
};
