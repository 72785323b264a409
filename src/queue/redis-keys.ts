/**
 * Every Redis key this service names is built here, so a key's spelling lives in one place: the
 * Lua scripts receive their keys as KEYS (never concatenate a name), the TypeScript reads and
 * deletes through these builders, and tests inspect state through them too.
 *
 * All keys of one deployment start with its QUEUE_PREFIX and a colon: BullMQ's own queue keys are
 * `<prefix>:<queue name>:…` (see queue-names.ts), ours sit beside them under `<prefix>:model:` and
 * `<prefix>:journal:`. Deleting `prefixPattern(prefix)` therefore removes a deployment entirely.
 * A `{…}` hash tag keeps all keys of one model (or one journal) in one Redis Cluster slot, which a
 * multi-key script needs.
 */

/** SCAN pattern matching every key of one prefix: queues, gates and journals. */
export const prefixPattern = (prefix: string) => `${prefix}:*`;

/** SCAN pattern matching every request journal of one prefix. */
export const journalPattern = (prefix: string) => `${prefix}:journal:*`;

/** The request journal of one tier run (a hash; see guards/request-journal.ts). */
export const journalKey = (prefix: string, runId: string) => `${prefix}:journal:{${runId}}`;

/** The keys of one model's gate (see guards/model-gate.ts for what each one means). */
export interface ModelKeys {
  /** Exists while the model cools down after a 429 (PX = retry-after). */
  cooldown: string;
  /** Exists from a 429 until a call gets an answer: when `cooldown` ends, one call goes first. */
  cooled: string;
  /** The one call let through first after a cool-down (PX = probe timeout). */
  coolingProbe: string;
  /** Exists while the circuit is open (PX = openMs). */
  open: string;
  /** Exists from the trip until a probe succeeds (outlives `open`; its absence = closed). */
  tripped: string;
  /** The one half-open probe in flight (PX = probe timeout). */
  probe: string;
  /** Calls in time bucket `n` of the sliding window. */
  callsBucket(n: number): string;
  /** Failures in time bucket `n` of the sliding window. */
  failuresBucket(n: number): string;
  /** Key prefix handed to rate-limiter-flexible, which stores `<this>:calls`. */
  rpmLimiter: string;
  /** As rpmLimiter, for the token budget. */
  tpmLimiter: string;
}

export function modelKeys(prefix: string, model: { provider: string; model: string }): ModelKeys {
  const base = `${prefix}:model:{${model.provider}:${model.model}}`;
  return {
    cooldown: `${base}:cooldown`,
    cooled: `${base}:cooled`,
    coolingProbe: `${base}:cprobe`,
    open: `${base}:open`,
    tripped: `${base}:tripped`,
    probe: `${base}:probe`,
    callsBucket: (n) => `${base}:t:${n}`,
    failuresBucket: (n) => `${base}:f:${n}`,
    rpmLimiter: `${base}:rpm`,
    tpmLimiter: `${base}:tpm`,
  };
}

/** The feeder's lock (src/feed/feed-lock.ts): one feeder at a time across pods; a string, the holder's id, PX = its TTL. */
export const feedLockKey = (prefix: string) => `${prefix}:feed:lock`;

/**
 * Set (PX = the tier's longest job run) when Redis lost a tier's concurrency limit while jobs may have
 * been running: no feeder feeds the tier while it exists (src/feed/reestablish-limits.ts).
 */
export const feedHoldKey = (prefix: string, tier: string) => `${prefix}:feed:hold:${tier}`;

/**
 * BullMQ's hash of one job, whatever its state (waiting, active, delayed, failed, completed until
 * removed): `<prefix>:<queue>:<job id>`. Its absence in every queue means Redis no longer has the job.
 */
export const bullJobKey = (prefix: string, queueName: string, jobId: string) => `${prefix}:${queueName}:${jobId}`;

