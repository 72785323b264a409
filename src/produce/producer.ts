import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { RouterConfig } from "../config/router-config-schema.js";
import { queryRows, type Db } from "../ledger/db/database.js";
import type { JobCandidate } from "../jobs/job-candidate.js";
import { arraySource, type JobSource } from "../jobs/job-source.js";
import { ID_PATTERN } from "../jobs/job-schema.js";
import { checkJob, largestContextWindow } from "./check-job.js";
import { jobHash } from "./content-hash.js";
import { SeenIds } from "./seen-ids.js";
import { stampSharedPrefix } from "./shared-prefixes.js";
import { surveySource } from "./survey.js";
import { writeChunk, type CheckedJob, type ChunkOutcome, type RejectedLine } from "./write-chunk.js";
import { RouterError } from "../errors/router-error.js";
import { loadClassifier } from "../intake/loaded-classifier.js";
import { routesAtEnqueue } from "./backlog-entry.js";
import { copyRowsOf } from "../ledger/db/copy-rows.js";

export type { RejectedLine } from "./write-chunk.js";

export interface EnqueueReport {
  batchId: string;
  /** Jobs newly queued. */
  accepted: number;
  /** Ids that were already known (from an earlier enqueue) with the same job: not queued again. */
  duplicates: number;
  /** Lines refused: bad input, or an id already used for a different job (the first MAX_KEPT_REJECTIONS, in line order). */
  rejected: RejectedLine[];
  /** How many lines were refused in all (`rejected` keeps only the first ones, so memory stays flat). */
  rejectedCount: number;
  /** False when nothing was queued, so no (empty) batch was made; `batchId` then names nothing. */
  batchCreated: boolean;
  /** The earlier batches that hold this submission's duplicate ids (at most MAX_NAMED_BATCHES). */
  alreadyQueuedIn: string[];
}

/** Which pass a progress report is about: the survey (whole-file facts) or the writing. */
export type EnqueuePhase = "survey" | "enqueue";

export interface EnqueueOptions {
  batchName: string;
  /** Reuse a batch (e.g. to resume an enqueue that stopped). Default: a new batch. */
  batchId?: string;
  /** Enqueue even if an earlier batch had exactly this content (it runs, and is paid for, again). Default false. */
  allowRepeat?: boolean;
  /** How far into the input each pass is, in the source's unit (bytes of a file; jobs of an array). */
  onProgress?: (done: number, total: number, phase: EnqueuePhase) => void;
  /** Each rejected line, in line order, as soon as its chunk is written (the report keeps only the first ones). */
  onRejected?: (rejection: RejectedLine) => void;
}

export interface Producer {
  /** Candidates in memory, or a source read as a stream (a file: openJobFile). */
  enqueue(candidates: JobCandidate[] | JobSource, options: EnqueueOptions): Promise<EnqueueReport>;
  /** Client API: enqueue plain job objects. */
  enqueueJobs(jobs: readonly unknown[], options: EnqueueOptions): Promise<EnqueueReport>;
  close(): Promise<void>;
}

/**
 * One chunk = one COPY: large enough to amortise the round trip, small enough that a chunk's jobs
 * die young. Measured (100,000 lines, compiled build): 1,000 a chunk peaked at 350-395 MB RSS,
 * 250 at 295-318 MB for the same CPU time — a chunk of 1,000 lives long enough to be promoted to
 * V8's old space, whose garbage is then collected late.
 */
const CHUNK_SIZE = 250;

/** Chunks being written at once while the next is read: enough to overlap Postgres and parsing. */
const WRITES_IN_FLIGHT = 2;

/** How many rejected lines a report carries in full; the rest are counted (and heard through onRejected). */
export const MAX_KEPT_REJECTIONS = 10_000;

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

function checkOptions(options: EnqueueOptions): void {
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
}

