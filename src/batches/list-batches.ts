import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../ledger/db/database.js";

export interface BatchSummary {
  id: string;
  name: string;
  createdAt: string;
  cancelledAt: string | null;
  jobs: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  queued: number;
  /** Exact decimals: ended requests' cost, and what their tokens would have cost on the top tier. */
  costUsd: string;
  baselineCostUsd: string;
}

/** The most recent batches, newest first, counted from the rollups (cheap for batches of any size). */
export async function listBatches(db: Db, options: { limit?: number } = {}): Promise<BatchSummary[]> {
  const rows = await queryRows<Record<string, string | null>>(
    db,
    sql`with recent as (select id, name, created_at, cancelled_at, job_count from batches order by created_at desc, id limit ${options.limit ?? 20})
      select b.id, b.name, b.created_at::text as created_at, b.cancelled_at::text as cancelled_at, b.job_count::text as jobs,
        coalesce(sum(r.requests) filter (where r.status = 'succeeded'), 0)::text as succeeded,
        coalesce(sum(r.requests) filter (where r.status = 'failed'), 0)::text as failed,
        coalesce(sum(r.requests) filter (where r.status = 'cancelled'), 0)::text as cancelled,
        coalesce(sum(r.requests) filter (where r.status = 'queued'), 0)::text as queued,
        trim_scale(coalesce(sum(r.cost_usd), 0))::text as cost_usd,
        trim_scale(coalesce(sum(r.baseline_cost_usd), 0))::text as baseline_cost_usd
      from recent b left join request_rollup_batch_daily r on r.batch_id = b.id
      group by b.id, b.name, b.created_at, b.cancelled_at, b.job_count
      order by b.created_at desc, b.id`,
  );
  return rows.map((row) => ({
    id: row.id!,
    name: row.name!,
    createdAt: row.created_at!,
    cancelledAt: row.cancelled_at ?? null,
    jobs: Number(row.jobs),
    succeeded: Number(row.succeeded),
    failed: Number(row.failed),
    cancelled: Number(row.cancelled),
    queued: Number(row.queued),
    costUsd: row.cost_usd!,
    baselineCostUsd: row.baseline_cost_usd!,
  }));
}
