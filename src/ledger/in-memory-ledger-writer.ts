import type { LedgerWriter } from "./ledger-writer.js";
import type { AttemptRecord, RequestOutcome, RoutingRecord } from "./records.js";

/**
 * The LedgerWriter of one process, without Postgres: the same semantics as createLedgerWriter — a
 * write is all-or-nothing, an attempt is written once whatever the retries (idempotent by id, as
 * `on conflict (id, started_at) do nothing`), and an outcome only finishes a request that is still
 * queued (a redelivered job cannot overwrite the first ending; an unknown request is left alone).
 * Requests come into being queued, as the producer's insert makes them: `addRequests`.
 */
export interface InMemoryLedger extends LedgerWriter {
  /** Requests the producer has queued (a request already known keeps its state). */
  addRequests(ids: Iterable<string>): void;
  /** Every attempt written, in write order; copies. */
  attempts(): AttemptRecord[];
  /** A request's state: queued, or how it ended; undefined if never added. */
  request(id: string): { status: "queued" } | RequestOutcome | undefined;
  /** The routing features intake stored for a request (the first write wins); undefined if none. */
  routing(id: string): RoutingRecord | undefined;
}

export function createInMemoryLedgerWriter(): InMemoryLedger {
  const attempts = new Map<string, AttemptRecord>();
  const requests = new Map<string, { status: "queued" } | RequestOutcome>();
  const routings = new Map<string, RoutingRecord>();
  let closed = false;
  const copy = <T extends object>(value: T): T => structuredClone(value);
  return {
    async write(newAttempts, outcome) {
      if (closed) throw new Error("ledger writer is closed");
      for (const attempt of newAttempts) if (!attempts.has(attempt.id)) attempts.set(attempt.id, copy(attempt));
      if (outcome && requests.get(outcome.requestId)?.status === "queued") requests.set(outcome.requestId, copy(outcome));
    },
    async writeRouting(routing) {
      if (closed) throw new Error("ledger writer is closed");
      // Set once per request, as the Postgres writer does (`where routing_features is null`).
      if (!routings.has(routing.requestId)) routings.set(routing.requestId, copy(routing));
    },
    // Every write settles before it returns: nothing is ever pending.
    async flush() {},
    async close() {
      closed = true;
    },
    addRequests(ids) {
      for (const id of ids) if (!requests.has(id)) requests.set(id, { status: "queued" });
    },
    attempts: () => [...attempts.values()].map(copy),
    routing: (id) => {
      const found = routings.get(id);
      return found && copy(found);
    },
    request: (id) => {
      const found = requests.get(id);
      return found && copy(found);
    },
  };
}
