import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../ledger/db/database.js";
import { formatUsd, parseUsd } from "../../pricing/money.js";
import { trimDecimal } from "./decimal.js";
import { etaMs } from "./finish-rate.js";
import { BatchNotFoundError } from "../../batches/find-batch.js";
import { topFailureReasons, type FailureReason } from "../../batches/failure-reasons.js";

export { BatchNotFoundError };

/** One tier's share of a batch: the calls made in it, their cost, and the requests that ended there. */
export interface BatchTierSplit {
  tier: string;
  calls: number;
  failedCalls: number;
  /** Every call made in this tier so far, requests still in progress included. */
  costUsd: string;
  /** Requests whose last tier this was (succeeded or failed). */
  requestsEnded: number;
}

export interface BatchStatus {
  id: string;
  name: string;
  createdAt: string;
  jobs: number;
  rejectedAtEnqueue: number;
  queued: number;
  succeeded: number;
  failed: number;
  /** Ended by `batch ID --cancel` without an answer. */
  cancelled: number;
  /** When the batch was cancelled; null while it is live. */
  cancelledAt: string | null;
  /** The most common reasons of its failed requests, with counts (empty when none failed). */
  failureReasons: FailureReason[];
  escalated: number;
  /** Cost of the finished requests. */
  costUsd: string;
  baselineCostUsd: string;
  /** Finished requests by the tier that ended them. */
  byFinalTier: { tier: string; requests: number; costUsd: string }[];
  done: boolean;
  /** succeeded + failed + cancelled. */
  finished: number;
  /** Every call of the batch so far, in-progress requests' included (exact). */
  costSoFarUsd: string;
  calls: number;
  /** Calls and cost per tier the calls ran in, cheapest tier first when the order is known. */
  byTier: BatchTierSplit[];
  /** Since the batch was created (the database's clock). */
  elapsedMs: number;
  /** Finished requests per second since the batch was created; null before the first one. */
  finishRatePerSecond: number | null;
  /** Time left at that rate; 0 when done, null when nothing has finished yet. */
  etaMs: number | null;
  /** Batch lane: its items waiting at a provider, per open submission (absent when none). */
  atProvider?: ProviderSubmission[];
}

export interface ProviderSubmission {
  submission: string;
  provider: string;
  model: string;
  tier: string;
  /** submitting | submitted | ingesting */
  state: string;
  providerBatchId: string | null;
  /** Items of this batch in the submission (of `totalItems`). */
  items: number;
  totalItems: number;
  submittedAt: string | null;
}

