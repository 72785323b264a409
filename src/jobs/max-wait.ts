import { parseDurationMs } from "./duration.js";

/**
 * A batch's bound on waiting for busy models (`enqueue --max-wait`, or a line's `maxWait`): a duration
 * such as "30s", "2m" or "1h", in the deadline's units, at most a day. "0s" means never wait: a job
 * whose models are all cooling down or circuit-open escalates (or, at the top tier, fails) at once.
 */

/** The longest bound a batch (or the router config's `maxWaitMs`) may set: one day. */
export const MAX_WAIT_LIMIT_MS = 86_400_000;

export const MAX_WAIT_FORMAT = 'a duration like "30s", "2m" or "1h" (at most 24h; "0s" never waits)';

/** Milliseconds, or undefined for text that is not a duration within the limit. Pure. */
export function parseMaxWaitMs(text: string): number | undefined {
  const ms = parseDurationMs(text);
  return ms !== undefined && ms <= MAX_WAIT_LIMIT_MS ? ms : undefined;
}
