import { describe, expect, it } from "vitest";
import { describeFailure, knownKindOf } from "../../../src/cli/exit.js";
import { ConfigError } from "../../../src/config/load-config.js";
import { EXIT_CODES, RouterError, UsageError, type ErrorKind } from "../../../src/errors/router-error.js";
import { ProviderError } from "../../../src/providers/provider-error.js";
import { BatchNotFoundError } from "../../../src/report/query/batch-status.js";
import { UnpricedModelsError } from "../../../src/pricing/price-book.js";

const systemError = (code: string) => Object.assign(new Error(`${code}: something`), { code, syscall: "open" });

describe("describeFailure: the one rendering of a failed command", () => {
  it.each<[string, unknown, ErrorKind]>([
    ["a usage error", new UsageError('--seed "x" must be an integer'), "usage"],
    ["a config error", new ConfigError("invalid config tiers.yaml"), "config"],
    ["an unpriced model", new UnpricedModelsError(["openai:x"]), "config"],
    ["a missing batch", new BatchNotFoundError("no batch b-1"), "not_found"],
    ["a provider error", new ProviderError("openai", "auth", "openai answered 401", { retryable: false, escalate: false }), "provider"],
    ["a missing file", systemError("ENOENT"), "input"],
    ["a refused connection", systemError("ECONNREFUSED"), "unavailable"],
    ["every address refused", new AggregateError([systemError("ECONNREFUSED")], ""), "unavailable"],
  ])("%s is known: one line, its kind's exit code", (_, error, kind) => {
    expect(knownKindOf(error)).toBe(kind);
    const failure = describeFailure(error, false);
    expect(failure.code).toBe(EXIT_CODES[kind]);
    expect(failure.text).toBe(`error: ${(error as Error).message}\n`);
  });

  it("usage is 2, every other kind keeps the documented 1", () => {
    expect(EXIT_CODES.usage).toBe(2);
    for (const kind of Object.keys(EXIT_CODES) as ErrorKind[]) if (kind !== "usage") expect(EXIT_CODES[kind]).toBe(1);
    expect(new RouterError("ledger", "x").exitCode).toBe(1);
  });

  it("anything else is an internal error: exit 1, a hint, and the stack only with debug", () => {
    const bug = new TypeError("cannot read properties of undefined");
    expect(knownKindOf(bug)).toBeUndefined();
    const plain = describeFailure(bug, false);
    expect(plain).toEqual({ code: 1, text: "internal error: cannot read properties of undefined (LOG_LEVEL=debug shows the stack)\n" });
    const debug = describeFailure(bug, true);
    expect(debug.text).toMatch(/^internal error: cannot read properties of undefined\nTypeError: .*\n\s+at /);
    expect(describeFailure("a string", false).text).toMatch(/^internal error: a string/);
  });

  it("a known error shows its stack with debug too", () => {
    expect(describeFailure(new UsageError("bad flag"), true).text).toMatch(/^error: bad flag\nUsageError: bad flag\n\s+at /);
  });
});
