import type { Redis } from "ioredis";
import { decodeAttempt, decodeOutcome, encodeAttempt, encodeOutcome } from "../ledger/record-codec.js";
import type { AttemptRecord, EncodedExposure, RequestOutcome } from "../ledger/records.js";
import type { TierJob } from "../queue/job-payloads.js";
import { journalKey } from "../queue/redis-keys.js";
import { defineRedisScripts, runRedisScript, type RedisScript } from "../queue/redis-script.js";
import type { EncodedBudgetTicket } from "./budget-guard.js";

/** A call that started but whose worker never said how it ended. */
export interface InFlightCall {
  id: string;
  attemptNo: number;
  tier: string;
  provider: AttemptRecord["provider"];
  model: string;
  startedAt: string;
  /** What the call may cost if it is never heard of again (tryModel notes it, see callExposure); see abandonedAttempt. */
  exposure?: EncodedExposure;
  /** The budget reservation held for the call, if any: recovery keeps it (moves it to spent), never releases it. */
  budget?: EncodedBudgetTicket;
}

/** How a tier run ended, decided but perhaps not yet durable in Postgres or handed to the next queue. */
export type JournalEnding = { kind: "finish"; outcome: RequestOutcome } | { kind: "escalate"; to: string; job: TierJob };

export interface JournalState {
  finished: AttemptRecord[];
  inFlight: InFlightCall[];
  ending?: JournalEnding;
}

/**
 * A write-ahead log in Redis for one tier's run of one request (`runId`, see journalRunId: per
 * tier, so the next tier's run can never mistake a lower tier's ending for its own). Every provider call is noted
 * before it starts and replaced by its record when it ends; the run's ending is noted before it is
 * written to Postgres. A worker that dies (kill -9) or a Postgres that is down therefore loses
 * nothing: the next run of the job reads the journal, writes what was done — calls whose worker died
 * as `abandoned`, since the provider may have billed them — and never calls a provider again for an
 * answer it already has. Cleared once the ending is durable.
 */
export interface RequestJournal {
  load(runId: string): Promise<JournalState>;
  callStarted(runId: string, call: InFlightCall): Promise<void>;
  /**
   * A call noted but never made: its note was written beside the gate's admission (one round trip)
   * and the admission, the budget or a cancel said no. The note goes, so no later run of the job
   * takes it for an abandoned call.
   */
  callWithdrawn(runId: string, callId: string): Promise<void>;
  callFinished(runId: string, record: AttemptRecord): Promise<void>;
  /** Notes the ending; `lastCall`, when given, is the call that decided it, noted in the same write. */
  ended(runId: string, ending: JournalEnding, lastCall?: AttemptRecord): Promise<void>;
  clear(runId: string): Promise<void>;
  /**
   * After the ending is durable: keep the journal a little longer instead of deleting it, so a run
   * that BullMQ starts again (its lock lost after the work was done) replays the ending instead of
   * calling providers again.
   */
  retire(runId: string, keepMs: number): Promise<void>;
}

/** Long enough to outlive any outage we would wait out; short enough that an orphan does not stay forever. */
const JOURNAL_TTL_SECONDS = 7 * 24 * 3600;

/** One journal per request and tier. */
export const journalRunId = (requestId: string, tier: string) => `${requestId}@${tier}`;

/**
 * A journal note and the journal's expiry in one command. It was MULTI/HSET/EXPIRE/EXEC: four
 * commands, and a socket write of its own per note, since a transaction bypasses the connection's
 * auto-pipeline; the profile of a tier worker put 10% of its CPU there (twice per job). A script
 * call joins the auto-pipeline with the other jobs' commands of the same tick, and is as atomic.
 */
export const JOURNAL_PUT: RedisScript = {
  name: "llmRouterJournalPut",
  lua: `--[[
  Note fields in one run's journal and (re)set its expiry, together.

  Input:
    KEYS[1] journal    the run's journal hash
    ARGV[1] ttl        seconds the journal lives after this note
    ARGV[2..] field, value, field, value, ...

  Output: 1
]]
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
`,
};

export function createRequestJournal(redis: Redis, prefix: string): RequestJournal {
  const keyOf = (runId: string) => journalKey(prefix, runId);
  // Before the connection's first auto-pipeline picks up its scripts (see defineRedisScripts).
  defineRedisScripts(redis, [JOURNAL_PUT]);
  const put = async (runId: string, fields: Record<string, string>) => {
    await runRedisScript(redis, JOURNAL_PUT, [keyOf(runId)], [JOURNAL_TTL_SECONDS, ...Object.entries(fields).flat()]);
  };
  return {
    async load(runId) {
      const fields = await redis.hgetall(keyOf(runId));
      const state: JournalState = { finished: [], inFlight: [] };
      for (const [field, value] of Object.entries(fields)) {
        if (field === "ending") {
          const parsed = JSON.parse(value) as { kind: "finish"; outcome: string } | { kind: "escalate"; to: string; job: TierJob };
          state.ending = parsed.kind === "finish" ? { kind: "finish", outcome: decodeOutcome(parsed.outcome) } : parsed;
        } else if (field.startsWith("done:")) state.finished.push(decodeAttempt(value));
        else if (field.startsWith("call:") && fields[`done:${field.slice(5)}`] === undefined) {
          state.inFlight.push(JSON.parse(value) as InFlightCall);
        }
      }
      state.finished.sort((a, b) => a.attemptNo - b.attemptNo);
      state.inFlight.sort((a, b) => a.attemptNo - b.attemptNo);
      return state;
    },
    callStarted: (runId, call) => put(runId, { [`call:${call.id}`]: JSON.stringify(call) }),
    callWithdrawn: async (runId, callId) => {
      await redis.hdel(keyOf(runId), `call:${callId}`);
    },
    callFinished: (runId, record) => put(runId, { [`done:${record.id}`]: encodeAttempt(record) }),
    ended: (runId, ending, lastCall) =>
      put(runId, {
        ending: JSON.stringify(ending.kind === "finish" ? { kind: "finish", outcome: encodeOutcome(ending.outcome) } : ending),
        ...(lastCall ? { [`done:${lastCall.id}`]: encodeAttempt(lastCall) } : {}),
      }),
    clear: async (runId) => {
      await redis.del(keyOf(runId));
    },
    retire: async (runId, keepMs) => {
      await redis.pexpire(keyOf(runId), keepMs);
    },
  };
}
