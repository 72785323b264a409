import { sql } from "drizzle-orm";
import type { Database } from "../ledger/db/database.js";
import { requireBatch } from "./find-batch.js";
import { toResultRecord, type ResultRecord, type ResultRow, type ResultStatus } from "./result-record.js";

export interface ResultsOptions {
  /** Default all. */
  status?: ResultStatus;
  /** Rows per cursor fetch: the memory bound of the stream. Default 1000. */
  pageSize?: number;
}

/**
 * A batch's requests in enqueue order, from a server-side cursor: constant memory for any batch
 * size. Throws BatchNotFoundError before the first record for an unknown batch.
 */
export async function streamResults(
  database: Database,
  batchId: string,
  options: ResultsOptions = {},
): Promise<AsyncGenerator<ResultRecord>> {
  await requireBatch(database.db, batchId);
  const status = options.status ?? "all";
  const query = sql`select id, status, kind, feature, metadata, initial_tier, final_tier, final_model, escalations,
      trim_scale(cost_usd)::text as cost_usd, result, error
    from requests where batch_id = ${batchId} ${status === "all" ? sql`` : sql`and status = ${status}`}
    order by seq`;
  const pages = database.stream<ResultRow>(query, options.pageSize ?? 1_000);
  return (async function* () {
    for await (const page of pages) for (const row of page) yield toResultRecord(row);
  })();
}
