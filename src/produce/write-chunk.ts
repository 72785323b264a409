import type { Queue } from "bullmq";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../ledger/db/database.js";
import type { JobInput, QueuedJob } from "../jobs/job-schema.js";
import { STAGE_JOB_OPTIONS } from "../queue/job-options.js";

/** A job that passed every check of the submission, ready to be written. */
export interface CheckedJob {
  /** Its line (JSONL), row (CSV), element (JSON array) or index + 1 (API), for reports. */
  line: number;
  requestId: string;
  /** Stamped with its shared-prefix count. */
  job: JobInput;
  /** jobHash() of the job as the user gave it (before the stamp). */
  hash: string;
}

export interface RejectedLine {
  line: number;
  reason: string;
}

export interface ChunkOutcome {
  queued: number;
  /** For each id already known with the same job: the batch that holds it. */
  duplicates: string[];
  /** Ids already used for a different job, refused. */
  conflicts: RejectedLine[];
}

export interface ChunkWriterDeps {
  db: Db;
  intake: Queue;
}

/**
 * What enqueue does with one chunk of checked jobs: their request rows in one INSERT, then the new
 * ones to the intake queue in one addBulk (jobId = request id, so a re-add is dropped). The driver
 * (producer.ts) owns reading and checking; this is the one place that decides where a chunk goes.
 */
export async function writeChunk(deps: ChunkWriterDeps, batchId: string, chunk: readonly CheckedJob[]): Promise<ChunkOutcome> {
  const claim = await claimRequestRows(deps.db, batchId, chunk);
  const enqueuedAt = new Date().toISOString();
  if (claim.toQueue.length > 0) {
    await deps.intake.addBulk(
      claim.toQueue.map(({ requestId, job }) => ({
        name: job.kind,
        data: { requestId, batchId, job, enqueuedAt } satisfies QueuedJob,
        opts: { ...STAGE_JOB_OPTIONS, jobId: requestId },
      })),
    );
  }
  return { queued: claim.toQueue.length, duplicates: claim.duplicates, conflicts: claim.conflicts };
}

/**
 * Inserts the chunk's request rows and sorts the rest: new ids, and ids of this batch still queued
 * from an earlier run that stopped half-way (BullMQ drops the re-add if the job is there), are
 * queued; a known id with the same job is a duplicate (with the batch that holds it); a known id
 * with a different job is a conflict, refused as a rejected line.
 */
async function claimRequestRows(
  db: Db,
  batchId: string,
  chunk: readonly CheckedJob[],
): Promise<{ toQueue: CheckedJob[]; duplicates: string[]; conflicts: RejectedLine[] }> {
  if (chunk.length === 0) return { toQueue: [], duplicates: [], conflicts: [] };
  // Six array parameters, not six per row: the statement is the same text for every chunk, and
  // Postgres parses and plans it once, where a 1,000-row VALUES list costs 6,000 bound parameters.
  const ids = chunk.map(({ requestId }) => requestId);
  const inserted = await queryRows<{ id: string }>(
    db,
    sql`insert into requests (id, batch_id, kind, feature, job_hash, metadata)
        select id, ${batchId}, kind, feature, job_hash, metadata::jsonb
        from unnest(${sql.param(ids)}::text[], ${sql.param(chunk.map(({ job }) => job.kind))}::text[],
                    ${sql.param(chunk.map(({ job }) => job.feature ?? null))}::text[], ${sql.param(chunk.map(({ hash }) => hash))}::text[],
                    ${sql.param(chunk.map(({ job }) => (job.metadata === undefined ? null : JSON.stringify(job.metadata))))}::text[])
             as row (id, kind, feature, job_hash, metadata)
        on conflict (id) do nothing returning id`,
  );
  const fresh = new Set(inserted.map((row) => row.id));
  const known = ids.filter((id) => !fresh.has(id));
  const existing =
    known.length === 0
      ? []
      : await queryRows<{ id: string; batch_id: string; status: string; job_hash: string | null }>(
          db,
          sql`select id, batch_id, status, job_hash from requests where id = any(${sql.param(known)}::text[])`,
        );
  const byId = new Map(existing.map((row) => [row.id, row]));
  const toQueue: CheckedJob[] = [];
  const duplicates: string[] = [];
  const conflicts: RejectedLine[] = [];
  for (const entry of chunk) {
    const row = byId.get(entry.requestId);
    if (fresh.has(entry.requestId) || row === undefined) {
      if (fresh.has(entry.requestId)) toQueue.push(entry);
    } else if (row.job_hash !== null && row.job_hash !== entry.hash) {
      conflicts.push({
        line: entry.line,
        reason: `id "${entry.requestId}" is already used in batch ${row.batch_id} for a different job: give this job a new id`,
      });
    } else if (row.batch_id === batchId && row.status === "queued") toQueue.push(entry);
    else duplicates.push(row.batch_id);
  }
  return { toQueue, duplicates, conflicts };
}
