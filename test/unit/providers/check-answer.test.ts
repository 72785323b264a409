import { describe, expect, it } from "vitest";
import { checkAnswer, usageIssueOf } from "../../../src/providers/check-answer.js";

const GOOD = { inputTokens: 100, outputTokens: 7, cacheReadTokens: 20, cacheWriteTokens: 10, cacheWrite1hTokens: 0 };
const ESTIMATE = { inputTokens: 120, outputTokens: 9 };

describe("checkAnswer (the provider boundary)", () => {
  it("passes a good answer through untouched", () => {
    expect(checkAnswer("billing", GOOD, ESTIMATE)).toEqual({ text: "billing", usage: GOOD });
  });

  it("marks an answer with a NUL character unstorable (Postgres text refuses it)", () => {
    const checked = checkAnswer("bill\u0000ing", GOOD, ESTIMATE);
    expect(checked.unstorable).toMatch(/NUL character/);
    expect(checked.usage).toEqual(GOOD);
  });

  it.each([
    ["no usage at all", undefined, "missing"],
    ["a count absent", { ...GOOD, outputTokens: undefined }, "missing"],
    ["a count not a number", { ...GOOD, inputTokens: "100" }, "missing"],
    ["a negative count", { ...GOOD, outputTokens: -5 }, "negative"],
    ["a count beyond a Postgres integer", { ...GOOD, outputTokens: 3_000_000_000 }, "out_of_range"],
    ["a fractional count", { ...GOOD, inputTokens: 1.5 }, "out_of_range"],
    ["cache parts larger than the prompt", { ...GOOD, cacheReadTokens: 200 }, "out_of_range"],
  ] as const)("%s: flagged and priced from the estimate", (_name, reported, issue) => {
    expect(usageIssueOf(reported)).toBe(issue);
    expect(checkAnswer("billing", reported, ESTIMATE)).toEqual({
      text: "billing",
      usageIssue: issue,
      usage: { inputTokens: 120, outputTokens: 9, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 },
    });
  });
});
