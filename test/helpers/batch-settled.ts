import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../src/ledger/db/database.js";
import { INTAKE_QUEUE, tierQueueName } from "../../src/queue/queue-names.js";
import { batchStatus, type BatchStatus } from "../../src/report/query/batch-status.js";
import { waitFor } from "./wait-for.js";

/** Jobs a queue still has to run: waiting (rate-limited ones included), active, delayed, prioritized. */
export async function pendingJobs(connection: Redis, prefix: string, queueNames: string[]): Promise<Record<string, number>> {
  const pending: Record<string, number> = {};
  for (const name of queueNames) {
    const queue = new Queue(name, { connection, prefix });
    try {
      const counts = await queue.getJobCounts("wait", "active", "delayed", "prioritized", "waiting-children");
      pending[name] = Object.values(counts).reduce((sum, n) => sum + n, 0);
    } finally {
      await queue.close();
    }
  }
  return pending;
}

/** Requests of the batch still in the Postgres backlog (not yet fed to a queue). */
export async function backlogJobs(db: Db, batchId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from requests where batch_id = ${batchId} and status = 'queued' and fed_at is null`,
  );
  return row?.n ?? 0;
}

/**
 * Waits until the batch is done — or until nothing is left to run in any queue, nor in the Postgres
 * backlog the feeder tops the queues up from, while requests are still `queued`, which means they are
 * lost: nothing will ever finish them. Returns either way,
 * so the test can assert on `lost` with a precise message instead of timing out.
 * Every stage forwards a job to the next queue before it completes its own, so "all queues idle" is
 * never a hand-over in progress; it is checked twice in a row all the same.
 */
export async function waitForBatchSettled(
  db: Db,
  connection: Redis,
  prefix: string,
  tiers: string[],
  batchId: string,
  timeoutMs: number,
): Promise<{ status: BatchStatus; pending: Record<string, number> }> {
  const queues = [INTAKE_QUEUE, ...tiers.map(tierQueueName)];
  let idleChecks = 0;
  return waitFor(
    async () => {
      const status = await batchStatus(db, batchId);
      const pending = status.done ? {} : { ...(await pendingJobs(connection, prefix, queues)), backlog: await backlogJobs(db, batchId) };
      idleChecks = !status.done && Object.values(pending).every((n) => n === 0) ? idleChecks + 1 : 0;
      return { status, pending };
    },
    ({ status }) => status.done || idleChecks >= 2,
    { what: `batch ${batchId} to finish or its queues to run dry`, timeoutMs, intervalMs: 250 },
  );
}
