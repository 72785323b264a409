import { z } from "zod";

/**
 * The `queue` section of the tiers file: how much of the backlog Redis holds. Postgres holds every
 * queued job (requests.payload); the feeder (src/feed/) keeps at most `window` of them per stage in
 * Redis and tops the window up as jobs finish. Every field is optional.
 *
 * ```yaml
 * queue:
 *   window: 2000            # jobs per stage (intake, each tier) in Redis at a time
 *   feedIntervalMs: 100     # how often the feeder looks for room
 *   recoverAfterMs: 600000  # a fed job Redis lost is fed again once it was fed this long ago
 *   recoverCheckMs: 60000   # how often the feeder runs that check
 * ```
 */
export const queueConfigSchema = z
  .object({
    /**
     * Most jobs of one stage waiting, delayed or running in Redis at once (its own escalations add to
     * it, the feeder then waits). Large enough that the window never drains between two feeder ticks
     * (throughput × feedIntervalMs), small enough to bound Redis memory. Default 2000.
     */
    window: z.number().int().min(1).max(1_000_000).default(2_000),
    /** How often the feeder holding the lock counts each window and tops it up. Default 100. */
    feedIntervalMs: z.number().int().min(10).max(60_000).default(100),
    /**
     * A job Postgres says is queued and in Redis, fed at least this long ago, that no queue holds
     * (Redis lost it) is fed again. Longer than a job's longest run, so one still in flight on a
     * worker when Redis lost its key finishes before it runs again. Default 600000 (10 minutes).
     */
    recoverAfterMs: z.number().int().min(0).default(600_000),
    /** How often the feeder runs that check (and re-asserts the tiers' concurrency limits). Default 60000. */
    recoverCheckMs: z.number().int().min(100).default(60_000),
  })
  .strict();
export type QueueConfig = z.infer<typeof queueConfigSchema>;
export const DEFAULT_QUEUE_CONFIG: QueueConfig = queueConfigSchema.parse({});
