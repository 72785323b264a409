import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { sql } from "drizzle-orm";
import type { RouterConfig } from "../config/router-config-schema.js";
import { queryRows, type Db } from "../ledger/db/database.js";
import type { JobCandidate } from "../jobs/job-candidate.js";
import { ID_PATTERN, type JobInput, type QueuedJob } from "../jobs/job-schema.js";
import { STAGE_JOB_OPTIONS } from "../queue/job-options.js";
import { INTAKE_QUEUE } from "../queue/queue-names.js";
import { checkJob, largestContextWindow } from "./check-job.js";

export interface RejectedLine {
  line: number;
  reason: string;
}

export interface EnqueueReport {
  batchId: string;
  /** Jobs newly queued. */
  accepted: number;
  /** Ids that were already known (from an earlier enqueue): not queued again. */
  duplicates: number;
  rejected: RejectedLine[];
}

export interface EnqueueOptions {
  batchName: string;
  /** Reuse a batch (e.g. to resume an enqueue that stopped). Default: a new batch. */
  batchId?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface Producer {
  enqueue(candidates: JobCandidate[], options: EnqueueOptions): Promise<EnqueueReport>;
  /** Client API: enqueue plain job objects. */
  enqueueJobs(jobs: unknown[], options: EnqueueOptions): Promise<EnqueueReport>;
  close(): Promise<void>;
}

/** One chunk = one INSERT and one addBulk: large enough to amortise round trips, small enough to bound memory. */
const CHUNK_SIZE = 1_000;

export class EnqueueError extends Error {
  override name = "EnqueueError";
}

export function newBatchId(): string {
  return `batch-${randomUUID()}`;
}

export function createProducer(deps: { db: Db; connection: Redis; prefix: string; config: RouterConfig }): Producer {
  const intake = new Queue(INTAKE_QUEUE, { connection: deps.connection, prefix: deps.prefix });
  // Connection errors also reject the call in progress, which is how the caller hears of them;
  // without a listener BullMQ would print each one to stderr while ioredis reconnects.
  intake.on("error", () => {});
  const contextLimit = largestContextWindow(deps.config);

  async function enqueue(candidates: JobCandidate[], options: EnqueueOptions): Promise<EnqueueReport> {
    if (options.batchId !== undefined && !ID_PATTERN.test(options.batchId)) {
      throw new EnqueueError(
        `batch id "${options.batchId.slice(0, 80)}" is not valid: 1-200 letters, digits and . _ : @ / - (starting with a letter or digit)`,
      );
    }
    if (
      options.batchName.length === 0 ||
      options.batchName.length > 200 ||
      !options.batchName.isWellFormed() ||
      options.batchName.includes("\u0000")
    ) {
      throw new EnqueueError("batch name must be 1-200 characters of valid text (no NUL)");
    }
    const batchId = options.batchId ?? newBatchId();
    const rejected: RejectedLine[] = [];
    const accepted: { line: number; requestId: string; job: JobInput }[] = [];
    const seenIds = new Set<string>();
    let duplicates = 0;
    for (const candidate of candidates) {
      if (candidate.parseError !== undefined) {
        rejected.push({ line: candidate.line, reason: candidate.parseError });
        continue;
      }
      const check = checkJob(candidate.job, deps.config, contextLimit);
      if (!check.ok) {
        rejected.push({ line: candidate.line, reason: check.reason });
        continue;
      }
      const requestId = check.job.id ?? `${batchId}-${candidate.line}`;
      // The same id twice in one submission is one job: the first line wins.
      if (seenIds.has(requestId)) duplicates++;
      else accepted.push({ line: candidate.line, requestId, job: check.job });
      seenIds.add(requestId);
    }

    await deps.db.execute(sql`insert into batches (id, name) values (${batchId}, ${options.batchName}) on conflict (id) do nothing`);
    await refuseCancelled(deps.db, batchId);
    let queued = 0;
    options.onProgress?.(0, accepted.length);
    for (let start = 0; start < accepted.length; start += CHUNK_SIZE) {
      const chunk = accepted.slice(start, start + CHUNK_SIZE);
      const toQueue = await claimRequestRows(deps.db, batchId, chunk);
      duplicates += chunk.length - toQueue.length;
      const enqueuedAt = new Date().toISOString();
      await intake.addBulk(
        toQueue.map(({ requestId, job }) => ({
          name: job.kind,
          data: { requestId, batchId, job, enqueuedAt } satisfies QueuedJob,
          opts: { ...STAGE_JOB_OPTIONS, jobId: requestId },
        })),
      );
      queued += toQueue.length;
      options.onProgress?.(Math.min(start + CHUNK_SIZE, accepted.length), accepted.length);
    }
    await deps.db.execute(
      sql`update batches set job_count = job_count + ${queued}, rejected_count = rejected_count + ${rejected.length} where id = ${batchId}`,
    );
    return { batchId, accepted: queued, duplicates, rejected };
  }

  return {
    enqueue,
    enqueueJobs: (jobs, options) =>
      enqueue(
        jobs.map((job, index) => ({ line: index + 1, job })),
        options,
      ),
    close: () => intake.close(),
  };
}

/**
 * A cancelled batch stays cancelled: more jobs for it are refused here, and a job that was already
 * on its way (a producer racing the cancel) is skipped by the workers' cancel check.
 */
async function refuseCancelled(db: Db, batchId: string): Promise<void> {
  const [batch] = await queryRows<{ cancelled_at: string | null }>(db, sql`select cancelled_at::text from batches where id = ${batchId}`);
  if (batch?.cancelled_at) {
    throw new EnqueueError(`batch ${batchId} was cancelled at ${batch.cancelled_at}: enqueue into a new batch instead`);
  }
}

/**
 * Inserts the chunk's request rows and returns the jobs to queue: the new ids, plus ids of this batch
 * still queued from an earlier run that stopped half-way (BullMQ drops the re-add if the job is there).
 * An id that has already finished, or belongs to another batch, is a duplicate and is not queued again.
 */
async function claimRequestRows(
  db: Db,
  batchId: string,
  chunk: { requestId: string; job: JobInput }[],
): Promise<{ requestId: string; job: JobInput }[]> {
  const rows = chunk.map(
    ({ requestId, job }) =>
      sql`(${requestId}, ${batchId}, ${job.kind}, ${job.feature ?? null}, ${job.metadata === undefined ? null : JSON.stringify(job.metadata)}::jsonb)`,
  );
  const inserted = await queryRows<{ id: string }>(
    db,
    sql`insert into requests (id, batch_id, kind, feature, metadata) values ${sql.join(rows, sql`, `)}
        on conflict (id) do nothing returning id`,
  );
  const fresh = new Set(inserted.map((row) => row.id));
  const known = chunk.filter(({ requestId }) => !fresh.has(requestId));
  const leftovers =
    known.length === 0
      ? []
      : await queryRows<{ id: string }>(
          db,
          sql`select id from requests where batch_id = ${batchId} and status = 'queued'
              and id in (${sql.join(
                known.map(({ requestId }) => sql`${requestId}`),
                sql`, `,
              )})`,
        );
  const claim = new Set([...fresh, ...leftovers.map((row) => row.id)]);
  return chunk.filter(({ requestId }) => claim.has(requestId));
}
