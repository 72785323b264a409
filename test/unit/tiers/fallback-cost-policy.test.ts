import { describe, expect, it } from "vitest";
import { fallbackWhileCooling } from "../../../src/tiers/fallback-cost-policy.js";

const base = { primaryOnlyCooling: true, primaryCost: 100n, fallbackCost: 400n, maxCostRatio: 2, mayDefer: true };

describe("fallbackWhileCooling", () => {
  it.each([
    ["a 4× dearer fallback while the primary only cools down", base, { allowed: false, ratio: 4 }],
    ["a fallback at exactly the ratio", { ...base, fallbackCost: 200n }, { allowed: true }],
    ["a cheaper fallback", { ...base, fallbackCost: 50n }, { allowed: true }],
    ["a primary that failed, not cooled", { ...base, primaryOnlyCooling: false }, { allowed: true }],
    ["a job whose deferrals are used up (the next tier costs more)", { ...base, mayDefer: false }, { allowed: true }],
    ["a free primary (no ratio)", { ...base, primaryCost: 0n }, { allowed: true }],
  ])("%s", (_name, facts, verdict) => {
    expect(fallbackWhileCooling(facts)).toEqual(verdict);
  });
});
