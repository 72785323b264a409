import type { LiveConfig } from "../providers/live-config.js";
import type { LedgerWriter } from "../ledger/ledger-writer.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { TierJob, TierJobInput } from "../queue/job-payloads.js";
import type { ModelGate } from "../guards/model-gate.js";
import type { RequestJournal } from "../guards/request-journal.js";
import type { BudgetGuard } from "../guards/budget-guard.js";
import type { CancelCheck } from "../guards/cancelled-batch.js";
import type { LedgerHandoff } from "../guards/ledger-committer.js";
import type { ShadowStore } from "./shadow/shadow-store.js";
import type { ScoreWindow } from "./shadow/score-window.js";
import type { DeferralScope } from "./decide-tier-ending.js";
import type { BatchLaneHook } from "./batch-lane-hook.js";
import type { TierBlock } from "../guards/tier-block.js";
import type { ProviderSlots } from "../guards/provider-slots.js";
import type { BusyModel } from "./decide-tier-ending.js";

/** What a tier stage is built from: every piece of I/O is passed in (the unit tests pass in-memory ones). */
export interface TierStageDeps {
  /** The config in force; read once per job, so a reload takes effect on the next job. */
  live: () => LiveConfig;
  ledger: LedgerWriter;
  journal: RequestJournal;
  gate: ModelGate;
  /**
   * Where an answered job's ending goes instead of being committed on the job's path, so its provider
   * slot is free once the journal holds the ending (see guards/ledger-committer.ts). Default: none,
   * every ending is committed before the job completes.
   */
  handoff?: LedgerHandoff;
  /** Hands a job to a higher tier's queue (same job id, or a `~shadow` one for a shadow job; idempotent). */
  forward: (tier: string, job: TierJobInput) => Promise<void>;
  /** The batch lane: jobs with a deadline are handed to it (lane-choice.ts). Default: none (everything real time). */
  batchLane?: BatchLaneHook;
  /**
   * Since when each tier has had no usable model, shared by the pods: a job held behind a blocked tier
   * counts its wait from it (guards/tier-block.ts). Default: none (a job counts only its own deferrals).
   */
  tierBlock?: TierBlock;
  /**
   * The tier's provider slots, shared by the pods: each call holds one from its admission until the
   * gate has heard how it went (guards/provider-slots.ts). Default: none, the tier's BullMQ limit alone binds.
   */
  slots?: ProviderSlots;
  /** Hard budgets: every call reserves its worst case first (see callModel). Default: none. */
  budgets?: BudgetGuard;
  /** Where shadow checks are recorded. */
  shadowStore?: ShadowStore;
  /** Recent scores, the reference for `uncertain` shadow sampling's average rate. Default: a fresh window per stage. */
  shadowScores?: ScoreWindow;
  /** How long a finished run's journal is kept to absorb a re-run. Default 120000. */
  journalRetentionMs?: number;
  logger: Logger;
  metrics: Metrics;
  /** Skips (and ends as cancelled) a job of a cancelled batch. Default: no check. */
  cancelled?: CancelCheck;
  /** Aborts on shutdown: stops waiting on Postgres so the worker can exit (the journal keeps the work). */
  signal?: AbortSignal;
  /** Default: the wall clock. */
  now?: () => Date;
  /** Default: Math.random (retry jitter). */
  random?: () => number;
  /** Default: a timer (retry back-off). */
  sleep?: (ms: number) => Promise<void>;
}

/** The deps with their defaults filled in, once per stage. */
export type ResolvedTierDeps = TierStageDeps & Required<Pick<TierStageDeps, "now" | "random" | "sleep" | "shadowScores">>;

export type TierJobEnding =
  | { status: "succeeded"; model: string }
  | { status: "escalated"; to: string }
  /** Handed to the tier's batch lane: the lane owns the request now (its row stays queued until a result ends it). */
  | { status: "laned"; model: string }
  /** A shadow job: the top tier answered the same question, for measurement only. */
  | { status: "shadowed"; agrees?: boolean }
  | { status: "failed"; error: string }
  /** Its batch was cancelled before this tier called anything. */
  | { status: "cancelled" }
  /** Every usable model was cooling down: back to the queue for `delayMs`, with `job` as its new data (scope: decideTierEnding). */
  | { status: "deferred"; delayMs: number; scope: DeferralScope; job: TierJob; busy: readonly BusyModel[]; maxWaitMs: number }
  /** A budget had no room for the next call: back to the queue (delayed, this job only) without burning an attempt. */
  | { status: "paused"; delayMs: number; job: TierJob; budget: string }
  /** Stopped without an ending (shutting down); the job must run again. */
  | { status: "abandoned"; error: string }
  /**
   * Stopped before anything was called or recorded: its first call got no provider slot (shutting
   * down, or the tier's slots closed after Redis lost its data). Back to waiting as it was, after `delayMs`.
   */
  | { status: "stopped"; delayMs: number };
