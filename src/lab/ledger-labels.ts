import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../ledger/db/database.js";

/**
 * Labels the ledger already holds, one per request, for `train --from-ledger`:
 * - an escalation after an invalid answer on the request's first tier: the cheaper tier was not
 *   enough (label 1). It wins over a shadow check of the same request, which judged a later tier;
 * - otherwise a shadow check with a verdict (classify, extract): the top tier agreed (0) or not (1).
 * Only requests with stored routing features count. They come in arrival order — the request's
 * creation, then its enqueue order (`seq`): a batch is inserted in one statement, so all its requests
 * share one created_at, and ordering those by id would make "the oldest N" and the time split follow
 * the ids' alphabet (e.g. whole subjects first) instead of the traffic.
 */
export interface LedgerLabel {
  requestId: string;
  at: Date;
  label: 0 | 1;
  source: "shadow" | "escalation";
  features: unknown;
}

export interface LedgerLabelFilter {
  feature?: string;
  since?: Date;
  until?: Date;
  batchId?: string;
}

export async function readLedgerLabels(db: Db, filter: LedgerLabelFilter = {}): Promise<LedgerLabel[]> {
  const where = [sql`r.routing_features is not null`];
  if (filter.feature !== undefined) where.push(sql`r.feature = ${filter.feature}`);
  if (filter.since) where.push(sql`r.created_at >= ${filter.since.toISOString()}::timestamptz`);
  if (filter.until) where.push(sql`r.created_at < ${filter.until.toISOString()}::timestamptz`);
  if (filter.batchId !== undefined) where.push(sql`r.batch_id = ${filter.batchId}`);
  const rows = await queryRows<{ id: string; created_at: string | Date; features: unknown; escalated: boolean; agrees: boolean | null }>(
    db,
    sql`select r.id, r.created_at, r.routing_features as features,
          (r.escalations > 0 and exists (select 1 from attempts a where a.request_id = r.id and a.tier = r.initial_tier
             and a.outcome = 'invalid')) as escalated,
          (select bool_and(s.agrees) from shadow_checks s where s.request_id = r.id and s.agrees is not null) as agrees
        from requests r
        where ${sql.join(where, sql` and `)}
        order by r.created_at, r.seq`,
  );
  const labels: LedgerLabel[] = [];
  for (const row of rows) {
    const at = new Date(row.created_at);
    if (row.escalated) labels.push({ requestId: row.id, at, label: 1, source: "escalation", features: row.features });
    else if (row.agrees !== null)
      labels.push({ requestId: row.id, at, label: row.agrees ? 0 : 1, source: "shadow", features: row.features });
  }
  return labels;
}
