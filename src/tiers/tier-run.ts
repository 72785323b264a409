import type { Logger } from "../observability/logger.js";
import type { AttemptRecord } from "../ledger/records.js";
import type { TierJob } from "../queue/job-payloads.js";
import type { BusyModel } from "./decide-tier-ending.js";
import type { TierSettings } from "./tier-settings.js";
import type { ResolvedTierDeps } from "./tier-stage.js";
import type { CallBudget } from "../guards/call-budget.js";

/** One tier's run of one job: what every part of the run reads, fixed when the job starts. */
export interface TierRun {
  deps: ResolvedTierDeps;
  tierName: string;
  /** The one config snapshot of this job. */
  settings: TierSettings;
  data: TierJob;
  /** The request journal's key for this run (see journalRunId). */
  runId: string;
  log: Logger;
  /** The budgets every call of this run is charged against (batch, feature day / month); none when unset. */
  budget?: CallBudget;
  /**
   * Whether the job's batch was cancelled (true: the request is already ended as cancelled): asked
   * when the job starts, awaited before the run's first step with an effect. On a first run that
   * step is the first model's admission, so the three questions go to Redis in one round trip (tryModel).
   */
  cancelled: Promise<boolean>;
}

/** What the run has done so far; the model loop adds to it. */
export interface TierRunState {
  /** Every call of this run, recovered ones from an interrupted run included, in attempt order. */
  records: AttemptRecord[];
  /** Why each model gave no answer. */
  reasons: string[];
  busy: BusyModel[];
  /** The request's cost so far: earlier tiers and this run. */
  costPico: bigint;
  /** Set when a budget had no room for the next call: the run stops and the job waits. */
  paused?: { budget: string; retryInMs: number };
}

/** Attempt numbers run on across tiers and across an interrupted run of this tier. */
export function nextAttemptNo(run: TierRun, state: TierRunState): number {
  return Math.max(run.data.attemptsSoFar, ...state.records.map((record) => record.attemptNo)) + 1;
}
