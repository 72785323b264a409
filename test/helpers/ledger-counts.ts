import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../src/ledger/db/database.js";

export interface LedgerCounts {
  requests: number;
  finished: number;
  queued: number;
  /** Request ids that appear more than once (must be 0: the id is the primary key, but say it). */
  duplicated: number;
  attempts: number;
  okAttempts: number;
  abandoned: number;
  /** Requests whose cost or attempt count disagrees with their attempts rows. */
  inconsistent: number;
}

/** The ledger's view of a batch, for fault tests' "nothing lost, nothing doubled" checks. */
export async function ledgerCounts(db: Db, batchId: string): Promise<LedgerCounts> {
  const [row] = await queryRows<Record<string, string>>(
    db,
    sql`with r as (select * from requests where batch_id = ${batchId}),
             a as (select a.* from attempts a join r on r.id = a.request_id)
        select (select count(*) from r)::text as requests,
               (select count(*) from r where status <> 'queued')::text as finished,
               (select count(*) from r where status = 'queued')::text as queued,
               (select count(*) - count(distinct id) from r)::text as duplicated,
               (select count(*) from a)::text as attempts,
               (select count(*) from a where outcome = 'ok')::text as ok_attempts,
               (select count(*) from a where outcome = 'abandoned')::text as abandoned,
               (select count(*) from (
                  select r.id from r left join a on a.request_id = r.id where r.status <> 'queued'
                  group by r.id, r.cost_usd, r.attempt_count
                  having r.cost_usd <> coalesce(sum(a.cost_usd), 0) or r.attempt_count <> count(a.id)) x)::text as inconsistent`,
  );
  return {
    requests: Number(row!.requests),
    finished: Number(row!.finished),
    queued: Number(row!.queued),
    duplicated: Number(row!.duplicated),
    attempts: Number(row!.attempts),
    okAttempts: Number(row!.ok_attempts),
    abandoned: Number(row!.abandoned),
    inconsistent: Number(row!.inconsistent),
  };
}
