import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../ledger/db/database.js";
import { queuedJobSchema, type QueuedJob } from "../jobs/job-schema.js";
import { parseUsd } from "../pricing/money.js";
import { STAGE_JOB_OPTIONS } from "../queue/job-options.js";
import { requireBatch } from "./find-batch.js";
import { openQueues, type BatchControlDeps } from "./batch-queues.js";

export interface RetryReport {
  batchId: string;
  /** Failed requests queued again at intake. */
  retried: number;
  /**
   * Failed requests that could not be retried because their job is no longer in Redis (failed jobs
   * are kept 7 days, at most 100,000 per queue): the prompt lives only there. Enqueue them again.
   */
  missing: string[];
}

export class RetryError extends Error {
  override name = "RetryError";
}

const PAGE_SIZE = 500;

/** The job as it was enqueued, from a failed job of any stage (tier jobs carry it inside). */
export function originalJob(data: unknown): Omit<QueuedJob, "carried"> | undefined {
  const parsed = queuedJobSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const { requestId, batchId, job, enqueuedAt } = parsed.data;
  return { requestId, batchId, job, enqueuedAt };
}

/**
 * Runs a batch's failed requests again from intake, as new jobs under the same request ids. Their
 * old attempts stay; the new job carries how many calls were made and what they cost, so attempt
 * numbers go on after them and the request's cost adds up both runs.
 */
export async function retryFailed(db: Db, deps: BatchControlDeps, batchId: string): Promise<RetryReport> {
  const batch = await requireBatch(db, batchId);
  if (batch.cancelledAt) throw new RetryError(`batch ${batchId} was cancelled at ${batch.cancelledAt}; a cancelled batch stays cancelled`);
  const queues = openQueues(deps);
  const report: RetryReport = { batchId, retried: 0, missing: [] };
  try {
    let lastSeq = 0;
    for (;;) {
      const page = await queryRows<{ id: string; seq: string; attempts: number; cost_usd: string; payload: string | null }>(
        db,
        sql`select r.id, r.seq::text, coalesce(max(a.attempt_no), 0)::int as attempts, coalesce(sum(a.cost_usd), 0)::text as cost_usd, r.payload
            from requests r left join attempts a on a.request_id = r.id
            where r.batch_id = ${batchId} and r.status = 'failed' and r.seq > ${lastSeq}
            group by r.id, r.seq order by r.seq limit ${PAGE_SIZE}`,
      );
      if (page.length === 0) break;
      lastSeq = Number(page.at(-1)!.seq);
      const found = await Promise.all(
        page.map(async (row) => {
          for (const queue of queues.all) {
            const job = await queue.getJob(row.id);
            const original = job ? originalJob(job.data) : undefined;
            if (original) return original;
          }
          // Redis no longer has it (failed jobs are bounded there): the row kept the job as queued.
          return row.payload === null ? undefined : originalJob(JSON.parse(row.payload));
        }),
      );
      const retry = page.flatMap((row, index) => {
        const original = found[index];
        if (!original) report.missing.push(row.id);
        return original ? [{ ...original, carried: { attempts: row.attempts, costPico: parseUsd(row.cost_usd).toString() } }] : [];
      });
      if (retry.length === 0) continue;
      // The old jobs hold the ids (BullMQ ignores an add under an id it still has): take them out first.
      await Promise.all(retry.flatMap((job) => queues.all.map((queue) => queue.remove(job.requestId))));
      const ids = sql.join(
        retry.map((job) => sql`${job.requestId}`),
        sql`, `,
      );
      // Queued before the job exists, so the new run's ending (written only over a queued row) is kept.
      const requeued = new Set(
        (
          await queryRows<{ id: string }>(
            db,
            sql`update requests set status = 'queued', finished_at = null where status = 'failed' and id in (${ids}) returning id`,
          )
        ).map((row) => row.id),
      );
      const jobs = retry.filter((job) => requeued.has(job.requestId));
      try {
        await queues.intake.addBulk(
          jobs.map((data) => ({
            name: data.job.kind,
            data: data satisfies QueuedJob,
            opts: { ...STAGE_JOB_OPTIONS, jobId: data.requestId },
          })),
        );
      } catch (error) {
        // Nothing will run them: put them back as they were (their error text was kept) and say so.
        await db.execute(sql`update requests set status = 'failed', finished_at = now() where status = 'queued' and id in (${ids})`);
        throw new RetryError(`could not queue the retries: ${(error as Error).message}; the requests stay failed`);
      }
      report.retried += jobs.length;
    }
  } finally {
    await queues.close();
  }
  return report;
}
