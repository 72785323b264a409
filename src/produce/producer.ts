import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { RouterConfig } from "../config/router-config-schema.js";
import { queryRows, type Db } from "../ledger/db/database.js";
import type { JobCandidate } from "../jobs/job-candidate.js";
import { ID_PATTERN, type JobInput, type QueuedJob } from "../jobs/job-schema.js";
import { checkJob, largestContextWindow } from "./check-job.js";
import { contentHash, jobHash } from "./content-hash.js";
import { stampSharedPrefixes } from "./shared-prefixes.js";
import { RouterError } from "../errors/router-error.js";
import { loadClassifier } from "../intake/loaded-classifier.js";
import { backlogEntryOf, routesAtEnqueue, type BacklogEntry } from "./backlog-entry.js";

export interface RejectedLine {
  line: number;
  reason: string;
}

export interface EnqueueReport {
  batchId: string;
  /** Jobs newly queued. */
  accepted: number;
  /** Ids that were already known (from an earlier enqueue) with the same job: not queued again. */
  duplicates: number;
  /** Lines refused: bad input, or an id already used for a different job. */
  rejected: RejectedLine[];
  /** False when nothing was queued, so no (empty) batch was made; `batchId` then names nothing. */
  batchCreated: boolean;
  /** The earlier batches that hold this submission's duplicate ids (at most MAX_NAMED_BATCHES). */
  alreadyQueuedIn: string[];
}

export interface EnqueueOptions {
  batchName: string;
  /** Reuse a batch (e.g. to resume an enqueue that stopped). Default: a new batch. */
  batchId?: string;
  /** Enqueue even if an earlier batch had exactly this content (it runs, and is paid for, again). Default false. */
  allowRepeat?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface Producer {
  enqueue(candidates: JobCandidate[], options: EnqueueOptions): Promise<EnqueueReport>;
  /** Client API: enqueue plain job objects. */
  enqueueJobs(jobs: unknown[], options: EnqueueOptions): Promise<EnqueueReport>;
  close(): Promise<void>;
}

/**
 * One chunk = one INSERT: large enough to amortise round trips, small enough to bound memory. The
 * producer writes only Postgres; the feeder (src/feed/) moves a window of the backlog into Redis.
 */
const CHUNK_SIZE = 1_000;

/** How many earlier batches a report names. */
const MAX_NAMED_BATCHES = 5;

export class EnqueueError extends RouterError {
  override name = "EnqueueError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("input", message, options);
  }
}

/** The submission's content matches an earlier batch and allowRepeat was not given. */
export class RepeatedContentError extends EnqueueError {
  override name = "RepeatedContentError";
}

export function newBatchId(): string {
  return `batch-${randomUUID()}`;
}

export function createProducer(deps: { db: Db; config: RouterConfig }): Producer {
  const contextLimit = largestContextWindow(deps.config);
  const routeNow = routesAtEnqueue(deps.config);
  // Read once, as a worker does at start: a trained model routes every job of this producer.
  const classifier = routeNow ? loadClassifier(deps.config) : undefined;

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
    const hash = contentHash(candidates);
    if (!options.allowRepeat) await refuseRepeat(deps.db, hash, batchId);
    const rejected: RejectedLine[] = [];
    let accepted: Accepted[] = [];
    const seen = new Map<string, { line: number; hash: string }>();
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
      const job = { line: candidate.line, requestId, job: check.job, hash: jobHash(check.job) };
      const earlier = seen.get(requestId);
      // The same id twice in one submission is one job (the first line wins), if it is the same job.
      if (earlier === undefined) {
        seen.set(requestId, { line: candidate.line, hash: job.hash });
        accepted.push(job);
      } else if (earlier.hash === job.hash) duplicates++;
      else rejected.push({ line: candidate.line, reason: `id "${requestId}" is also on line ${earlier.line}, with a different job` });
    }

    // After the job hashes: the stamp is ours, not part of the job the user gave.
    accepted = stampSharedPrefixes(accepted);

    await deps.db.execute(
      sql`insert into batches (id, name, content_hash) values (${batchId}, ${options.batchName}, ${hash}) on conflict (id) do nothing`,
    );
    await refuseCancelled(deps.db, batchId);
    let queued = 0;
    const alreadyQueuedIn = new Set<string>();
    options.onProgress?.(0, accepted.length);
    for (let start = 0; start < accepted.length; start += CHUNK_SIZE) {
      const chunk = accepted.slice(start, start + CHUNK_SIZE);
      const enqueuedAt = new Date().toISOString();
      const entries = chunk.map(({ requestId, job }) =>
        backlogEntryOf({ requestId, batchId, job, enqueuedAt } satisfies QueuedJob, deps.config, classifier, routeNow),
      );
      const claim = await claimRequestRows(deps.db, batchId, chunk, entries);
      duplicates += claim.duplicates.length;
      for (const batch of claim.duplicates) alreadyQueuedIn.add(batch);
      rejected.push(...claim.conflicts);
      queued += claim.toQueue.length;
      options.onProgress?.(Math.min(start + CHUNK_SIZE, accepted.length), accepted.length);
    }
    rejected.sort((a, b) => a.line - b.line);
    // Nothing queued in a batch of our making: drop it rather than leave an empty batch behind.
    const dropped =
      queued === 0 &&
      options.batchId === undefined &&
      (await queryRows<{ id: string }>(
        deps.db,
        sql`delete from batches where id = ${batchId} and not exists (select 1 from requests where batch_id = ${batchId}) returning id`,
      ).then((rows) => rows.length > 0));
    if (!dropped) {
      await deps.db.execute(
        sql`update batches set job_count = job_count + ${queued}, rejected_count = rejected_count + ${rejected.length} where id = ${batchId}`,
      );
    }
    return {
      batchId,
      accepted: queued,
      duplicates,
      rejected,
      batchCreated: !dropped,
      alreadyQueuedIn: [...alreadyQueuedIn].slice(0, MAX_NAMED_BATCHES),
    };
  }

  return {
    enqueue,
    enqueueJobs: (jobs, options) =>
      enqueue(
        jobs.map((job, index) => ({ line: index + 1, job })),
        options,
      ),
    close: async () => {},
  };
}

