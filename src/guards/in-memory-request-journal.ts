import { decodeAttempt, decodeOutcome, encodeAttempt, encodeOutcome } from "../ledger/record-codec.js";
import type { JournalEnding, JournalState, RequestJournal } from "./request-journal.js";

/**
 * The RequestJournal of one process, without Redis: the same semantics as createRequestJournal
 * (calls noted when they start and replaced by their record when they end, the ending with the call
 * that decided it in one step, retire = keep a while, a week's expiry otherwise). Records are stored
 * encoded, as in Redis, so what comes back is a copy and money and dates survive exactly. It dies
 * with the process, which is what a single-process run wants: no other worker can resume its jobs.
 */

export interface InMemoryRequestJournalOptions {
  /** Milliseconds. Default Date.now. */
  now?: () => number;
}

/** Same as the Redis journal's TTL. */
const JOURNAL_TTL_MS = 7 * 24 * 3600 * 1000;

interface StoredRun {
  fields: Map<string, string>;
  expiresAtMs: number;
}

export interface InMemoryRequestJournal extends RequestJournal {
  /** Runs currently held (expired ones excluded): for tests and gauges. */
  size(): number;
}

export function createInMemoryRequestJournal(options: InMemoryRequestJournalOptions = {}): InMemoryRequestJournal {
  const now = options.now ?? Date.now;
  const runs = new Map<string, StoredRun>();
  const live = (runId: string): StoredRun | undefined => {
    const run = runs.get(runId);
    if (run && run.expiresAtMs <= now()) {
      runs.delete(runId);
      return undefined;
    }
    return run;
  };
  const put = async (runId: string, fields: Record<string, string>) => {
    const run = live(runId) ?? { fields: new Map<string, string>(), expiresAtMs: 0 };
    for (const [field, value] of Object.entries(fields)) run.fields.set(field, value);
    run.expiresAtMs = now() + JOURNAL_TTL_MS;
    runs.set(runId, run);
  };
  return {
    async load(runId) {
      const state: JournalState = { finished: [], inFlight: [] };
      const fields = live(runId)?.fields ?? new Map<string, string>();
      for (const [field, value] of fields) {
        if (field === "ending") {
          const parsed = JSON.parse(value) as { kind: "finish"; outcome: string } | Extract<JournalEnding, { kind: "escalate" }>;
          state.ending = parsed.kind === "finish" ? { kind: "finish", outcome: decodeOutcome(parsed.outcome) } : parsed;
        } else if (field.startsWith("done:")) state.finished.push(decodeAttempt(value));
        else if (field.startsWith("call:") && !fields.has(`done:${field.slice(5)}`))
          state.inFlight.push(JSON.parse(value) as JournalState["inFlight"][number]);
      }
      state.finished.sort((a, b) => a.attemptNo - b.attemptNo);
      state.inFlight.sort((a, b) => a.attemptNo - b.attemptNo);
      return state;
    },
    callStarted: (runId, call) => put(runId, { [`call:${call.id}`]: JSON.stringify(call) }),
    callWithdrawn: async (runId, callId) => {
      live(runId)?.fields.delete(`call:${callId}`);
    },
    callFinished: (runId, record) => put(runId, { [`done:${record.id}`]: encodeAttempt(record) }),
    ended: (runId, ending, lastCall) =>
      put(runId, {
        ending: JSON.stringify(ending.kind === "finish" ? { kind: "finish", outcome: encodeOutcome(ending.outcome) } : ending),
        ...(lastCall ? { [`done:${lastCall.id}`]: encodeAttempt(lastCall) } : {}),
      }),
    clear: async (runId) => {
      runs.delete(runId);
    },
    retire: async (runId, keepMs) => {
      const run = live(runId);
      if (run) run.expiresAtMs = now() + keepMs;
    },
    size: () => [...runs.keys()].filter((runId) => live(runId) !== undefined).length,
  };
}
