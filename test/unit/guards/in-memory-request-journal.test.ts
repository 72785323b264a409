import { describe, expect, it } from "vitest";
import { createInMemoryRequestJournal } from "../../../src/guards/in-memory-request-journal.js";
import { manualClock } from "../../helpers/in-memory-stage.js";
import { expectCallsInFlightUntilRecorded, expectEndingWithItsCall, journalCall as call } from "../../helpers/journal-fixtures.js";

describe("in-memory request journal", () => {
  it("keeps started calls in flight until their record replaces them, in attempt order, as exact copies", async () => {
    const journal = createInMemoryRequestJournal();
    const state = await expectCallsInFlightUntilRecorded(journal);
    state.finished[0]!.cost = 0n;
    expect((await journal.load("run")).finished[0]!.cost).toBe(123_456_789_012_345n);
  });

  it("notes an ending with its deciding call in one step; clear forgets; retire keeps it only a while", async () => {
    const clock = manualClock();
    const journal = createInMemoryRequestJournal({ now: clock.nowMs });
    await expectEndingWithItsCall(journal);
    await journal.retire("run", 1_000);
    clock.advance(999);
    expect((await journal.load("run")).ending).toBeDefined();
    clock.advance(1);
    expect(await journal.load("run")).toEqual({ finished: [], inFlight: [] });
    await journal.callStarted("run2", call("x", 1));
    await journal.clear("run2");
    expect(journal.size()).toBe(0);
  });

  it("expires an orphaned run after a week", async () => {
    const clock = manualClock();
    const journal = createInMemoryRequestJournal({ now: clock.nowMs });
    await journal.callStarted("run", call("a", 1));
    clock.advance(7 * 24 * 3600 * 1000 - 1);
    expect(journal.size()).toBe(1);
    clock.advance(1);
    expect(journal.size()).toBe(0);
  });
});
