import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../ledger/db/database.js";
import { cancelledBatchKey, cancelQueuedRequests } from "../guards/cancelled-batch.js";
import { requireBatch } from "./find-batch.js";
import { openQueues, shadowJobId, type BatchControlDeps } from "./batch-queues.js";
import type { Queue } from "bullmq";

export interface CancelReport {
  batchId: string;
  cancelledAt: string;
  /** False when the batch had been cancelled before (the call is idempotent). */
  newlyCancelled: boolean;
  /** Waiting or delayed jobs taken out of the queues by this call (shadow checks included). */
  removedJobs: number;
  /** Requests this call ended as cancelled. */
  cancelledRequests: number;
  /** Requests whose job was running: their calls finish and are recorded; a later stage skips them. */
  stillRunning: number;
}

/** Requests swept per round: one Redis pipeline of removals per queue, one UPDATE. */
const PAGE_SIZE = 500;

/**
 * Cancels a batch: marks it (Postgres, then the workers' Redis flag), takes its waiting and delayed
 * jobs out of every queue, and ends their requests as `cancelled`. A job that is running is left to
 * finish and be recorded as usual; if it would go on to another stage, that stage's cancel check
 * skips it. Safe to run again (and needed by nothing: the flag catches what the sweep misses).
 */
/** How long the cancel mark stays in Redis. */
const CANCEL_MARK_TTL_SECONDS = 7 * 24 * 3600;

export async function cancelBatch(db: Db, deps: BatchControlDeps, batchId: string): Promise<CancelReport> {
  await requireBatch(db, batchId);
  const marked = await queryRows<{ cancelled_at: string }>(
    db,
    sql`update batches set cancelled_at = now() where id = ${batchId} and cancelled_at is null returning cancelled_at::text`,
  );
  const { cancelledAt } = await requireBatch(db, batchId);
  // Only jobs already in Redis can slip past the sweep (the backlog's rows end as cancelled below and are
  // never fed), and they run within days: the mark need not outlive them (Redis memory stays bounded).
  await deps.connection.set(cancelledBatchKey(deps.prefix, batchId), cancelledAt!, "EX", CANCEL_MARK_TTL_SECONDS);

  const queues = openQueues(deps);
  const report: CancelReport = {
    batchId,
    cancelledAt: cancelledAt!,
    newlyCancelled: marked.length > 0,
    removedJobs: 0,
    cancelledRequests: 0,
    stillRunning: 0,
  };
  try {
    let lastSeq = 0;
    for (;;) {
      const page = await queryRows<{ id: string; seq: string; status: string }>(
        db,
        sql`select id, seq::text, status from requests where batch_id = ${batchId} and seq > ${lastSeq} order by seq limit ${PAGE_SIZE}`,
      );
      if (page.length === 0) break;
      lastSeq = Number(page.at(-1)!.seq);
      const queued = page.filter((row) => row.status === "queued").map((row) => row.id);
      const swept = await Promise.all(queued.map((id) => sweepJob(queues.all, id)));
      const topTier = queues.tiers.at(-1);
      const shadows = topTier ? await Promise.all(page.map((row) => sweepJob([topTier], shadowJobId(row.id)))) : [];
      report.removedJobs += [...swept, ...shadows].reduce((sum, job) => sum + job.removed, 0);
      const running = queued.filter((_, index) => swept[index]!.running);
      // Taken out, or in no queue at all (then nothing but this would ever end it).
      const toCancel = queued.filter((_, index) => !swept[index]!.running);
      report.stillRunning += running.length;
      if (toCancel.length > 0) {
        const ended = await queryRows<{ id: string }>(
          db,
          sql`${cancelQueuedRequests(
            sql`r.id in (${sql.join(
              toCancel.map((id) => sql`${id}`),
              sql`, `,
            )})`,
          )} returning r.id`,
        );
        report.cancelledRequests += ended.length;
      }
    }
  } finally {
    await queues.close();
  }
  return report;
}

/** States a job waits in; `active` is not among them: a running job is left to finish. */
const REMOVABLE_STATES = new Set(["waiting", "delayed", "prioritized", "waiting-children"]);

/**
 * Takes one job id out of the queues where it waits. BullMQ's remove answers 1 for a job that does
 * not exist, so the state is read first; a remove that answers 0 found the job locked (it started
 * running in between). The job runs (and the request is left to end by itself) only when nothing was
 * taken out: a stage forwards before it completes, so a waiting job in a later queue next to an
 * active one in an earlier queue means the active one has already handed over, and the request's
 * path ended with the removal. A job that completed while its request is still queued has an ending
 * on its way that is not in Postgres yet — an answer handed to the ledger committer (its attempts are
 * paid), or an item a batch lane holds (the lane ends it, cancelled too) — so it counts as running:
 * marking it cancelled here would throw away an answer already bought.
 */
async function sweepJob(queues: Queue[], jobId: string): Promise<{ removed: number; running: boolean }> {
  const states = await Promise.all(queues.map((queue) => queue.getJobState(jobId)));
  let removed = 0;
  let locked = states.includes("active") || states.includes("completed");
  await Promise.all(
    queues.map(async (queue, index) => {
      if (!REMOVABLE_STATES.has(states[index]!)) return;
      if ((await queue.remove(jobId)) === 1) removed++;
      else locked = true;
    }),
  );
  return { removed, running: locked && removed === 0 };
}
