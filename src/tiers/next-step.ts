/**
 * What the tier worker does after a call that did not give a usable answer. Pure: the caller
 * supplies the randomness, so the policy is unit-tested without clocks or providers.
 */

export type AttemptFailure =
  { kind: "error"; retryable: boolean; escalate: boolean; retryAfterMs?: number; rateLimited?: boolean } | { kind: "invalid" };

export type NextStep =
  /** Call the same model again after `delayMs`. */
  | { action: "retry"; delayMs: number }
  /** Try the tier's next model (or, when there is none, leave the tier). */
  | { action: "next-model" }
  /**
   * The model said "too many requests": it is now cooling down for every pod. Move on, and count it
   * as busy, not failed — if the whole tier turns out busy, the job waits `waitMs` rather than escalate.
   */
  | { action: "cool-down"; waitMs: number }
  /** Stop working on this job here without recording an ending (shutdown): it will run again. */
  | { action: "abandon" };

export interface RetryPolicy {
  retriesPerModel: number;
  maxRetryDelayMs: number;
  /** Cool-down for a 429 that names no retry-after. */
  rateLimitCooldownMs: number;
  /** First backoff step; doubles per retry. */
  baseDelayMs: number;
}

export const DEFAULT_BASE_DELAY_MS = 250;

/**
 * Exponential backoff with full jitter (AWS's recommendation: it spreads a thundering herd of
 * retries), never sooner than the provider's retry-after, never longer than maxRetryDelayMs.
 */
export function backoffDelayMs(retryIndex: number, policy: RetryPolicy, random: number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxRetryDelayMs, policy.baseDelayMs * 2 ** retryIndex);
  const jittered = Math.floor(random * ceiling);
  return Math.min(policy.maxRetryDelayMs, Math.max(jittered, retryAfterMs ?? 0));
}

export function nextStep(failure: AttemptFailure, retriesUsedOnModel: number, policy: RetryPolicy, random: number): NextStep {
  // A wrong answer is a property of the model, not a passing fault: asking again rarely helps.
  if (failure.kind === "invalid") return { action: "next-model" };
  if (!failure.escalate && !failure.retryable) return { action: "abandon" };
  // No same-model retry after a 429: it would land just as the shared cool-down ends, with everyone else's.
  if (failure.rateLimited) return { action: "cool-down", waitMs: failure.retryAfterMs ?? policy.rateLimitCooldownMs };
  if (failure.retryable && retriesUsedOnModel < policy.retriesPerModel) {
    // A retry-after longer than we are willing to wait says: use another model now.
    if (failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxRetryDelayMs) return { action: "next-model" };
    return { action: "retry", delayMs: backoffDelayMs(retriesUsedOnModel, policy, random, failure.retryAfterMs) };
  }
  return { action: "next-model" };
}

/** The tier after `current`, or undefined at the top. Never a lower tier. */
export function nextTier(tierNames: readonly string[], current: string): string | undefined {
  const index = tierNames.indexOf(current);
  if (index < 0) throw new Error(`unknown tier "${current}"`);
  return tierNames[index + 1];
}
