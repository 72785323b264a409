import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../../ledger/db/database.js";
import type { ReportFilters } from "./report-filters.js";

/** What the batch lane saved: its items at the batch rate against the same tokens in real time (exact). */
export interface BatchLaneSavings {
  items: number;
  costUsd: string;
  realtimeCostUsd: string;
  savedUsd: string;
}

/**
 * Over the batch-lane calls of the requests in range. Reads the raw ledger through the partial index
 * on attempts.provider_batch_id (only batch rows are in it), so real-time traffic costs it nothing.
 * Undefined when no call went through the lane.
 */
export async function batchLaneSavings(db: Db, filters: ReportFilters): Promise<BatchLaneSavings | undefined> {
  const clauses: SQL[] = [sql`a.provider_batch_id is not null`];
  if (filters.batchId !== undefined) clauses.push(sql`r.batch_id = ${filters.batchId}`);
  if (filters.since) clauses.push(sql`r.created_at >= ${filters.since.toISOString()}::timestamptz`);
  if (filters.until) clauses.push(sql`r.created_at < ${filters.until.toISOString()}::timestamptz`);
  const [row] = await queryRows<{ items: number; cost: string | null; realtime: string | null }>(
    db,
    sql`select count(*)::int as items, sum(a.cost_usd)::text as cost, sum(coalesce(a.realtime_cost_usd, a.cost_usd))::text as realtime
      from attempts a join requests r on r.id = a.request_id where ${sql.join(clauses, sql` and `)}`,
  );
  if (!row || row.items === 0) return undefined;
  const [saved] = await queryRows<{ saved: string }>(db, sql`select (${row.realtime}::numeric - ${row.cost}::numeric)::text as saved`);
  return { items: row.items, costUsd: row.cost ?? "0", realtimeCostUsd: row.realtime ?? "0", savedUsd: saved!.saved };
}
