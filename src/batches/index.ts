/** Batch control: answers out, list, cancel, retry. The public edge of src/batches/. */
export { createBatchControl, type BatchControl } from "./batch-control.js";
export type { BatchControlDeps } from "./batch-queues.js";
export { BatchNotFoundError, requireBatch } from "./find-batch.js";
export { RESULT_STATUSES, type ResultRecord, type ResultStatus } from "./result-record.js";
export type { ResultsOptions } from "./results-stream.js";
export type { CancelReport } from "./cancel-batch.js";
export { RetryError, type RetryReport } from "./retry-failed.js";
export type { BatchSummary } from "./list-batches.js";
export { topFailureReasons, type FailureReason } from "./failure-reasons.js";
