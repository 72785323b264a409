import type { Database } from "../ledger/db/database.js";
import type { BatchControlDeps } from "./batch-queues.js";
import { cancelBatch, type CancelReport } from "./cancel-batch.js";
import { topFailureReasons, type FailureReason } from "./failure-reasons.js";
import { listBatches, type BatchSummary } from "./list-batches.js";
import type { ResultRecord } from "./result-record.js";
import { streamResults, type ResultsOptions } from "./results-stream.js";
import { retryFailed, type RetryReport } from "./retry-failed.js";

/** The batch operations of the CLI, for the client API: one object over a database and the queues. */
export interface BatchControl {
  /** The batch's requests in enqueue order, streamed (constant memory); rejects for an unknown batch. */
  results(batchId: string, options?: ResultsOptions): Promise<AsyncGenerator<ResultRecord>>;
  /** Recent batches, newest first. Default limit 20. */
  list(options?: { limit?: number }): Promise<BatchSummary[]>;
  cancel(batchId: string): Promise<CancelReport>;
  retryFailed(batchId: string): Promise<RetryReport>;
  /** Default limit 5. */
  failureReasons(batchId: string, limit?: number): Promise<FailureReason[]>;
}

export function createBatchControl(database: Database, queues: BatchControlDeps): BatchControl {
  return {
    results: (batchId, options) => streamResults(database, batchId, options),
    list: (options) => listBatches(database.db, options),
    cancel: (batchId) => cancelBatch(database.db, queues, batchId),
    retryFailed: (batchId) => retryFailed(database.db, queues, batchId),
    failureReasons: (batchId, limit) => topFailureReasons(database.db, batchId, limit),
  };
}
