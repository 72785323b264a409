import { RouterError } from "../errors/router-error.js";
import { dbErrorReason, isTransientDbError } from "./transient-db-error.js";

/** Postgres refused a ledger write for a reason retrying cannot fix (a missing grant, a constraint). */
export class LedgerWriteError extends RouterError {
  override name = "LedgerWriteError";
  constructor(what: string, cause: unknown) {
    super("ledger", `ledger write failed (${what}): ${dbErrorReason(cause)}`, { cause });
  }
}

export interface PersistOptions {
  /** What is being written, for the error message. Default "ledger rows". */
  what?: string;
  signal?: AbortSignal;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Longest pause between two tries. Default 5000. */
  maxDelayMs?: number;
  /** Which errors are worth waiting out. Default isTransientDbError. */
  isTransient?: (error: unknown) => boolean;
}

/**
 * Retries a write while its failure is transient: while Postgres is down, the finished work waits
 * here (its record is also in the request journal) instead of failing the job and tempting anything
 * to call the provider again. A permanent failure throws LedgerWriteError at once, so the job fails
 * with the reason and frees its concurrency slot; the journal keeps the work, so a retry of the job
 * after the fault is fixed writes it without calling the provider again. Also stops when `signal`
 * aborts (shutdown): the journal then carries the work to whichever worker runs the job next.
 */
export async function persist<T>(write: () => Promise<T>, options: PersistOptions = {}): Promise<T> {
  const isTransient = options.isTransient ?? isTransientDbError;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (!isTransient(error)) throw new LedgerWriteError(options.what ?? "ledger rows", error);
      const delayMs = Math.min(options.maxDelayMs ?? 5_000, 100 * 2 ** Math.min(attempt, 10));
      options.onRetry?.(error, attempt, delayMs);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, delayMs);
        function done() {
          clearTimeout(timer);
          options.signal?.removeEventListener("abort", done);
          resolve();
        }
        options.signal?.addEventListener("abort", done, { once: true });
      });
      if (options.signal?.aborted) throw error;
    }
  }
}
