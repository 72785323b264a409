import { abandonedAttempt, type AttemptRecord } from "../ledger/records.js";
import type { JournalEnding } from "../guards/request-journal.js";
import type { TierRun } from "./tier-run.js";
import { decodeTicket } from "../guards/budget-guard.js";

export interface RecoveredRun {
  /** An ending decided by a previous run but perhaps not yet durable: replay it. */
  ending?: JournalEnding;
  /** The previous run's calls, those whose worker died as `abandoned`, in attempt order. */
  records: AttemptRecord[];
}

/** False for a job that has never run in this tier (first run, never deferred): it can have no journal. */
export function journalMayExist(run: TierRun, firstRun: boolean): boolean {
  return !(firstRun && run.data.deferrals === 0);
}

/**
 * What a previous run of this job (a crashed worker, a Postgres outage) left behind. `firstRun`:
 * BullMQ says this job has neither failed nor stalled in this queue before, so no journal can exist
 * for it and reading one is skipped (a round trip saved on the common path).
 */
export async function recoverRun(run: TierRun, firstRun: boolean): Promise<RecoveredRun> {
  const { deps, runId, log, data } = run;
  const journal = journalMayExist(run, firstRun) ? await deps.journal.load(runId) : { finished: [], inFlight: [] };
  if (journal.ending) return { ending: journal.ending, records: journal.finished };
  const recovered = journal.inFlight.map((call) => abandonedAttempt(call, data.requestId, deps.now()));
  for (const record of recovered) await deps.journal.callFinished(runId, record);
  // After the abandoned rows are noted, so a crash in between leaves a reservation held (safe), never kept twice.
  for (const call of journal.inFlight) if (call.budget) await run.budget?.keep(decodeTicket(call.budget));
  const records = [...journal.finished, ...recovered].sort((a, b) => a.attemptNo - b.attemptNo);
  if (records.length > 0) log.warn({ recovered: records.length, abandoned: recovered.length }, "recovered calls of an interrupted run");
  return { records };
}