/**
 * The ledger hand-off: a stream of endings whose Postgres rows are still to be written (see
 * guards/ledger-committer.ts), read by the `committers` consumer group of every tier worker.
 */
export const ledgerHandoffKey = (prefix: string) => `${prefix}:ledger:handoff`;
export const LEDGER_COMMITTERS_GROUP = "committers";

/**
 * The batch lane of one tier and model (src/batch-lane/). One hash tag per tier (`{tier}`): every
 * lane of a tier — its waiting set, its claims, its submissions' items — sits in one Redis Cluster
 * slot, so a claim moves items in one script, and so does the hand-off of a failed item to the
 * tier's next model's lane (LANE_ITEM_DONE, which touches two lanes: always of the same tier — an
 * escalation to another tier goes through that tier's queue, never a script).
 */
export interface LaneKeys {
  /** Hash: request id → the waiting item (JSON: the tier job and its attempt id). */
  waiting: string;
  /** Sorted set: request id by arrival (ms): the oldest decides when maxWaitMs is up. */
  order: string;
  /** Hash: request id → attempt id, from hold until its result is ingested: a re-run of the BullMQ job cannot hold it twice. */
  held: string;
  /** Sorted set: submission id by claim time (ms), until its provider_batches row exists (a crash in between gives the items back). */
  claimed: string;
  /** String with PX: the one submitter of this lane across every pod. */
  submitterLock: string;
  /** Hash of one submission: attempt id → the item (JSON), or "done" once its result went on. */
  submission(submissionId: string): string;
  /** String with PX: held while this submission is being created at the provider (reconciliation waits for it). */
  submissionLock(submissionId: string): string;
}

export function laneKeys(prefix: string, lane: { tier: string; provider: string; model: string }): LaneKeys {
  const base = `${prefix}:lane:{${lane.tier}}:${lane.provider}:${lane.model}`;
  return {
    waiting: `${base}:waiting`,
    order: `${base}:order`,
    held: `${base}:held`,
    claimed: `${base}:claimed`,
    submitterLock: `${base}:submitter`,
    submission: (id) => `${base}:sub:${id}`,
    submissionLock: (id) => `${base}:sub:${id}:lock`,
  };
}

/** String with PX: the one batch poller of a provider across every pod. */
export const lanePollerLockKey = (prefix: string, provider: string) => `${prefix}:lane-poller:{${provider}}`;

/**
 * A string (ms since epoch, PX a few deferrals long): since when every usable model of a tier has been
 * busy (guards/tier-block.ts). Jobs held behind the tier's paused queue count their wait from it.
 */
export const tierBlockedKey = (prefix: string, tier: string) => `${prefix}:tier-blocked:${tier}`;

/**
 * A hash, request id → why that job of the batch waits (its busy models and until when), written at
 * each deferral and deleted when the job moves on (guards/job-waits.ts); PX refreshed on each write.
 */
export const batchWaitsKey = (prefix: string, batchId: string) => `${prefix}:batch-waits:{${batchId}}`;

/**
 * A tier's provider slots (guards/provider-slots.ts), in the tier's hash tag: `held`, a sorted set of
 * the slots held now (member → when its lease ends, ms; expires with its last lease); `limit`, how
 * many may be held (a string, the tier's concurrency, set by every worker at start and re-set when
 * Redis lost it); `fence`, while it exists no slot is taken (PX: the calls in flight before Redis lost
 * the set may still run; src/feed/reestablish-limits.ts).
 */
export interface ProviderSlotKeys {
  held: string;
  limit: string;
  fence: string;
}

export function providerSlotKeys(prefix: string, tier: string): ProviderSlotKeys {
  const base = `${prefix}:slots:{${tier}}`;
  return { held: base, limit: `${base}:limit`, fence: `${base}:fence` };
}

/** The channel a freed provider slot is announced on (the message: the tier's name), to wake waiting calls in every pod. */
export const providerSlotsChannel = (prefix: string) => `${prefix}:slots:freed`;