/** Read from the rollups: as fast for a batch of a million jobs as for ten. */
export async function batchStatus(db: Db, batchId: string, options: { tierOrder?: string[] } = {}): Promise<BatchStatus> {
  const [[batch], requestGroups, tierGroups] = await Promise.all([
    queryRows<{
      id: string;
      name: string;
      created_at: string;
      cancelled_at: string | null;
      job_count: number;
      rejected_count: number;
      elapsed_ms: string;
    }>(
      db,
      sql`select id, name, created_at::text, cancelled_at::text, job_count, rejected_count,
            greatest(0, round(extract(epoch from (now() - created_at)) * 1000))::text as elapsed_ms
          from batches where id = ${batchId}`,
    ),
    queryRows<{ status: string; final_tier: string; requests: string; escalated: string; cost: string; baseline: string }>(
      db,
      sql`select status, final_tier, sum(requests)::text as requests, sum(escalated)::text as escalated,
            sum(cost_usd)::text as cost, sum(baseline_cost_usd)::text as baseline
          from request_rollup_batch_daily where batch_id = ${batchId}
          group by status, final_tier having sum(requests) <> 0 order by final_tier, status`,
    ),
    queryRows<{ tier: string; calls: string; failed_calls: string; cost: string }>(
      db,
      sql`select tier, sum(calls)::text as calls, coalesce(sum(calls) filter (where outcome <> 'ok'), 0)::text as failed_calls,
            sum(cost_usd)::text as cost
          from attempt_rollup_batch_daily where batch_id = ${batchId} group by tier order by tier`,
    ),
  ]);
  if (!batch) throw new BatchNotFoundError(`no batch with id ${batchId}`);

  const count = (status: string) =>
    requestGroups.filter((row) => row.status === status).reduce((sum, row) => sum + Number(row.requests), 0);
  const sumUsd = (values: string[]) => values.reduce((sum, value) => sum + parseUsd(value), 0n);
  const ended = requestGroups.filter((row) => row.status !== "queued");
  const queued = count("queued");
  const succeeded = count("succeeded");
  const failed = count("failed");
  const cancelled = count("cancelled");
  const finished = succeeded + failed + cancelled;
  const failureReasons = failed > 0 ? await topFailureReasons(db, batchId) : [];
  const elapsedMs = Number(batch.elapsed_ms);

  const finalTiers = new Map<string, { requests: number; cost: string[] }>();
  for (const row of ended.filter((candidate) => candidate.final_tier !== "")) {
    const entry = finalTiers.get(row.final_tier) ?? { requests: 0, cost: [] };
    entry.requests += Number(row.requests);
    entry.cost.push(row.cost);
    finalTiers.set(row.final_tier, entry);
  }
  const tierNames = [...new Set([...tierGroups.map((row) => row.tier), ...finalTiers.keys()])];
  const rank = (tier: string) => {
    const index = options.tierOrder?.indexOf(tier) ?? -1;
    return index === -1 ? Number.MAX_SAFE_INTEGER : index;
  };
  tierNames.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

  const atProvider = await queryRows<{
    id: string;
    provider: string;
    model: string;
    tier: string;
    state: string;
    provider_batch_id: string | null;
    items: number;
    total: number;
    submitted_at: string | null;
  }>(
    db,
    sql`select id, provider, model, tier, state, provider_batch_id, (batch_items ->> ${batchId})::int as items, items as total,
          submitted_at::text from provider_batches
        where state in ('submitting', 'submitted', 'ingesting') and duplicate_of is null and batch_items ? ${batchId} order by created_at`,
  );
  const rate = finished > 0 && elapsedMs > 0 ? finished / (elapsedMs / 1000) : null;
  return {
    id: batch.id,
    name: batch.name,
    createdAt: batch.created_at,
    jobs: batch.job_count,
    rejectedAtEnqueue: batch.rejected_count,
    queued,
    succeeded,
    failed,
    cancelled,
    cancelledAt: batch.cancelled_at,
    failureReasons,
    escalated: requestGroups.reduce((sum, row) => sum + Number(row.escalated), 0),
    costUsd: usdOf(sumUsd(ended.map((row) => row.cost))),
    baselineCostUsd: usdOf(sumUsd(ended.map((row) => row.baseline))),
    byFinalTier: [...finalTiers.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([tier, entry]) => ({ tier, requests: entry.requests, costUsd: usdOf(sumUsd(entry.cost)) })),
    done: queued === 0,
    finished,
    costSoFarUsd: usdOf(sumUsd(tierGroups.map((row) => row.cost))),
    ...(atProvider.length > 0
      ? {
          atProvider: atProvider.map((row) => ({
            submission: row.id,
            provider: row.provider,
            model: row.model,
            tier: row.tier,
            state: row.state,
            providerBatchId: row.provider_batch_id,
            items: row.items,
            totalItems: row.total,
            submittedAt: row.submitted_at,
          })),
        }
      : {}),
    calls: tierGroups.reduce((sum, row) => sum + Number(row.calls), 0),
    byTier: tierNames.map((tier) => {
      const calls = tierGroups.find((row) => row.tier === tier);
      return {
        tier,
        calls: Number(calls?.calls ?? 0),
        failedCalls: Number(calls?.failed_calls ?? 0),
        costUsd: calls ? trimDecimal(calls.cost) : "0",
        requestsEnded: finalTiers.get(tier)?.requests ?? 0,
      };
    }),
    elapsedMs,
    finishRatePerSecond: rate === null ? null : Math.round(rate * 1000) / 1000,
    etaMs: etaMs(queued, rate),
  };
}

const usdOf = (pico: bigint) => trimDecimal(formatUsd(pico));
