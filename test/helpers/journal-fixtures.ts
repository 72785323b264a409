import { expect } from "vitest";
import type { JournalState, RequestJournal } from "../../src/guards/request-journal.js";
import type { AttemptRecord, RequestOutcome } from "../../src/ledger/records.js";
import { ZERO_USAGE } from "../../src/pricing/usage.js";

/** A finished call's record as a journal keeps it (a cost past 2^53 picodollars: exact copies or nothing). */
export const journalRecord = (id: string, attemptNo: number): AttemptRecord => ({
  id,
  requestId: "r",
  attemptNo,
  tier: "cheap",
  provider: "openai",
  model: "m",
  outcome: "ok",
  latencyMs: 5,
  usage: ZERO_USAGE,
  cost: 123_456_789_012_345n,
  startedAt: new Date("2026-11-01T00:00:00.001Z"),
  finishedAt: new Date("2026-11-01T00:00:00.006Z"),
});

/** A started call as a journal notes it. */
export const journalCall = (id: string, attemptNo: number) => ({
  id,
  attemptNo,
  tier: "cheap",
  provider: "openai" as const,
  model: "m",
  startedAt: "2026-11-01T00:00:00.000Z",
});

/** A run's answered ending, its result with a quote and a newline (what a journal must carry unchanged). */
export const journalOutcome: RequestOutcome = {
  requestId: "r",
  status: "succeeded",
  escalations: 0,
  attemptCount: 1,
  cost: 5n,
  baselineCost: 9n,
  result: 'a "quoted" answer\nwith a newline',
  finishedAt: new Date("2026-11-01T00:00:01Z"),
};

/**
 * What every RequestJournal must do, asserted on the journal given (the Redis one and the in-memory
 * one run the same steps): started calls stay in flight until their record replaces them, in attempt
 * order, or until they are withdrawn; an unknown run is empty.
 */
export async function expectCallsInFlightUntilRecorded(journal: RequestJournal): Promise<JournalState> {
  await journal.callStarted("run", journalCall("b", 2));
  await journal.callStarted("run", journalCall("a", 1));
  await journal.callFinished("run", journalRecord("a", 1));
  // A call noted but not made (its admission refused): withdrawn, it is not in flight.
  await journal.callStarted("run", journalCall("c", 3));
  await journal.callWithdrawn("run", journalCall("c", 3).id);
  const state = await journal.load("run");
  expect(state).toEqual({ inFlight: [journalCall("b", 2)], finished: [journalRecord("a", 1)] });
  expect(await journal.load("other")).toEqual({ finished: [], inFlight: [] });
  return state;
}

/** An ending is noted with the call that decided it, in one note. */
export async function expectEndingWithItsCall(journal: RequestJournal): Promise<void> {
  await journal.callStarted("run", journalCall("a", 1));
  await journal.ended("run", { kind: "finish", outcome: journalOutcome }, journalRecord("a", 1));
  expect(await journal.load("run")).toEqual({
    finished: [journalRecord("a", 1)],
    inFlight: [],
    ending: { kind: "finish", outcome: journalOutcome },
  });
}
