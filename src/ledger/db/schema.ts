import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import type { UsageIssue } from "../../pricing/usage.js";

/**
 * The ledger. Money is numeric(20,12): exact to the picodollar, summed exactly by Postgres.
 * Rows stay narrow (no prompts, no response bodies in attempts) because attempts grow fastest.
 *
 * This file describes every table's columns, keys and indexes accurately, but not everything the
 * migrations build: drizzle cannot express `PARTITION BY`, triggers, SQL functions or views. Those
 * live in hand-written migrations (migrations/0001_rollups_and_partitioned_attempts.sql and
 * 0002_report_views.sql) and are described in docs/reports.md.
 */
const usd = (name: string) => numeric(name, { precision: 20, scale: 12 });

export const batches = pgTable(
  "batches",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** Jobs accepted into the batch (a re-enqueued id counts once). */
    jobCount: integer("job_count").notNull().default(0),
    /** Lines rejected at enqueue (bad input), kept for the batch's summary. */
    rejectedCount: integer("rejected_count").notNull().default(0),
    /**
     * sha256 of the submission's jobs (src/produce/content-hash.ts): a file enqueued again is noticed
     * and refused without --allow-repeat, ids or not. Null for batches from before it existed.
     */
    contentHash: text("content_hash"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Set once by `batch ID --cancel` (never cleared): its queued requests end as `cancelled`, new ones too. */
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
  },
  (table) => [index("batches_content_hash_idx").on(table.contentHash)],
);

export const REQUEST_STATUSES = ["queued", "succeeded", "failed", "cancelled"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const requests = pgTable(
  "requests",
  {
    /** The job's id: given by the producer or generated; also its BullMQ job id. */
    id: text("id").primaryKey(),
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id),
    kind: text("kind").notNull(),
    feature: text("feature"),
    /** sha256 of the job as accepted: the same id with a different job is refused, not skipped. Null before it existed. */
    jobHash: text("job_hash"),
    /**
     * queued → succeeded | failed | cancelled, written once at the end; only `batch ID --retry-failed`
     * moves a failed request back to queued (its attempts and cost stay and add up).
     */
    status: text("status").$type<RequestStatus>().notNull().default("queued"),
    initialTier: text("initial_tier"),
    finalTier: text("final_tier"),
    finalProvider: text("final_provider"),
    finalModel: text("final_model"),
    /** Tiers climbed after the first. */
    escalations: integer("escalations").notNull().default(0),
    attemptCount: integer("attempt_count").notNull().default(0),
    /** rule | heuristic */
    classifier: text("classifier"),
    routingReason: text("routing_reason"),
    complexityScore: real("complexity_score"),
    /**
     * What the trained router sees of the job, without its text (src/intake/trained/stored-features.ts):
     * hashed n-gram buckets and values, and the dense signals, under the default featurizer. Written at
     * intake; `train --from-ledger` and `reprice` read it. Null for requests from before it existed.
     */
    routingFeatures: jsonb("routing_features"),
    /** The job's text as the router saw it; only with `routing.storePrompts: true` (default off). */
    prompt: text("prompt"),
    /** Sum of every attempt's cost for this request, failed ones included. */
    costUsd: usd("cost_usd").notNull().default("0"),
    /** What the answering call's tokens would have cost on the top tier's primary model. */
    baselineCostUsd: usd("baseline_cost_usd").notNull().default("0"),
    result: text("result"),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** The job's `metadata` as given at enqueue, handed back by `results`. */
    metadata: jsonb("metadata"),
    /** Enqueue order (identity): `results` streams a batch in it, through requests_batch_seq_idx. */
    seq: bigint("seq", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    /**
     * The queued job exactly as the feeder adds it to Redis (src/feed/), as JSON text: Postgres holds
     * the backlog, Redis only a window of it. Text, not jsonb: a job may carry a NUL in JSON (e.g. an
     * extract schema's key, escaped as \u0000), which jsonb refuses. Null for requests from before it
     * existed (they were added to Redis at enqueue).
     */
    payload: text("payload"),
    /** The stage the feeder adds it to: `intake`, or the tier the producer already routed it to. */
    stage: text("stage"),
    /** When the feeder put the job in Redis; null while it waits in the backlog. `recover` clears it for a job Redis lost. */
    fedAt: timestamp("fed_at", { withTimezone: true }),
  },
  (table) => [
    index("requests_batch_status_idx").on(table.batchId, table.status),
    index("requests_finished_at_idx").on(table.finishedAt),
    index("requests_batch_seq_idx").on(table.batchId, table.seq),
    // The backlog, in the order the feeder reads it (per stage, per batch, enqueue order); small once fed.
    index("requests_backlog_idx")
      .on(table.stage, table.batchId, table.seq)
      .where(sql`fed_at is null and status = 'queued'`),
    // What Redis should hold: the recovery check reads it.
    index("requests_fed_queued_idx")
      .on(table.fedAt, table.id)
      .where(sql`fed_at is not null and status = 'queued'`),
  ],
);

export const ATTEMPT_OUTCOMES = ["ok", "error", "invalid", "abandoned"] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];
export const ATTEMPT_LANES = ["realtime", "batch"] as const;
export type AttemptLane = (typeof ATTEMPT_LANES)[number];

