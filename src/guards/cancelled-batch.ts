import type { Redis } from "ioredis";
import { sql } from "drizzle-orm";
import type { Db } from "../ledger/db/database.js";

/**
 * A cancelled batch is marked in Redis as well as in Postgres (`batches.cancelled_at`, the record):
 * workers check the flag before every job, one EXISTS, so a job that slipped past the queue sweep
 * of `batch ID --cancel` (taken just before, forwarded by a stage already running, enqueued again
 * by a producer) ends as cancelled instead of calling a provider.
 */
export const cancelledBatchKey = (prefix: string, batchId: string) => `${prefix}:cancelled-batch:${batchId}`;

/** Ends a queued request as cancelled; its cost is what its calls so far cost (exact, from attempts). */
export const cancelQueuedRequests = (where: ReturnType<typeof sql>) => sql`
  update requests r set status = 'cancelled', finished_at = now(),
    cost_usd = coalesce((select sum(a.cost_usd) from attempts a where a.request_id = r.id), 0),
    attempt_count = coalesce((select count(*) from attempts a where a.request_id = r.id), 0)::int
  where r.status = 'queued' and ${where}`;

/** True (and the request ended as cancelled) when the job belongs to a cancelled batch: skip it. */
export type CancelCheck = (payload: unknown, jobId: string) => Promise<boolean>;

export function createCancelCheck(deps: { redis: Redis; prefix: string; db: Db }): CancelCheck {
  return async (payload, jobId) => {
    const batchId = (payload as { batchId?: unknown } | null)?.batchId;
    if (typeof batchId !== "string") return false;
    if ((await deps.redis.exists(cancelledBatchKey(deps.prefix, batchId))) === 0) return false;
    // A shadow job's request has already ended: nothing to write, only the call to skip.
    const requestId = (payload as { requestId?: unknown }).requestId;
    await deps.db.execute(cancelQueuedRequests(sql`r.id = ${typeof requestId === "string" ? requestId : jobId}`));
    return true;
  };
}
