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
 * and the job entering its queue. Earlier tiers' waits are not added to the held time, so an escalated
 * job may wait a little past its bound, never short of it. Pure.
 */
export function heldWaitMs(waitedMs: number, nowMs: number, blockedSinceMs: number, queuedAtMs: number): number {
  return Math.max(waitedMs, Math.round(nowMs - Math.max(blockedSinceMs, queuedAtMs)));
}
