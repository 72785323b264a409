import { sql } from "drizzle-orm";
import type { RouterConfig } from "../config/router-config-schema.js";
import { queryRows, type Db } from "../ledger/db/database.js";
import type { CopyRows } from "../ledger/db/copy-rows.js";
import { copyRow } from "../ledger/db/copy-text.js";
import type { JobInput, QueuedJob } from "../jobs/job-schema.js";
import type { LoadedClassifier } from "../intake/loaded-classifier.js";
import { backlogEntryOf, type BacklogEntry } from "./backlog-entry.js";

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
  config: RouterConfig;
  /** The classifier that routes at enqueue (undefined when intake routes: llm, hybrid). */
  classifier: LoadedClassifier | undefined;
  routeNow: boolean;
  /** Bulk load by COPY (Postgres); undefined: every chunk goes through the INSERT (PGlite). */
  copyRows?: CopyRows;
}

/**
 * What enqueue does with one chunk of checked jobs: their request rows, each with its backlog entry
 * (the stage it starts in and its payload there), in one INSERT. Nothing goes to Redis here: the
 * feeder (src/feed/) moves a bounded window of the backlog into the queues. The driver (producer.ts)
 * owns reading and checking; this is the one place that decides where a chunk goes.
 */
export async function writeChunk(deps: ChunkWriterDeps, batchId: string, chunk: readonly CheckedJob[]): Promise<ChunkOutcome> {
  const enqueuedAt = new Date().toISOString();
  const entries = chunk.map(({ requestId, job }) =>
    backlogEntryOf({ requestId, batchId, job, enqueuedAt } satisfies QueuedJob, deps.config, deps.classifier, deps.routeNow),
  );
  if (deps.copyRows && chunk.length > 0) {
    const rows = copyRequestRows(batchId, chunk, entries);
    try {
      const copied = await deps.copyRows("requests", REQUEST_COLUMNS, rows);
      return { queued: copied, duplicates: [], conflicts: [] };
    } catch (error) {
      // An id of the chunk is already taken (a resumed enqueue, a duplicate of an earlier batch, another
      // producer racing this one): COPY has no ON CONFLICT and put none of the chunk in, so the chunk
      // goes through the INSERT, which sorts each known id as queued, duplicate or conflict.
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
    }
  }
  const claim = await claimRequestRows(deps.db, batchId, chunk, entries);
  return { queued: claim.toQueue.length, duplicates: claim.duplicates, conflicts: claim.conflicts };
}

const UNIQUE_VIOLATION = "23505";

/** The columns a request row is written with at enqueue, in the order of copyRequestRows' fields. */
const REQUEST_COLUMNS = [
  "id",
  "batch_id",
  "kind",
  "feature",
  "job_hash",
  "metadata",
  "payload",
  "stage",
  "routing_features",
  "prompt",
  "initial_tier",
  "classifier",
  "routing_reason",
  "complexity_score",
] as const;

/** The chunk's request rows in COPY text format: the same values the INSERT below writes, column for column. */
function copyRequestRows(batchId: string, chunk: readonly CheckedJob[], entries: readonly BacklogEntry[]): string {
  let rows = "";
  for (let index = 0; index < chunk.length; index++) {
    const { requestId, job, hash } = chunk[index]!;
    const { payload, stage, routing } = entries[index]!;
    rows += copyRow([
      requestId,
      batchId,
      job.kind,
      job.feature,
      hash,
      job.metadata === undefined ? null : JSON.stringify(job.metadata),
      JSON.stringify(payload),
      stage,
      routing ? JSON.stringify(routing.features) : null,
      routing?.prompt,
      routing?.initialTier,
      routing?.classifier,
      routing?.reason,
      routing?.score,
    ]);
  }
  return rows;
}

/**
 * Inserts the chunk's request rows with their backlog entries and sorts the rest: new ids, and ids of
 * this batch still queued from an earlier run that stopped half-way (their rows are already in the
 * backlog or in Redis), count as queued; a known id with the same job is a duplicate (with the batch that holds it); a known id
 * with a different job is a conflict, refused as a rejected line.
 */
async function claimRequestRows(
  db: Db,
  batchId: string,
  chunk: readonly CheckedJob[],
  entries: readonly BacklogEntry[],
): Promise<{ toQueue: CheckedJob[]; duplicates: string[]; conflicts: RejectedLine[] }> {
  if (chunk.length === 0) return { toQueue: [], duplicates: [], conflicts: [] };
  // One array parameter per column, not one per row and column: the statement is the same text for every chunk, and
  // Postgres parses and plans it once, where a 1,000-row VALUES list costs 14,000 bound parameters.
  const ids = chunk.map(({ requestId }) => requestId);
  const routing = entries.map((entry) => entry.routing);
  const text = (values: (string | null | undefined)[]) => sql.param(values.map((value) => value ?? null));
  const inserted = await queryRows<{ id: string }>(
    db,
    sql`insert into requests (id, batch_id, kind, feature, job_hash, metadata, payload, stage, routing_features, prompt,
          initial_tier, classifier, routing_reason, complexity_score)
        select id, ${batchId}, kind, feature, job_hash, metadata::jsonb, payload, stage, routing_features::jsonb, prompt,
               initial_tier, classifier, routing_reason, complexity_score
        from unnest(${sql.param(ids)}::text[], ${text(chunk.map(({ job }) => job.kind))}::text[],
                    ${text(chunk.map(({ job }) => job.feature))}::text[], ${text(chunk.map(({ hash }) => hash))}::text[],
                    ${text(chunk.map(({ job }) => (job.metadata === undefined ? null : JSON.stringify(job.metadata))))}::text[],
                    ${text(entries.map(({ payload }) => JSON.stringify(payload)))}::text[], ${text(entries.map(({ stage }) => stage))}::text[],
                    ${text(routing.map((route) => (route ? JSON.stringify(route.features) : null)))}::text[],
                    ${text(routing.map((route) => route?.prompt))}::text[], ${text(routing.map((route) => route?.initialTier))}::text[],
                    ${text(routing.map((route) => route?.classifier))}::text[], ${text(routing.map((route) => route?.reason))}::text[],
                    ${sql.param(routing.map((route) => route?.score ?? null))}::real[])
             as row (id, kind, feature, job_hash, metadata, payload, stage, routing_features, prompt, initial_tier, classifier,
                     routing_reason, complexity_score)
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
