import { parseMaxWaitMs } from "../jobs/max-wait.js";

/**
 * The most a job may wait for busy models: its own `maxWait` (set per batch by `enqueue --max-wait`,
 * or on the line) over the router config's `maxWaitMs`. A `maxWait` that no longer parses (a job
 * queued by an older release) falls back to the config. Pure.
 */
export function waitBoundMs(job: { maxWait?: string }, configMaxWaitMs: number): number {
  if (job.maxWait === undefined) return configMaxWaitMs;
  return parseMaxWaitMs(job.maxWait) ?? configMaxWaitMs;
}

/**
 * How long a job has waited for busy models, held behind a blocked tier: at least its own deferrals
 * (`waitedMs`, every tier), and at least the time since the later of the tier going dark (`blockedSinceMs`)
 * and the job entering its queue, plus what it had already waited in the tiers before. A job not yet
 * deferred in this tier (`deferralsHere` 0) carries in `waitedMs` only those earlier tiers' waits, so they
 * add to the held time: the bound is over every tier, and a job escalated after waiting `W` must not wait
 * `maxWait` more here. Once deferred here, its `waitedMs` already counts this tier. Pure.
 */
export function heldWaitMs(
  waited: { waitedMs: number; deferralsHere: number },
  nowMs: number,
  blockedSinceMs: number,
  queuedAtMs: number,
): number {
  const heldMs = Math.max(0, Math.round(nowMs - Math.max(blockedSinceMs, queuedAtMs)));
  const before = waited.deferralsHere === 0 ? waited.waitedMs : 0;
  return Math.max(waited.waitedMs, before + heldMs);
}
