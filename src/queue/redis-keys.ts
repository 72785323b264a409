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
