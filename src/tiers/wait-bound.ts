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
