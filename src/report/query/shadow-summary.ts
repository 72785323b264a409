import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../../ledger/db/database.js";

/** Shadow checks per feature and answering tier: how often the top tier agreed, and what measuring cost. */
export interface ShadowSummaryRow {
  feature: string;
  tier: string;
  checks: number;
  /** Checks of classify/extract answers, where agreement is exact. */
  comparable: number;
  agreeing: number;
  /** agreeing / comparable, 0–1; null when nothing was comparable. */
  agreementRate: number | null;
  /** Exact decimal string: the cost of measuring, kept out of the requests' own cost. */
  costOfMeasuringUsd: string;
}

export async function shadowSummary(db: Db, filters: { batchId?: string; since?: Date; until?: Date }): Promise<ShadowSummaryRow[]> {
  const clauses: SQL[] = [sql`true`];
  if (filters.batchId) clauses.push(sql`r.batch_id = ${filters.batchId}`);
  if (filters.since) clauses.push(sql`s.created_at >= ${filters.since.toISOString()}::timestamptz`);
  if (filters.until) clauses.push(sql`s.created_at < ${filters.until.toISOString()}::timestamptz`);
  const rows = await queryRows<Record<string, string | null>>(
    db,
    sql`select coalesce(r.feature, '(none)') as feature, s.tier, count(*)::text as checks,
          count(*) filter (where s.agrees is not null)::text as comparable,
          count(*) filter (where s.agrees)::text as agreeing,
          sum(s.cost_usd)::text as cost
        from shadow_checks s join requests r on r.id = s.request_id
        where ${sql.join(clauses, sql` and `)}
        group by 1, 2 order by 1, 2`,
  );
  return rows.map((row) => {
    const comparable = Number(row.comparable);
    const agreeing = Number(row.agreeing);
    return {
      feature: row.feature!,
      tier: row.tier!,
      checks: Number(row.checks),
      comparable,
      agreeing,
      agreementRate: comparable === 0 ? null : agreeing / comparable,
      costOfMeasuringUsd: row.cost!.replace(/0+$/, "").replace(/\.$/, ""),
    };
  });
}
