import { describe, expect, it } from "vitest";
import { createInMemoryLedgerWriter } from "../../../src/ledger/in-memory-ledger-writer.js";
import { failedOutcome, type AttemptRecord } from "../../../src/ledger/records.js";
import { ZERO_USAGE } from "../../../src/pricing/usage.js";

const attempt = (id: string): AttemptRecord => ({
  id,
  requestId: "r",
  attemptNo: 1,
  tier: "cheap",
  provider: "openai",
  model: "m",
  outcome: "ok",
  latencyMs: 1,
  usage: ZERO_USAGE,
  cost: 7n,
  startedAt: new Date(0),
  finishedAt: new Date(1),
});

describe("in-memory ledger writer", () => {
  it("writes each attempt once, however often it is handed over", async () => {
    const ledger = createInMemoryLedgerWriter();
    await ledger.write([attempt("a")]);
    await ledger.write([attempt("a"), attempt("b")]);
    expect(ledger.attempts().map((a) => a.id)).toEqual(["a", "b"]);
  });

  it("finishes only a queued request: the first ending stands, an unknown request is left alone", async () => {
    const ledger = createInMemoryLedgerWriter();
    ledger.addRequests(["r"]);
    expect(ledger.request("r")).toEqual({ status: "queued" });
    await ledger.write([], failedOutcome("r", "first"));
    await ledger.write([], failedOutcome("r", "second"));
    expect(ledger.request("r")).toMatchObject({ status: "failed", error: "first" });
    ledger.addRequests(["r"]);
    expect(ledger.request("r")).toMatchObject({ error: "first" });
    await ledger.write([], failedOutcome("ghost", "x"));
    expect(ledger.request("ghost")).toBeUndefined();
  });

  it("refuses writes once closed", async () => {
    const ledger = createInMemoryLedgerWriter();
    await ledger.close();
    await expect(ledger.write([attempt("a")])).rejects.toThrow("ledger writer is closed");
  });
});
