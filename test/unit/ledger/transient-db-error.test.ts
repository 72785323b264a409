import { describe, expect, it } from "vitest";
import { dbErrorReason, isTransientDbError } from "../../../src/ledger/transient-db-error.js";
import { LedgerWriteError, persist } from "../../../src/ledger/persist.js";

const withCode = (code: string, message = `error ${code}`) => Object.assign(new Error(message), { code });

describe("isTransientDbError", () => {
  it.each<[string, unknown, boolean]>([
    ["connection refused", withCode("ECONNREFUSED"), true],
    ["connection reset", withCode("ECONNRESET"), true],
    ["socket timeout", withCode("ETIMEDOUT"), true],
    ["broken pipe", withCode("EPIPE"), true],
    ["every address refused", new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")], ""), true],
    ["08000 connection_exception", withCode("08000"), true],
    ["08006 connection_failure", withCode("08006"), true],
    ["08P01 protocol_violation (class 08)", withCode("08P01"), true],
    ["57P01 admin_shutdown", withCode("57P01"), true],
    ["57P02 crash_shutdown", withCode("57P02"), true],
    ["57P03 cannot_connect_now", withCode("57P03"), true],
    ["53300 too_many_connections", withCode("53300"), true],
    ["40001 serialization_failure", withCode("40001"), true],
    ["40P01 deadlock_detected", withCode("40P01"), true],
    ["57014 statement timeout", withCode("57014"), true],
    ["pg: connection terminated", new Error("Connection terminated unexpectedly"), true],
    ["pg-pool: connect timeout", new Error("timeout exceeded when trying to connect"), true],
    ["drizzle wrapping a pg connection loss", new Error("Failed query: insert …", { cause: withCode("57P01") }), true],
    ["42501 insufficient_privilege", withCode("42501", "permission denied for table attempts"), false],
    ["23505 unique_violation", withCode("23505"), false],
    ["23502 not_null_violation", withCode("23502"), false],
    ["22P02 invalid_text_representation", withCode("22P02"), false],
    ["42703 undefined_column", withCode("42703"), false],
    ["42P01 undefined_table", withCode("42P01"), false],
    ["53100 disk_full (needs a person)", withCode("53100"), false],
    ["drizzle wrapping a revoked grant", new Error("Failed query: insert …", { cause: withCode("42501") }), false],
    ["a SQLSTATE beats a connection-like message", withCode("42501", "connection terminated? no: permission denied"), false],
    ["a plain bug", new TypeError("cannot read properties of undefined"), false],
    ["not an error", "boom", false],
    ["undefined", undefined, false],
  ])("%s → %s", (_, error, transient) => {
    expect(isTransientDbError(error)).toBe(transient);
  });
});

describe("dbErrorReason", () => {
  it("names the database's own error, not the wrapper that repeats the statement and its parameters", () => {
    const wrapped = new Error("Failed query: insert into attempts … params: secret answer", {
      cause: withCode("42501", "permission denied for table attempts"),
    });
    expect(dbErrorReason(wrapped)).toBe("permission denied for table attempts (SQLSTATE 42501)");
    expect(dbErrorReason(new Error("Connection terminated unexpectedly"))).toBe("Connection terminated unexpectedly");
  });
});

describe("persist", () => {
  it("waits out transient failures and returns the write's result", async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await persist(
      async () => {
        calls += 1;
        if (calls < 3) throw withCode("ECONNREFUSED");
        return "written";
      },
      { maxDelayMs: 1, onRetry: (_error, attempt) => retries.push(attempt) },
    );
    expect(result).toBe("written");
    expect(calls).toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it("fails at once on a permanent error, with the reason and the cause", async () => {
    let calls = 0;
    const denied = withCode("42501", "permission denied for table attempts");
    const failure = await persist(
      async () => {
        calls += 1;
        throw denied;
      },
      { what: "attempts", maxDelayMs: 1 },
    ).catch((error: unknown) => error);
    expect(calls).toBe(1);
    expect(failure).toBeInstanceOf(LedgerWriteError);
    expect((failure as LedgerWriteError).message).toBe(
      "ledger write failed (attempts): permission denied for table attempts (SQLSTATE 42501)",
    );
    expect((failure as LedgerWriteError).kind).toBe("ledger");
    expect((failure as LedgerWriteError).cause).toBe(denied);
  });
});
