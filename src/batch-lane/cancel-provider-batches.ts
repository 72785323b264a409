import { sql } from "drizzle-orm";
import type { ProviderName } from "../config/router-config-schema.js";
import type { Db } from "../ledger/db/database.js";
import type { BatchProviderClient } from "./batch-provider.js";
import { describeCreateError } from "./create-error.js";
import { providerBatchStore } from "./provider-batch-store.js";

export interface ProviderCancelReport {
  /** Provider batches asked to cancel now. */
  cancelled: number;
  /** Still being created: cancelled by the poller as soon as they exist (their cancel time is now). */
  pending: number;
  /** Shared with other request batches: left running (this batch's items in them end as cancelled when ingested). */
  shared: number;
  /** Cancels the provider refused (they may have ended meanwhile). */
  refused: string[];
}

/**
 * `batch ID --cancel`, batch lane part: the open provider batches holding only this batch's items
 * are cancelled at the provider. Their partial results are ingested by the workers' poller as
 * usual: answered items are recorded (they are billed), the rest come back canceled and end as
 * cancelled (the cancel check). A submission shared with another request batch is left running.
 */
export async function cancelProviderBatches(
  db: Db,
  providers: ReadonlyMap<ProviderName, BatchProviderClient>,
  batchId: string,
): Promise<ProviderCancelReport> {
  const store = providerBatchStore(db);
  const report: ProviderCancelReport = { cancelled: 0, pending: 0, shared: 0, refused: [] };
  for (const row of await store.openForRequestBatch(batchId)) {
    if (Object.keys(row.batchItems).some((other) => other !== batchId)) {
      report.shared++;
      continue;
    }
    const client = providers.get(row.provider);
    if (!row.providerBatchId || !client) {
      await db.execute(sql`update provider_batches set cancel_at = now() where id = ${row.id}`);
      report.pending++;
      continue;
    }
    try {
      await client.cancel(row.providerBatchId);
      await store.markCancelRequested(row.id);
      report.cancelled++;
    } catch (error) {
      report.refused.push(`${row.providerBatchId}: ${describeCreateError(error)}`);
    }
  }
  return report;
}
