import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/database.js";
import { trimDecimal } from "./report-query.js";

export interface BatchStatus {
  id: string;
  name: string;
  createdAt: string;
  jobs: number;
  rejectedAtEnqueue: number;
  queued: number;
  succeeded: number;
  failed: number;
  escalated: number;
  costUsd: string;
  baselineCostUsd: string;
  /** Finished requests by the tier that ended them. */
  byFinalTier: { tier: string; requests: number; costUsd: string }[];
  done: boolean;
}

export class BatchNotFoundError extends Error {
  override name = "BatchNotFoundError";
}

export async function batchStatus(db: Db, batchId: string): Promise<BatchStatus> {
  const [batch] = await queryRows<{ id: string; name: string; created_at: string; job_count: number; rejected_count: number }>(
    db,
    sql`select id, name, created_at::text, job_count, rejected_count from batches where id = ${batchId}`,
  );
  if (!batch) throw new BatchNotFoundError(`no batch with id ${batchId}`);
  const [totals] = await queryRows<Record<string, string>>(
    db,
    sql`select count(*) filter (where status = 'queued')::text as queued,
          count(*) filter (where status = 'succeeded')::text as succeeded,
          count(*) filter (where status = 'failed')::text as failed,
          count(*) filter (where escalations > 0)::text as escalated,
          coalesce(sum(cost_usd), 0)::text as cost, coalesce(sum(baseline_cost_usd), 0)::text as baseline
        from requests where batch_id = ${batchId}`,
  );
  const tiers = await queryRows<{ tier: string; requests: string; cost: string }>(
    db,
    sql`select final_tier as tier, count(*)::text as requests, sum(cost_usd)::text as cost
        from requests where batch_id = ${batchId} and status <> 'queued' and final_tier is not null
        group by 1 order by 1`,
  );
  const queued = Number(totals!.queued);
  return {
    id: batch.id,
    name: batch.name,
    createdAt: batch.created_at,
    jobs: batch.job_count,
    rejectedAtEnqueue: batch.rejected_count,
    queued,
    succeeded: Number(totals!.succeeded),
    failed: Number(totals!.failed),
    escalated: Number(totals!.escalated),
    costUsd: trimDecimal(totals!.cost!),
    baselineCostUsd: trimDecimal(totals!.baseline!),
    byFinalTier: tiers.map((row) => ({ tier: row.tier, requests: Number(row.requests), costUsd: trimDecimal(row.cost) })),
    done: queued === 0,
  };
}
