import type { BatchJob } from "./batch-job.js";
import type { ResultsFile } from "./results-file.js";

/**
 * The fake's memory of files and batches (it is a test tool: state lives as long as the process).
 * Ids carry a running number so they sort and read well in logs.
 */

export interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  createdAtMs: number;
  /** An uploaded file's bytes. */
  content?: Buffer;
  /** A batch's output or error file, rendered when downloaded; its size is measured once. */
  results?: { render: () => ResultsFile; bytes?: number };
}

export interface OpenAiBatchFields {
  inputFileId: string;
  endpoint: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
  model: string;
  outputFileId?: string;
  errorFileId?: string;
  /** Set once the ended batch's files were made (either may stay absent: no answers, or no failures). */
  resultFilesMade?: boolean;
}

export interface StoredBatch {
  job: BatchJob;
  /** Bad-input knobs, fixed when the batch was created. */
  unknownResults: number;
  truncateResults: boolean;
  openai?: OpenAiBatchFields;
}

export class BatchStore {
  readonly files = new Map<string, StoredFile>();
  private readonly batches = new Map<string, StoredBatch>();
  /** Per provider, in creation order. */
  private readonly created = { openai: [] as string[], anthropic: [] as string[] };
  private readonly ordinals = new Map<string, number>();
  private sequence = 0;

  /** e.g. id("file-") → file-fake0000000001. */
  id(prefix: string): string {
    return `${prefix}fake${String(++this.sequence).padStart(10, "0")}`;
  }

  /** 0 for the first call with this key, then 1, 2, ...: numbers creates per model for seeded draws. */
  ordinal(key: string): number {
    const n = this.ordinals.get(key) ?? 0;
    this.ordinals.set(key, n + 1);
    return n;
  }

  addBatch(batch: StoredBatch): void {
    this.batches.set(batch.job.id, batch);
    this.created[batch.job.provider].push(batch.job.id);
  }

  batch(provider: BatchJob["provider"], id: string): StoredBatch | undefined {
    const batch = this.batches.get(id);
    return batch?.job.provider === provider ? batch : undefined;
  }

  newestFirst(provider: BatchJob["provider"]): string[] {
    return [...this.created[provider]].reverse();
  }
}