export function createProducer(deps: { db: Db; config: RouterConfig }): Producer {
  const contextLimit = largestContextWindow(deps.config);
  const routeNow = routesAtEnqueue(deps.config);
  // Read once, as a worker does at start: a trained model routes every job of this producer.
  const classifier = routeNow ? loadClassifier(deps.config) : undefined;
  const chunkDeps = { db: deps.db, config: deps.config, classifier, routeNow, copyRows: copyRowsOf(deps.db) };

  /**
   * Two passes over the source, each a stream: the survey (content hash, shared-prefix counts), then
   * read → check → chunk → writeChunk. Only the current chunk, the compact table of ids already
   * taken and the first rejections are held, so memory is flat whatever the submission's size.
   */
  async function enqueue(input: JobCandidate[] | JobSource, options: EnqueueOptions): Promise<EnqueueReport> {
    checkOptions(options);
    const source = Array.isArray(input) ? arraySource(input) : input;
    const batchId = options.batchId ?? newBatchId();
    const survey = await surveySource(source, (done) => options.onProgress?.(done, source.size, "survey"));
    if (!options.allowRepeat) await refuseRepeat(deps.db, survey.contentHash, batchId);

    await deps.db.execute(
      sql`insert into batches (id, name, content_hash) values (${batchId}, ${options.batchName}, ${survey.contentHash}) on conflict (id) do nothing`,
    );
    await refuseCancelled(deps.db, batchId);

    const rejected: RejectedLine[] = [];
    let rejectedCount = 0;
    let duplicates = 0;
    let queued = 0;
    const alreadyQueuedIn = new Set<string>();
    // Sized from the survey's line count (an upper bound on the ids): it never grows mid-enqueue.
    const seen = SeenIds.forIds(survey.lines);
    let chunk: CheckedJob[] = [];
    // The chunk's rejections, sorted and passed on when it is written: line order across the file.
    let chunkRejected: RejectedLine[] = [];

    // Chunks are written while the next ones are read and checked (up to WRITES_IN_FLIGHT at once, on
    // separate pool connections): the producer would otherwise sit idle for every round trip to
    // Postgres. Outcomes are taken in chunk order, so rejections still come out in line order.
    const inFlight: Promise<void>[] = [];
    let recorded: Promise<void> = Promise.resolve();
    const record = (outcome: ChunkOutcome, lineRejections: RejectedLine[]): Promise<void> | undefined => {
      duplicates += outcome.duplicates.length;
      for (const batch of outcome.duplicates) alreadyQueuedIn.add(batch);
      const all = [...lineRejections, ...outcome.conflicts].sort((a, b) => a.line - b.line);
      for (const rejection of all) {
        options.onRejected?.(rejection);
        if (rejected.length < MAX_KEPT_REJECTIONS) rejected.push(rejection);
      }
      rejectedCount += all.length;
      queued += outcome.queued;
      if (outcome.queued === 0 && all.length === 0) return undefined;
      // Kept current as it goes, so `batch ID` shows a long enqueue's progress.
      return deps.db
        .execute(
          sql`update batches set job_count = job_count + ${outcome.queued}, rejected_count = rejected_count + ${all.length} where id = ${batchId}`,
        )
        .then(() => undefined);
    };
    const flush = async (): Promise<void> => {
      const [jobs, lineRejections] = [chunk, chunkRejected];
      chunk = [];
      chunkRejected = [];
      while (inFlight.length >= WRITES_IN_FLIGHT) await inFlight.shift();
      const written = writeChunk(chunkDeps, batchId, jobs);
      const done = recorded.then(() => written).then((outcome) => record(outcome, lineRejections));
      // Handled here so a failure while later chunks are read is not an unhandled rejection; it is
      // still thrown where the chunk is awaited.
      written.catch(() => {});
      done.catch(() => {});
      recorded = done;
      inFlight.push(done);
    };

    options.onProgress?.(0, source.size, "enqueue");
    try {
      for await (const candidate of source.read((done) => options.onProgress?.(done, source.size, "enqueue"))) {
        if (candidate.parseError !== undefined) {
          chunkRejected.push({ line: candidate.line, reason: candidate.parseError });
          continue;
        }
        const check = checkJob(candidate.job, deps.config, contextLimit);
        if (!check.ok) {
          chunkRejected.push({ line: candidate.line, reason: check.reason });
          continue;
        }
        const requestId = check.job.id ?? `${batchId}-${candidate.line}`;
        const hash = jobHash(check.job);
        const earlier = seen.claim(requestId, hash, candidate.line);
        // The same id twice in one submission is one job (the first line wins), if it is the same job.
        if (earlier === undefined) {
          // After the job hash: the stamp is ours, not part of the job the user gave.
          chunk.push({ line: candidate.line, requestId, job: stampSharedPrefix(check.job, survey.prefixes), hash });
        } else if (earlier.sameJob) duplicates++;
        else
          chunkRejected.push({ line: candidate.line, reason: `id "${requestId}" is also on line ${earlier.line}, with a different job` });
        if (chunk.length >= CHUNK_SIZE || chunkRejected.length >= CHUNK_SIZE) await flush();
      }
      await flush();
      await recorded;
    } finally {
      // On a failure, no write is left running behind the error.
      await Promise.allSettled(inFlight);
    }

    // Nothing queued in a batch of our making: drop it rather than leave an empty batch behind.
    const dropped =
      queued === 0 &&
      options.batchId === undefined &&
      (await queryRows<{ id: string }>(
        deps.db,
        sql`delete from batches where id = ${batchId} and not exists (select 1 from requests where batch_id = ${batchId}) returning id`,
      ).then((rows) => rows.length > 0));
    return {
      batchId,
      accepted: queued,
      duplicates,
      rejected,
      rejectedCount,
      batchCreated: !dropped,
      alreadyQueuedIn: [...alreadyQueuedIn].slice(0, MAX_NAMED_BATCHES),
    };
  }

  return {
    enqueue,
    enqueueJobs: (jobs, options) => enqueue(arraySource(jobs.map((job, index) => ({ line: index + 1, job }))), options),
    close: async () => {},
  };
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
