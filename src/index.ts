/** The public edge for embedding the router in another Node program. */
export { createRuntime, type Runtime, type RuntimeOptions } from "./runtime/runtime.js";
export { startWorker, type WorkerHandle, type StartWorkerOptions } from "./runtime/start-worker.js";
export { parseEnv, type Env } from "./config/env.js";
export { loadRouterConfig, parseRouterConfig, ConfigError } from "./config/load-config.js";
export type { RouterConfig, TierConfig, ModelConfig } from "./config/router-config-schema.js";
export { jobInputSchema, type JobInput, type JobKind } from "./jobs/job-schema.js";
export { createProducer, type Producer, type EnqueueReport, type EnqueueOptions } from "./produce/producer.js";
export { openJobFile } from "./jobs/read-job-file.js";
export { arraySource, type JobSource } from "./jobs/job-source.js";
export { buildReport, type Report, type Dimension } from "./report/query/report-query.js";
export { batchStatus, type BatchStatus } from "./report/query/batch-status.js";
export {
  createBatchControl,
  BatchNotFoundError,
  RetryError,
  RESULT_STATUSES,
  type BatchControl,
  type BatchControlDeps,
  type BatchSummary,
  type CancelReport,
  type FailureReason,
  type ResultRecord,
  type ResultStatus,
  type ResultsOptions,
  type RetryReport,
} from "./batches/index.js";
export { openDatabase, type Database } from "./ledger/db/database.js";
export { startFakeLlm, type FakeLlm } from "./fake-llm/index.js";
