import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../src/ledger/db/database.js";

/** The numbers every chaos test reports, in the order the issue asks for them. */
export interface ChaosNumbers {
  /** Jobs accepted at enqueue (a repeated id counts once). */
  enqueued: number;
  /** Requests that ended `succeeded`. */
  completed: number;
  /** Requests that ended `failed`. */
  failed: number;
  /** Requests answered (and paid) more than once: more than one `ok` attempt. */
  duplicated: number;
  /** Accepted jobs with no ending: still `queued`, or with no request row at all. */
  lost: number;
  /** Provider calls beyond what the scenario needed (defined by each test, named in its details). */
  extraProviderCalls: number;
}

/** Prints the one summary line a chaos test owes the lead (who quotes it). */
export function printChaosSummary(name: string, numbers: ChaosNumbers, details: Record<string, unknown> = {}): void {
  const extra = Object.entries(details)
    .map(([key, value]) => `${key} ${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(", ");
  console.log(
    `[chaos] ${name}: enqueued ${numbers.enqueued}, completed ${numbers.completed}, failed ${numbers.failed}, ` +
      `duplicated ${numbers.duplicated}, lost ${numbers.lost}, extra provider calls ${numbers.extraProviderCalls}` +
      (extra ? ` (${extra})` : ""),
  );
}

export interface LedgerNumbers {
  /** batches.job_count. */
  enqueued: number;
  requestRows: number;
  completed: number;
  failed: number;
  queued: number;
  /** Requests with more than one `ok` attempt. */
  duplicated: number;
  /** Attempt rows of the batch, by outcome. */
  attempts: Record<string, number>;
  attemptTotal: number;
}

/** What the ledger says about one batch: the raw material of the summary line. */
export async function ledgerNumbers(db: Db, batchId: string): Promise<LedgerNumbers> {
  const [batch] = await queryRows<{ job_count: number }>(db, sql`select job_count from batches where id = ${batchId}`);
  const [requests] = await queryRows<Record<string, string>>(
    db,
    sql`select count(*)::text as total,
          count(*) filter (where status = 'succeeded')::text as succeeded,
          count(*) filter (where status = 'failed')::text as failed,
          count(*) filter (where status = 'queued')::text as queued
        from requests where batch_id = ${batchId}`,
  );
  const [dup] = await queryRows<{ duplicated: string }>(
    db,
    sql`select count(*)::text as duplicated from (
          select a.request_id from attempts a join requests r on r.id = a.request_id
          where r.batch_id = ${batchId} and a.outcome = 'ok' group by a.request_id having count(*) > 1) d`,
  );
  const outcomes = await queryRows<{ outcome: string; n: string }>(
    db,
    sql`select a.outcome, count(*)::text as n from attempts a join requests r on r.id = a.request_id
        where r.batch_id = ${batchId} group by a.outcome`,
  );
  const attempts = Object.fromEntries(outcomes.map((row) => [row.outcome, Number(row.n)]));
  return {
    enqueued: batch?.job_count ?? 0,
    requestRows: Number(requests!.total),
    completed: Number(requests!.succeeded),
    failed: Number(requests!.failed),
    queued: Number(requests!.queued),
    duplicated: Number(dup!.duplicated),
    attempts,
    attemptTotal: Object.values(attempts).reduce((sum, n) => sum + n, 0),
  };
}

/** Accepted jobs without an ending: still queued, or never written at all. */
export function lostOf(numbers: LedgerNumbers): number {
  return numbers.queued + Math.max(0, numbers.enqueued - numbers.requestRows);
}
