import type { LedgerWriter } from "./ledger-writer.js";
import { dbErrorReason, isTransientDbError } from "./transient-db-error.js";

export interface LedgerHealth {
  /** Why the ledger is failing (the last write failed permanently, none has succeeded since), or undefined. */
  failing(): string | undefined;
  /**
   * The last write ended well: endings may be handed to the committer instead of being committed on
   * the job's path (see guards/ledger-committer.ts). False before the first write and after any
   * failure, transient or not, until a write succeeds again: while Postgres is away or refusing,
   * jobs wait for their own commit, so an outage holds the slots and a refusal fails the jobs.
   */
  accepting(): boolean;
}

export interface LedgerWriteWatcher {
  /** Every failed write, transient (retried by persist) or not (the job fails). */
  onFailure?: (error: unknown, transient: boolean) => void;
}

/**
 * Wraps a ledger writer to see how its writes end: a permanent failure (a revoked grant, a
 * constraint) marks the ledger as failing until a later write succeeds, so /readyz and the
 * metrics show what the failed jobs say. Transient failures do not: /readyz's own Postgres probe
 * covers an outage.
 */
export function watchLedgerWrites(writer: LedgerWriter, watcher: LedgerWriteWatcher = {}): { writer: LedgerWriter; health: LedgerHealth } {
  let failure: string | undefined;
  let lastWriteOk = false;
  const watched = (write: Promise<void>) =>
    write.then(
      () => {
        failure = undefined;
        lastWriteOk = true;
      },
      (error: unknown) => {
        lastWriteOk = false;
        const transient = isTransientDbError(error);
        if (!transient) failure = dbErrorReason(error);
        watcher.onFailure?.(error, transient);
        throw error;
      },
    );
  return {
    health: { failing: () => failure, accepting: () => lastWriteOk },
    writer: {
      write: (attempts, outcome) => watched(writer.write(attempts, outcome)),
      writeRouting: (routing) => watched(writer.writeRouting(routing)),
      flush: () => writer.flush(),
      close: () => writer.close(),
    },
  };
}
