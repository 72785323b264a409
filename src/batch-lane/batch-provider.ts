import type { ModelConfig, ProviderName } from "../config/router-config-schema.js";
import type { Prompt } from "../jobs/build-prompt.js";
import type { ReportedUsage } from "../providers/check-answer.js";

/** One item of a submission, as the provider adapter sends it. `customId` is our attempt id. */
export interface BatchRequestLine {
  customId: string;
  requestId: string;
  prompt: Prompt;
  maxOutputTokens: number;
}

export interface ProviderBatchStatus {
  /** The provider will change nothing more: the results are final. */
  ended: boolean;
  /** The provider's own word (OpenAI `status`, Anthropic `processing_status`). */
  status: string;
  endedAt?: Date;
}

/** One line of results, normalised across providers. */
export type BatchResultLine =
  | { customId: string; kind: "answer"; text: string; usage: ReportedUsage | undefined; providerRequestId?: string }
  | { customId: string; kind: "error"; errorType: string; httpStatus?: number; message: string; providerRequestId?: string }
  /** The provider did not get to it before the batch's window closed (not billed). */
  | { customId: string; kind: "expired" }
  /** Cut by a cancel (not billed). */
  | { customId: string; kind: "canceled" };

/** What reconciliation knows of a submission whose create may or may not have reached the provider. */
export interface SubmissionHint {
  submissionId: string;
  createdAt: Date;
  items: number;
  customIds: ReadonlySet<string>;
  /** Provider batch ids some `provider_batches` row already names (another submission's, or a recorded duplicate): never candidates. */
  known: ReadonlySet<string>;
}

/** What reconciliation found at the provider for one submission. */
export interface FoundBatches {
  /** The batch to adopt as the submission's; undefined: none found (create it). */
  adopt?: string;
  /** Further batches of the same submission (duplicates): cancelled and accounted, never ingested as results. */
  duplicates: string[];
}

/**
 * A provider's batch API behind its official SDK (retries off: the submitter and poller own them).
 * Results stream line by line, so a 50,000-line file never sits in memory.
 */
export interface BatchProviderClient {
  readonly provider: ProviderName;
  /** The provider's limits on one batch (the collector never claims beyond them). */
  readonly limits: { maxItems: number; maxBytes: number };
  /** Sends the submission; resolves to the provider's batch id. `submissionId` is attached where the API allows (OpenAI metadata). */
  create(submissionId: string, model: ModelConfig, lines: readonly BatchRequestLine[]): Promise<string>;
  /** Finds the batches this submission created earlier (a crash lost the answer): one to adopt, any others duplicates. */
  find(hint: SubmissionHint): Promise<FoundBatches>;
  status(providerBatchId: string): Promise<ProviderBatchStatus>;
  /** Every result line; throws TruncatedResultsError on a file that stops mid-line. */
  results(providerBatchId: string): AsyncIterable<BatchResultLine>;
  cancel(providerBatchId: string): Promise<void>;
}

export class TruncatedResultsError extends Error {
  override name = "TruncatedResultsError";
}
