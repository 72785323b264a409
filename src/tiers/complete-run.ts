import { persist } from "../ledger/persist.js";
import type { AttemptRecord, RequestOutcome } from "../ledger/records.js";
import type { JournalEnding } from "../guards/request-journal.js";
import type { TierRun, TierRunState } from "./tier-run.js";
import type { TierJobEnding } from "./tier-stage.js";

/** How long a finished run's journal stays to absorb a re-run: past a lost lock and a stalled check. */
const DEFAULT_JOURNAL_RETENTION_MS = 120_000;

/** A Postgres write that must not be lost: retried while Postgres is away, given up only on shutdown. */
export function durably<T>(run: TierRun, what: string, write: () => Promise<T>): Promise<T> {
  return persist(write, {
    what,
    signal: run.deps.signal,
    onRetry: (error, attempt, delayMs) =>
      run.log.warn(
        { what, attempt, delayMs, error: String((error as Error)?.message ?? error) },
        "write failed; keeping the result and retrying",
      ),
  });
}

/**
 * Makes an ending durable: journal first, then Postgres, then (an escalation) the next tier's queue —
 * the hand-off; then forgets the run. A run resumed from the journal comes here directly.
 *
 * An answer, while the ledger is taking writes, is handed to the committer instead: the journal's
 * ending and the hand-off entry go to Redis in one round trip (auto-pipelined), and the job
 * completes without waiting for Postgres, freeing its provider slot; the committer writes the rows.
 * Failures and escalations stay on the job's path: a failed job is in BullMQ's failed set only once
 * its row says so, and an escalation's rows precede the next tier's run.
 */
export async function completeRun(
  run: TierRun,
  records: AttemptRecord[],
  ending: JournalEnding,
  lastCall?: AttemptRecord,
): Promise<TierJobEnding> {
  const { deps, runId, log } = run;
  const handoff = ending.kind === "finish" && ending.outcome.status === "succeeded" && deps.handoff?.accepting() ? deps.handoff : undefined;
  if (ending.kind === "finish") {
    if (handoff) await Promise.all([deps.journal.ended(runId, ending, lastCall), handoff.hand(runId, records, ending.outcome)]);
    else {
      await deps.journal.ended(runId, ending, lastCall);
      await durably(run, "request outcome", () => deps.ledger.write(records, ending.outcome));
    }
  } else {
    await deps.journal.ended(runId, ending, lastCall);
    await durably(run, "attempts", () => deps.ledger.write(records));
    await deps.forward(ending.to, ending.job);
  }
  // Not awaited: the ending is durable. The journal stays a while, so a re-run of this job (BullMQ
  // lost its lock after the work was done) replays the ending instead of calling providers again.
  deps.journal
    .retire(runId, deps.journalRetentionMs ?? DEFAULT_JOURNAL_RETENTION_MS)
    .catch((error: unknown) => log.warn({ error: String(error) }, "could not retire the journal; it expires"));
  if (ending.kind === "escalate") return { status: "escalated", to: ending.to };
  return ending.outcome.status === "succeeded"
    ? { status: "succeeded", model: ending.outcome.finalModel ?? "" }
    : { status: "failed", error: ending.outcome.error ?? "failed" };
}

export type FinalFields = Pick<
  RequestOutcome,
  "status" | "finalTier" | "finalProvider" | "finalModel" | "baselineCost" | "result" | "error"
>;

/** Ends the request here (an answer, or a failure at the top): the request row is written once. */
export function finishRequest(run: TierRun, state: TierRunState, fields: FinalFields, lastCall?: AttemptRecord): Promise<TierJobEnding> {
  const { data } = run;
  const outcome: RequestOutcome = {
    ...fields,
    requestId: data.requestId,
    initialTier: data.route.initialTier,
    classifier: data.route.classifier,
    routingReason: data.route.reason,
    complexityScore: data.route.score,
    escalations: data.escalations,
    attemptCount: data.attemptsSoFar + state.records.length,
    cost: state.costPico,
    finishedAt: run.deps.now(),
  };
  return completeRun(run, state.records, { kind: "finish", outcome }, lastCall);
}

/** The job will run again (deferred, or stopped on shutdown): its calls so far are written, the journal cleared. */
export async function releaseRun(run: TierRun, records: AttemptRecord[]): Promise<void> {
  await durably(run, "attempts", () => run.deps.ledger.write(records));
  await run.deps.journal.clear(run.runId);
}