interface Accepted {
  line: number;
  requestId: string;
  job: JobInput;
  hash: string;
}

/** Refuses a submission whose content an earlier batch (other than the one being resumed) already had. */
async function refuseRepeat(db: Db, hash: string, batchId: string): Promise<void> {
  const [earlier] = await queryRows<{ id: string; name: string; created_at: string }>(
    db,
    sql`select id, name, created_at::text from batches where content_hash = ${hash} and id <> ${batchId} order by created_at limit 1`,
  );
  if (earlier) {
    throw new RepeatedContentError(
      `this content was already enqueued as batch ${earlier.id} ("${earlier.name}", ${earlier.created_at}); ` +
        "enqueueing it again runs (and pays for) its jobs again: pass --allow-repeat to do that, or `batch " +
        `${earlier.id}\` to see it`,
    );
  }
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
 * Inserts the chunk's request rows, each with its backlog entry (the feeder adds it to Redis later),
 * and sorts the rest: new ids, and ids of this batch still queued from an earlier run that stopped
 * half-way (their rows are already in the backlog or in Redis), count as queued; a known id with the same job is a duplicate (with the batch that holds it); a known id
 * with a different job is a conflict, refused as a rejected line.
 */
async function claimRequestRows(
  db: Db,
  batchId: string,
  chunk: Accepted[],
  entries: BacklogEntry[],
): Promise<{ toQueue: Accepted[]; duplicates: string[]; conflicts: RejectedLine[] }> {
  const rows = chunk.map(({ requestId, job, hash }, index) => {
    const { stage, payload, routing } = entries[index]!;
    return sql`(${requestId}, ${batchId}, ${job.kind}, ${job.feature ?? null}, ${hash}, ${job.metadata === undefined ? null : JSON.stringify(job.metadata)}::jsonb,
      ${JSON.stringify(payload)}, ${stage}, ${routing ? JSON.stringify(routing.features) : null}::jsonb, ${routing?.prompt ?? null},
      ${routing?.initialTier ?? null}, ${routing?.classifier ?? null}, ${routing?.reason ?? null}, ${routing?.score ?? null}::real)`;
  });
  const inserted = await queryRows<{ id: string }>(
    db,
    sql`insert into requests (id, batch_id, kind, feature, job_hash, metadata, payload, stage, routing_features, prompt,
          initial_tier, classifier, routing_reason, complexity_score)
        values ${sql.join(rows, sql`, `)}
        on conflict (id) do nothing returning id`,
  );
  const fresh = new Set(inserted.map((row) => row.id));
  const known = chunk.filter(({ requestId }) => !fresh.has(requestId));
  const existing =
    known.length === 0
      ? []
      : await queryRows<{ id: string; batch_id: string; status: string; job_hash: string | null }>(
          db,
          sql`select id, batch_id, status, job_hash from requests where id in (${sql.join(
            known.map(({ requestId }) => sql`${requestId}`),
            sql`, `,
          )})`,
        );
  const byId = new Map(existing.map((row) => [row.id, row]));
  const toQueue: Accepted[] = [];
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
