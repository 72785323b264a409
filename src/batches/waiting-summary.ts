import type { JobWait } from "../guards/job-waits.js";
import type { ModelAvailability } from "../guards/model-availability.js";

/** Why a model cannot take calls: the gate's own words. */
export type WaitReason = "cooling_down" | "circuit_open" | "half_open" | "rpm_limit" | "tpm_limit";

/** One busy model: how many of the batch's deferred jobs wait on it, and until when it stays so. */
export interface WaitingOnModel {
  model: string;
  reason: WaitReason;
  /** Deferred jobs of this batch that met it busy (0: busy now, in a tier of the config, but no job of the batch waits on it yet). */
  jobs: number;
  /** When it may take calls again (the gate's state when it still says so, else what the jobs were told); absent for half open. */
  until?: string;
}

/** Why a batch's queued jobs are not moving: what `batch ID` and the dashboard show. */
export interface BatchWaiting {
  /** Jobs of the batch deferred right now for busy models (their deferral not long over). */
  deferredJobs: number;
  /** True when the batch had more deferred entries than were read: counts are of a sample. */
  sampled: boolean;
  models: WaitingOnModel[];
  /** Tiers with no usable model, and since when: their queues are paused, every job of them is held. */
  blockedTiers: { tier: string; since: string }[];
  /** The waiting jobs' bound (their maxWait, or the config's maxWaitMs) and the longest wait so far. */
  maxWaitMs?: { min: number; max: number };
  longestWaitedMs?: number;
}

/**
 * A deferred job's entry counts while its deferral is running or just over: past this, it is running
 * again, or moved on and its entry was missed (a worker died), and no longer says why it waits.
 */
export const STALE_WAIT_MS = 15_000;

export interface WaitingFacts {
  waits: readonly JobWait[];
  /** How many entries the batch has in all (waits may be a sample of them). */
  totalWaits: number;
  /** The gate's state of every model of the configured tiers. */
  gate: readonly ModelAvailability[];
  /** Since when each blocked tier has been blocked. */
  blockedTiers: ReadonlyMap<string, number>;
  nowMs: number;
}

/** What to show of the batch's waiting, from the deferred jobs' entries and the gate's state. Pure. */
export function summarizeWaiting(facts: WaitingFacts): BatchWaiting {
  const fresh = facts.waits.filter((wait) => wait.untilMs + STALE_WAIT_MS >= facts.nowMs);
  const gateOf = new Map(facts.gate.map((model) => [model.model, model]));
  const rows = new Map<string, { model: string; reason: WaitReason; jobs: number; untilMs?: number }>();
  const row = (model: string, reason: WaitReason) => {
    const key = `${model}\0${reason}`;
    let found = rows.get(key);
    if (!found) rows.set(key, (found = { model, reason, jobs: 0 }));
    return found;
  };
  for (const wait of fresh) {
    const seen = new Set<string>();
    for (const busy of wait.models) {
      const key = `${busy.model}\0${busy.reason}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = row(busy.model, busy.reason);
      entry.jobs++;
      entry.untilMs = Math.max(entry.untilMs ?? 0, busy.untilMs);
    }
  }
  for (const model of facts.gate) {
    if (model.state === "available") continue;
    const entry = row(model.model, model.state);
    // The gate's own state is fresher than what a job was told at its deferral.
    if (model.untilMs !== undefined) entry.untilMs = model.untilMs;
  }
  const models = [...rows.values()]
    .filter(
      (entry) => entry.reason === "rpm_limit" || entry.reason === "tpm_limit" || stillSays(gateOf.get(entry.model), entry, facts.nowMs),
    )
    .sort((a, b) => b.jobs - a.jobs || a.model.localeCompare(b.model) || a.reason.localeCompare(b.reason))
    .map(({ model, reason, jobs, untilMs }) => ({
      model,
      reason,
      jobs,
      ...(untilMs !== undefined && reason !== "half_open" ? { until: new Date(untilMs).toISOString() } : {}),
    }));
  const bounds = fresh.map((wait) => wait.maxWaitMs);
  return {
    deferredJobs: fresh.length,
    sampled: facts.totalWaits > facts.waits.length,
    models,
    blockedTiers: [...facts.blockedTiers].map(([tier, sinceMs]) => ({ tier, since: new Date(sinceMs).toISOString() })),
    ...(fresh.length > 0
      ? {
          maxWaitMs: { min: Math.min(...bounds), max: Math.max(...bounds) },
          longestWaitedMs: Math.max(...fresh.map((wait) => wait.waitedMs)),
        }
      : {}),
  };
}

/**
 * A model a job met busy is shown while the gate says it is still unavailable (in whatever way); one
 * the gate says recovered is left out (its jobs run at their next look). rpm/tpm limits are not gate
 * keys, and a model outside the config is judged by what its jobs were told.
 */
function stillSays(gate: ModelAvailability | undefined, entry: { untilMs?: number }, nowMs: number): boolean {
  if (gate) return gate.state !== "available";
  return (entry.untilMs ?? 0) > nowMs;
}

/** True when there is anything to say: a deferred job, a blocked tier, or a busy model. */
export function isWaiting(waiting: BatchWaiting): boolean {
  return waiting.deferredJobs > 0 || waiting.blockedTiers.length > 0 || waiting.models.length > 0;
}
