import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../ledger/db/database.js";
import { cancelledBatchKey, cancelQueuedRequests } from "../guards/cancelled-batch.js";
import { requireBatch } from "./find-batch.js";
import { LIVE_STATES, openQueues, shadowJobId, type BatchControlDeps } from "./batch-queues.js";

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
export async function cancelBatch(db: Db, deps: BatchControlDeps, batchId: string): Promise<CancelReport> {
  await requireBatch(db, batchId);
  const marked = await queryRows<{ cancelled_at: string }>(
    db,
    sql`update batches set cancelled_at = now() where id = ${batchId} and cancelled_at is null returning cancelled_at::text`,
  );
  const { cancelledAt } = await requireBatch(db, batchId);
  await deps.connection.set(cancelledBatchKey(deps.prefix, batchId), cancelledAt!);

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
      // A removal fails (0) only for a locked, i.e. running, job: that one finishes.
      const removed = await Promise.all(queued.map((id) => Promise.all(queues.all.map((queue) => queue.remove(id)))));
      const topTier = queues.tiers.at(-1);
      const shadows = topTier ? await Promise.all(page.map((row) => topTier.remove(shadowJobId(row.id)))) : [];
      report.removedJobs += removed.flat().reduce((sum, count) => sum + count, 0) + shadows.reduce((sum, count) => sum + count, 0);
      // Not removed anywhere: still running, or its job is in no queue at all (then nothing will end it but us).
      const states = await Promise.all(
        queued.map((id, index) =>
          removed[index]!.some((count) => count > 0) ? Promise.resolve([]) : Promise.all(queues.all.map((queue) => queue.getJobState(id))),
        ),
      );
      const running = queued.filter((_, index) => states[index]!.some((state) => LIVE_STATES.has(state)));
      const toCancel = queued.filter((id) => !running.includes(id));
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
