import type { AttemptRecord } from "../ledger/records.js";
import type { GateRefusal } from "../guards/model-gate.js";

/**
 * How a tier run that got no answer ends: the costliest decision of the router. Waiting for a busy
 * model costs time; a higher tier costs money on every job it takes; failing costs the answer.
 * Pure: the tier processor gathers the facts, this decides.
 */

/** Longest back-off of a tier queue when its models are busy; the job comes back and re-checks. */
export const MAX_DEFERRAL_MS = 5_000;
/** Longest failure message stored on a request (`requests.error`). */
export const MAX_ERROR_CHARS = 4_000;

/** A model that gave no answer only because it was busy: the gate refused it, or it answered 429. */
export interface BusyModel {
  /** Which model (for the reason a job gives up waiting). */
  model?: string;
  reason: GateRefusal["reason"];
  /** When it may take a call again. */
  retryInMs: number;
}

export interface TierEndingFacts {
  tier: string;
  /** Every busy model met in this run (a model refused, or cooling down after its 429). */
  busy: readonly BusyModel[];
  /**
   * Every call of this run, recovered ones included. An invalid answer or an error other than a 429
   * is a real failure; an abandoned call (its worker died) is not.
   */
  attempts: readonly Pick<AttemptRecord, "outcome" | "errorType">[];
  /** How often this job has already been deferred in this tier, and the config's limit. */
  deferrals: number;
  maxDeferrals: number;
  /** Time the request has already waited for busy models (every tier), and the most it may (maxWaitMs). */
  waitedMs?: number;
  maxWaitMs?: number;
  /** The next tier up, or undefined at the top. */
  higherTier?: string;
  /** The job is pinned to this model: it never leaves its tier. */
  pinnedModel?: string;
  /** Why each model gave no answer, in this tier and the ones before: the failure names them. */
  history: readonly string[];
}

export type TierEnding =
  /**
   * Back to this tier's queue for `delayMs`: its models may answer soon, cheaper than a higher tier.
   * `scope`: `tier` pauses the whole tier queue (every job would meet the same busy models); `job`
   * delays this job alone — a job pinned to one model must not hold back jobs that may use others.
   */
  | { action: "defer"; delayMs: number; scope: DeferralScope; reason: string }
  | { action: "escalate"; to: string; reason: string }
  /** The request ends as failed; `reason` is what `requests.error` says. */
  | { action: "fail"; reason: string };

export type DeferralScope = "tier" | "job";

export function isRealFailure(attempt: Pick<AttemptRecord, "outcome" | "errorType">): boolean {
  return attempt.outcome === "invalid" || (attempt.outcome === "error" && attempt.errorType !== "rate_limited");
}

export function decideTierEnding(facts: TierEndingFacts): TierEnding {
  const realFailure = facts.attempts.some(isRealFailure);
  const waitLeftMs = (facts.maxWaitMs ?? Number.POSITIVE_INFINITY) - (facts.waitedMs ?? 0);
  // Models that were only busy may answer soon: wait for them rather than pay a higher tier…
  // …but only when nothing here actually failed: a tier whose models answer badly or error out
  // escalates, it does not wait; and never past the request's wait bound (maxWaitMs).
  if (facts.busy.length > 0 && !realFailure && facts.deferrals < facts.maxDeferrals && waitLeftMs > 0) {
    // Capped: a long pause of the whole queue also pauses BullMQ's lock renewal for running jobs.
    const delayMs = Math.max(
      1,
      Math.min(MAX_DEFERRAL_MS, waitLeftMs, Math.max(1, Math.min(...facts.busy.map((model) => model.retryInMs)))),
    );
    const reasons = [...new Set(facts.busy.map((model) => model.reason))].join(", ");
    return {
      action: "defer",
      delayMs,
      scope: facts.pinnedModel === undefined ? "tier" : "job",
      reason: `every usable model of tier ${facts.tier} is busy (${reasons}): deferral ${facts.deferrals + 1} of ${facts.maxDeferrals}`,
    };
  }
  const endedBusy = !realFailure && facts.busy.length > 0;
  const why = realFailure
    ? "a model failed or answered badly"
    : endedBusy && waitLeftMs <= 0
      ? `waited ${Math.round((facts.waitedMs ?? 0) / 1000)} s for busy models, the most allowed (maxWaitMs ${facts.maxWaitMs}): ${describeBusy(facts.busy)}`
      : endedBusy
        ? `its models stayed busy through ${facts.maxDeferrals} deferrals: ${describeBusy(facts.busy)}`
        : "no model could take the job";
  const higher = facts.pinnedModel === undefined ? facts.higherTier : undefined;
  if (higher !== undefined) return { action: "escalate", to: higher, reason: `tier ${facts.tier}: ${why}` };
  // A job that gave up waiting says on which models and how long they stay busy, before its history.
  const waited = endedBusy ? `${why}; ` : "";
  const error =
    facts.pinnedModel !== undefined
      ? `pinned model ${facts.pinnedModel} gave no valid answer: ${waited}${facts.history.join("; ")}`
      : `every tier failed (top tier ${facts.tier}): ${waited}${facts.history.join("; ")}`;
  return { action: "fail", reason: error.slice(0, MAX_ERROR_CHARS) };
}

/** "claude-opus-4-7 circuit open (20 s left), gpt-5.2 cooling down (1 s left)": each busy model once, soonest wait. */
export function describeBusy(busy: readonly BusyModel[]): string {
  const soonest = new Map<string, BusyModel>();
  for (const entry of busy) {
    const key = `${entry.model ?? "a model"} ${entry.reason.replace(/_/g, " ")}`;
    const known = soonest.get(key);
    if (!known || entry.retryInMs < known.retryInMs) soonest.set(key, entry);
  }
  return [...soonest].map(([key, entry]) => `${key} (${Math.ceil(entry.retryInMs / 1000)} s left)`).join(", ");
}