export const PROVIDER_BATCH_STATES = ["submitting", "submitted", "ingesting", "ended", "failed"] as const;
export type ProviderBatchState = (typeof PROVIDER_BATCH_STATES)[number];

/**
 * One submission of the batch lane to a provider batch API (src/batch-lane/). Written in state
 * `submitting` BEFORE the provider is called, so a crash between the provider's answer and our
 * write is found again at restart (reconcile-submission.ts) instead of losing or resending it.
 * submitting → submitted (provider_batch_id known) → ingesting (ended at the provider) → ended;
 * failed: the provider refused it for good and its items went on in real time.
 */
export const providerBatches = pgTable(
  "provider_batches",
  {
    /** Our submission id (uuid), sent as the OpenAI batch's metadata. */
    id: text("id").primaryKey(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    tier: text("tier").notNull(),
    state: text("state").$type<ProviderBatchState>().notNull(),
    /** The provider's batch id; null until the create answered (or reconciliation found it). */
    providerBatchId: text("provider_batch_id"),
    /** Items in the submission. */
    items: integer("items").notNull(),
    /** Items per request batch ({ batch id: count }): `batch ID` shows what waits at the provider, a cancel finds its submissions. */
    batchItems: jsonb("batch_items").$type<Record<string, number>>().notNull().default({}),
    /** The earliest deadline of its items: past it (or past the lane's timeout) we cancel it ourselves. */
    cancelAt: timestamp("cancel_at", { withTimezone: true }).notNull(),
    /** Failed create calls so far (5xx, network): the submitter retries with back-off, then gives up. */
    createFailures: integer("create_failures").notNull().default(0),
    /** Set when we asked the provider to cancel it. */
    cancelRequestedAt: timestamp("cancel_requested_at", { withTimezone: true }),
    /** Result lines ingested (unknown custom_ids not counted). */
    ingested: integer("ingested").notNull().default(0),
    lastError: text("last_error"),
    /**
     * Set on a duplicate: a second provider batch of that submission (a create whose answer was
     * lost, made again), found by reconciliation. It is cancelled at once; what the provider billed
     * for it is written as attempt rows of its own (`error_type = 'duplicate_submission'`), never as
     * a second ending of a request. Its items are the original's (`provider_batch_items`).
     */
    duplicateOf: text("duplicate_of"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (table) => [
    index("provider_batches_open_idx").on(table.provider, table.state),
    // One row per provider batch: reconciliation records a duplicate once however often it runs.
    uniqueIndex("provider_batches_provider_batch_idx").on(table.provider, table.providerBatchId),
  ],
);

/**
 * The items of a submission, one row each, written with its `provider_batches` row (same
 * transaction, before the provider is called): what each custom_id (= attempt id) stands for. The
 * lane's Redis hashes are the working copy; after Redis lost them (a flush, a failover) the poller
 * rebuilds them from here, so an open provider batch's results still join their requests.
 */
export const providerBatchItems = pgTable(
  "provider_batch_items",
  {
    /** The provider's custom_id. */
    attemptId: uuid("attempt_id").primaryKey(),
    submissionId: text("submission_id")
      .notNull()
      .references(() => providerBatches.id, { onDelete: "cascade" }),
    requestId: text("request_id").notNull(),
    /** The lane item (src/tiers/batch-lane-hook.ts LaneItem): tier, model, attempt no, deadline, the tier job. */
    item: jsonb("item").notNull(),
  },
  (table) => [
    index("provider_batch_items_submission_idx").on(table.submissionId),
    index("provider_batch_items_request_idx").on(table.requestId),
  ],
);

/**
 * Partitioned by month on `started_at` (migrations/0001_rollups_and_partitioned_attempts.sql): old months are
 * dropped whole by `llm-router maintain --keep-months N`, never DELETEd. A partitioned table's
 * primary key must contain the partition key, hence (id, started_at); a retried write carries the
 * same id and the same started_at, so it still conflicts and inserts nothing.
 */
export const attempts = pgTable(
  "attempts",
  {
    /** Generated by the worker before the write, so a retried write cannot insert the same call twice. */
    id: uuid("id").notNull(),
    requestId: text("request_id").notNull(),
    /** 1-based order of the call within its request, across tiers. */
    attemptNo: smallint("attempt_no").notNull(),
    tier: text("tier").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    /** ok: a valid answer; invalid: an answer that failed validation; error: no answer; abandoned: its worker died mid-call (the provider may have billed it). */
    outcome: text("outcome").$type<AttemptOutcome>().notNull(),
    errorType: text("error_type"),
    httpStatus: smallint("http_status"),
    /** The provider's request id (Anthropic `request-id`, OpenAI `x-request-id`), for a disputed bill; null when none came back. */
    providerRequestId: text("provider_request_id"),
    /** How the call was made: `realtime` (one HTTP call) or `batch` (an item of a provider batch, billed at the batch rate). */
    lane: text("lane").$type<AttemptLane>().notNull().default("realtime"),
    /** The batch lane's submission (`provider_batches.id`) this item was part of; null in real time. */
    providerBatchId: text("provider_batch_id"),
    /** Batch lane only: what the same tokens cost in real time (cost_usd is at the batch rate); the report's batch saving. */
    realtimeCostUsd: usd("realtime_cost_usd"),
    latencyMs: integer("latency_ms").notNull(),
    /** The whole prompt; cache reads and writes are parts of it, priced at their own rates. */
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    cacheReadTokens: integer("cache_read_tokens").notNull().default(0),
    /** Both cache lifetimes; cache_write_1h_tokens is the part written for an hour. */
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    cacheWrite1hTokens: integer("cache_write_1h_tokens").notNull().default(0),
    costUsd: usd("cost_usd").notNull().default("0"),
    /**
     * True when this row's money is an estimate, not the provider's reported usage priced exactly:
     * usage that was missing or impossible (`usage_issue`, priced from the prompt estimate), or an
     * abandoned call's possibly-billed range. Exact and estimated money are never summed together.
     */
    costEstimated: boolean("cost_estimated").notNull().default(false),
    /** Why the provider's usage was not taken as reported: missing | negative | out_of_range (null: it was). */
    usageIssue: text("usage_issue").$type<UsageIssue>(),
    /**
     * Abandoned calls only (cost_usd stays 0: nothing billed is known): what the provider may have
     * billed. Low: the prompt estimate at the input rate; high: that plus the call's max output tokens.
     */
    possiblyBilledLowUsd: usd("possibly_billed_low_usd"),
    possiblyBilledHighUsd: usd("possibly_billed_high_usd"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }).notNull(),
  },
  (table) => [
    primaryKey({ name: "attempts_pkey", columns: [table.id, table.startedAt] }),
    index("attempts_request_idx").on(table.requestId),
    index("attempts_started_at_idx").on(table.startedAt),
    // Partial: only batch-lane rows (the report's batch saving, `batch ID`'s submissions) — real-time rows add nothing to it.
    index("attempts_provider_batch_idx")
      .on(table.providerBatchId)
      .where(sql`provider_batch_id is not null`),
  ],
);

/*
 * Rollups: kept up to date by statement-level triggers on attempts and requests (one upsert per
 * group per statement, in the writer's own transaction), so reports read thousands of rows, not
 * millions. Never written by the application. Text keys use '' for "none" (a primary key cannot
 * hold NULL). `day` is the UTC date. See docs/reports.md.
 */

const count = (name: string) => bigint(name, { mode: "number" }).notNull().default(0);

/** Measures shared by both attempt rollups. */
const attemptMeasures = () => ({
  calls: count("calls"),
  /**
   * Distinct-request counts that stay additive: each request adds 1 to the row of its first
   * recorded call overall / in a tier / on a provider / on a model / in a tier on a provider / in
   * a tier on a model. Summing one of them over any rows gives the number of distinct requests
   * with a call in that group (a request is counted on the day of its first call in the group).
   */
  requests: count("requests"),
  tierRequests: count("tier_requests"),
  providerRequests: count("provider_requests"),
  modelRequests: count("model_requests"),
  tierProviderRequests: count("tier_provider_requests"),
  tierModelRequests: count("tier_model_requests"),
  /** ok calls on a model other than the first one the request tried in that tier. */
  fallbackAnswers: count("fallback_answers"),
  inputTokens: count("input_tokens"),
  outputTokens: count("output_tokens"),
  cacheReadTokens: count("cache_read_tokens"),
  cacheWriteTokens: count("cache_write_tokens"),
  cacheWrite1hTokens: count("cache_write_1h_tokens"),
  costUsd: usd("cost_usd").notNull().default("0"),
  /** Abandoned calls' possibly-billed range (estimates, kept apart from the exact cost_usd). */
  possiblyBilledLowUsd: usd("possibly_billed_low_usd").notNull().default("0"),
  possiblyBilledHighUsd: usd("possibly_billed_high_usd").notNull().default("0"),
  latencyMsSum: count("latency_ms_sum"),
});

/** Calls by UTC day, tier, provider, model and outcome, with a log-scale latency histogram. */
export const attemptRollupDaily = pgTable(
  "attempt_rollup_daily",
  {
    day: date("day").notNull(),
    tier: text("tier").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    outcome: text("outcome").$type<AttemptOutcome>().notNull(),
    ...attemptMeasures(),
    /** Calls per latency bucket (bounds in latency_hist_bounds(), see docs/reports.md). */
    latencyHist: bigint("latency_hist", { mode: "number" }).array().notNull(),
  },
  (table) => [
    primaryKey({ name: "attempt_rollup_daily_pkey", columns: [table.day, table.tier, table.provider, table.model, table.outcome] }),
  ],
);

/**
 * The same per batch, feature and kind (from the call's request), error_type, and the UTC day its
 * request was created (`request_day`: a --since/--until window selects requests by creation, so
 * every figure of a windowed report counts the same requests). Serves --by batch/feature/kind/
 * error_type, --batch and windows.
 */
export const attemptRollupBatchDaily = pgTable(
  "attempt_rollup_batch_daily",
  {
    batchId: text("batch_id").notNull(),
    day: date("day").notNull(),
    requestDay: date("request_day").notNull(),
    feature: text("feature").notNull(),
    kind: text("kind").notNull(),
    tier: text("tier").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    outcome: text("outcome").$type<AttemptOutcome>().notNull(),
    /** '' for none. */
    errorType: text("error_type").notNull(),
    ...attemptMeasures(),
  },
  (table) => [
    primaryKey({
      name: "attempt_rollup_batch_daily_pkey",
      columns: [
        table.batchId,
        table.day,
        table.requestDay,
        table.feature,
        table.kind,
        table.tier,
        table.provider,
        table.model,
        table.outcome,
        table.errorType,
      ],
    }),
  ],
);

/** Measures shared by both request rollups; they always equal the current state of `requests`. */
const requestMeasures = () => ({
  requests: count("requests"),
  /** Requests with escalations > 0. */
  escalated: count("escalated"),
  escalations: count("escalations"),
  attempts: count("attempts"),
  costUsd: usd("cost_usd").notNull().default("0"),
  baselineCostUsd: usd("baseline_cost_usd").notNull().default("0"),
});

/** Requests by the UTC day they were created, feature, status and route. */
export const requestRollupDaily = pgTable(
  "request_rollup_daily",
  {
    day: date("day").notNull(),
    feature: text("feature").notNull(),
    status: text("status").$type<RequestStatus>().notNull(),
    initialTier: text("initial_tier").notNull(),
    finalTier: text("final_tier").notNull(),
    finalProvider: text("final_provider").notNull(),
    finalModel: text("final_model").notNull(),
    ...requestMeasures(),
  },
  (table) => [
    primaryKey({
      name: "request_rollup_daily_pkey",
      columns: [table.day, table.feature, table.status, table.initialTier, table.finalTier, table.finalProvider, table.finalModel],
    }),
  ],
);

/** The same per batch: serves `batch ID` and reports filtered by --batch. */
export const requestRollupBatchDaily = pgTable(
  "request_rollup_batch_daily",
  {
    batchId: text("batch_id").notNull(),
    day: date("day").notNull(),
    feature: text("feature").notNull(),
    status: text("status").$type<RequestStatus>().notNull(),
    initialTier: text("initial_tier").notNull(),
    finalTier: text("final_tier").notNull(),
    finalProvider: text("final_provider").notNull(),
    finalModel: text("final_model").notNull(),
    ...requestMeasures(),
  },
  (table) => [
    primaryKey({
      name: "request_rollup_batch_daily_pkey",
      columns: [
        table.batchId,
        table.day,
        table.feature,
        table.status,
        table.initialTier,
        table.finalTier,
        table.finalProvider,
        table.finalModel,
      ],
    }),
  ],
);

/**
 * Shadow sampling (routing.shadow): the top tier answers a sampled share of the questions a cheaper
 * tier already answered. A table of its own keeps `requests` and `attempts` about production: a
 * request's cost stays the sum of its attempts, and these rows are the cost of measuring.
 */
export const shadowChecks = pgTable(
  "shadow_checks",
  {
    /** The shadow call's id (a uuid made before the write: a retried insert does nothing). */
    id: uuid("id").primaryKey(),
    requestId: text("request_id").notNull(),
    /** The tier and model whose answer was checked. */
    tier: text("tier").notNull(),
    model: text("model").notNull(),
    /** The top tier's model that answered in the shadow. */
    topModel: text("top_model").notNull(),
    /** ok | invalid | error, as for attempts. */
    outcome: text("outcome").notNull(),
    /** classify and extract: whether the answers agree; null for free text or no shadow answer. */
    agrees: boolean("agrees"),
    topAnswer: text("top_answer"),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    cacheReadTokens: integer("cache_read_tokens").notNull().default(0),
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    costUsd: usd("cost_usd").notNull().default("0"),
    latencyMs: integer("latency_ms").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (table) => [index("shadow_checks_request_idx").on(table.requestId), index("shadow_checks_created_at_idx").on(table.createdAt)],
);

export const schema = {
  batches,
  requests,
  attempts,
  providerBatches,
  providerBatchItems,
  shadowChecks,
  attemptRollupDaily,
  attemptRollupBatchDaily,
  requestRollupDaily,
  requestRollupBatchDaily,
};
