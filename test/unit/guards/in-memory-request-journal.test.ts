import { describe, expect, it } from "vitest";
import { createInMemoryRequestJournal } from "../../../src/guards/in-memory-request-journal.js";
import { manualClock } from "../../helpers/in-memory-stage.js";
import { journalCall as call, journalOutcome as outcome, journalRecord as record } from "../../helpers/journal-fixtures.js";

describe("in-memory request journal", () => {
  it("keeps started calls in flight until their record replaces them, in attempt order, as exact copies", async () => {
    const journal = createInMemoryRequestJournal();
    await journal.callStarted("run", call("b", 2));
    await journal.callStarted("run", call("a", 1));
    await journal.callFinished("run", record("a", 1));
    const state = await journal.load("run");
    expect(state.inFlight).toEqual([call("b", 2)]);
    expect(state.finished).toEqual([record("a", 1)]);
    expect(state.ending).toBeUndefined();
    state.finished[0]!.cost = 0n;
    expect((await journal.load("run")).finished[0]!.cost).toBe(123_456_789_012_345n);
    expect(await journal.load("other")).toEqual({ finished: [], inFlight: [] });
  });

  it("notes an ending with its deciding call in one step; clear forgets; retire keeps it only a while", async () => {
    const clock = manualClock();
    const journal = createInMemoryRequestJournal({ now: clock.nowMs });
    await journal.callStarted("run", call("a", 1));
    await journal.ended("run", { kind: "finish", outcome }, record("a", 1));
    const state = await journal.load("run");
    expect(state).toEqual({ finished: [record("a", 1)], inFlight: [], ending: { kind: "finish", outcome } });
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
