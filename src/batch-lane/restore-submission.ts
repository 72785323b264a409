import type { Logger } from "../observability/logger.js";
import { laneOf, type Collector } from "./collector.js";
import type { ProviderBatchRow, ProviderBatchStore } from "./provider-batch-store.js";

export interface RestoreReport {
  /** Items written back to wait for their result. */
  pending: number;
  /** Items written back as done (their attempt row exists). */
  done: number;
}

/**
 * Redis lost a submission's hash (a flush, a failover without AOF) while its provider batch is
 * open: its items are written back from `provider_batch_items`, so the results still join their
 * requests. An item whose attempt row exists is done (it was ingested; if its hand-on was lost
 * with Redis, its request is queued and in no queue, and the recovery check feeds it again once
 * this submission has ended). A no-op while Redis has the hash, and for submissions written
 * before items were stored (nothing to restore: their results stay unknown, as before).
 */
export async function restoreLostSubmission(
  deps: { collector: Collector; store: ProviderBatchStore; logger: Logger },
  row: ProviderBatchRow,
): Promise<RestoreReport | undefined> {
  const lane = laneOf(row);
  if (await deps.collector.hasSubmission(lane, row.id)) return undefined;
  const report: RestoreReport = { pending: 0, done: 0 };
  for await (const page of deps.store.items(row.id)) {
    const pending = await deps.collector.restore(
      lane,
      row.id,
      page.map((stored) => ({ item: stored.item, done: stored.ingested })),
    );
    report.pending += pending;
    report.done += page.length - pending;
  }
  if (report.pending + report.done === 0) return undefined;
  deps.logger.warn(
    { submission: row.id, providerBatch: row.providerBatchId, ...lane, ...report },
    "batch lane: Redis lost this submission's items; restored them from Postgres",
  );
  return report;
}
