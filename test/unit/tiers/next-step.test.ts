import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  DEFAULT_BASE_DELAY_MS,
  nextStep,
  nextTier,
  type AttemptFailure,
  type RetryPolicy,
} from "../../../src/tiers/next-step.js";

const POLICY: RetryPolicy = { retriesPerModel: 2, maxRetryDelayMs: 10_000, rateLimitCooldownMs: 1_000, baseDelayMs: 250 };
const RANDOMS = [0, 0.001, 0.25, 0.5, 0.75, 0.999_999];

const retryable = (retryAfterMs?: number): AttemptFailure => ({
  kind: "error",
  retryable: true,
  escalate: true,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

describe("backoffDelayMs", () => {
  it("has a 250 ms default base", () => {
    expect(DEFAULT_BASE_DELAY_MS).toBe(250);
  });

  it("is full jitter over base·2^retry", () => {
    expect(backoffDelayMs(0, POLICY, 0)).toBe(0);
    expect(backoffDelayMs(0, POLICY, 0.5)).toBe(125);
    expect(backoffDelayMs(1, POLICY, 0.5)).toBe(250);
    expect(backoffDelayMs(2, POLICY, 0.5)).toBe(500);
    expect(backoffDelayMs(3, POLICY, 0.999)).toBe(1998);
  });

  it("grows with the retry index for the same random draw", () => {
    const delays = [0, 1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, POLICY, 0.9));
    expect(delays).toEqual([225, 450, 900, 1800, 3600, 7200]);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]!);
  });

  it("never exceeds maxRetryDelayMs, however many retries or however long the retry-after", () => {
    for (const retry of [0, 1, 5, 10, 30, 100, 2000]) {
      for (const random of RANDOMS) {
        for (const retryAfter of [undefined, 0, 5_000, 10_000, 60_000, Number.MAX_SAFE_INTEGER]) {
          const delay = backoffDelayMs(retry, POLICY, random, retryAfter);
          expect(delay).toBeLessThanOrEqual(POLICY.maxRetryDelayMs);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(Number.isInteger(delay)).toBe(true);
        }
      }
    }
    expect(backoffDelayMs(100, POLICY, 0.999_999)).toBe(9_999);
    expect(backoffDelayMs(2, POLICY, 0.5, 60_000)).toBe(10_000);
  });

  it("is never sooner than a retry-after within the bound", () => {
    for (const retry of [0, 1, 3, 10]) {
      for (const random of RANDOMS) {
        for (const retryAfter of [1, 400, 2_500, 9_999, 10_000]) {
          expect(backoffDelayMs(retry, POLICY, random, retryAfter)).toBeGreaterThanOrEqual(retryAfter);
        }
      }
    }
    expect(backoffDelayMs(0, POLICY, 0.5, 3_000)).toBe(3_000);
    // a jittered delay longer than the retry-after wins
    expect(backoffDelayMs(5, POLICY, 0.5, 1_000)).toBe(4_000);
  });

  it("is zero when maxRetryDelayMs is zero", () => {
    expect(backoffDelayMs(3, { ...POLICY, maxRetryDelayMs: 0 }, 0.9, 5_000)).toBe(0);
  });
});

describe("nextStep", () => {
  it("moves to the next model after an invalid answer, even with retries left", () => {
    expect(nextStep({ kind: "invalid" }, 0, POLICY, 0.5)).toEqual({ action: "next-model" });
  });

  it("retries a retryable error while retries are left, with the backoff for that retry", () => {
    expect(nextStep(retryable(), 0, POLICY, 0.5)).toEqual({ action: "retry", delayMs: 125 });
    expect(nextStep(retryable(), 1, POLICY, 0.5)).toEqual({ action: "retry", delayMs: 250 });
  });

  it("honours a retry-after within maxRetryDelayMs", () => {
    expect(nextStep(retryable(4_000), 0, POLICY, 0.5)).toEqual({ action: "retry", delayMs: 4_000 });
    expect(nextStep(retryable(10_000), 0, POLICY, 0.5)).toEqual({ action: "retry", delayMs: 10_000 });
  });

  it("moves on once the model's retries are used up", () => {
    expect(nextStep(retryable(), 2, POLICY, 0.5)).toEqual({ action: "next-model" });
    expect(nextStep(retryable(), 3, POLICY, 0.5)).toEqual({ action: "next-model" });
    expect(nextStep(retryable(), 0, { ...POLICY, retriesPerModel: 0 }, 0.5)).toEqual({ action: "next-model" });
  });

  it("moves on at once when the retry-after is longer than maxRetryDelayMs", () => {
    expect(nextStep(retryable(10_001), 0, POLICY, 0.5)).toEqual({ action: "next-model" });
  });

  it("moves on without retrying an error that is not retryable but may succeed elsewhere", () => {
    expect(nextStep({ kind: "error", retryable: false, escalate: true }, 0, POLICY, 0.5)).toEqual({ action: "next-model" });
  });

  it("abandons an error that is neither retryable nor worth escalating (shutdown)", () => {
    expect(nextStep({ kind: "error", retryable: false, escalate: false }, 0, POLICY, 0.5)).toEqual({ action: "abandon" });
    expect(nextStep({ kind: "error", retryable: false, escalate: false, retryAfterMs: 10 }, 5, POLICY, 0.5)).toEqual({
      action: "abandon",
    });
  });
});

describe("nextTier", () => {
  const TIERS = ["cheap", "balanced", "premium"] as const;

  it("returns the next tier up", () => {
    expect(nextTier(TIERS, "cheap")).toBe("balanced");
    expect(nextTier(TIERS, "balanced")).toBe("premium");
  });

  it("returns undefined at the top", () => {
    expect(nextTier(TIERS, "premium")).toBeUndefined();
    expect(nextTier(["only"], "only")).toBeUndefined();
  });

  it("throws for a tier it does not know", () => {
    expect(() => nextTier(TIERS, "gold")).toThrow('unknown tier "gold"');
    expect(() => nextTier([], "cheap")).toThrow('unknown tier "cheap"');
  });
});

describe("nextStep after a 429", () => {
  const rateLimited = (retryAfterMs?: number): AttemptFailure => ({
    kind: "error",
    retryable: true,
    escalate: true,
    rateLimited: true,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

  it("never retries the same model: it cools down for the retry-after, with retries left or not", () => {
    expect(nextStep(rateLimited(2_000), 0, POLICY, 0.5)).toEqual({ action: "cool-down", waitMs: 2_000 });
    expect(nextStep(rateLimited(2_000), 5, POLICY, 0.5)).toEqual({ action: "cool-down", waitMs: 2_000 });
  });

  it("cools down for the configured default when the provider gave no retry-after", () => {
    expect(nextStep(rateLimited(), 0, POLICY, 0.5)).toEqual({ action: "cool-down", waitMs: 1_000 });
  });
});
