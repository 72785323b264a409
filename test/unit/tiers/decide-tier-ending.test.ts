import { describe, expect, it } from "vitest";
import {
  decideTierEnding,
  isRealFailure,
  MAX_DEFERRAL_MS,
  MAX_ERROR_CHARS,
  type TierEnding,
  type TierEndingFacts,
} from "../../../src/tiers/decide-tier-ending.js";

const open = (model: string, retryInMs: number) => ({ model, reason: "circuit_open" as const, retryInMs });
const facts = (overrides: Partial<TierEndingFacts> = {}): TierEndingFacts => ({
  tier: "cheap",
  busy: [],
  attempts: [],
  deferrals: 0,
  maxDeferrals: 3,
  higherTier: "balanced",
  history: ["m1: cooling down"],
  ...overrides,
});

const cooling = (retryInMs: number) => ({ reason: "cooling_down" as const, retryInMs });
const rateLimited = { outcome: "error" as const, errorType: "rate_limited" };
const serverError = { outcome: "error" as const, errorType: "server_error" };
const invalid = { outcome: "invalid" as const, errorType: "invalid_output" };
const abandoned = { outcome: "abandoned" as const, errorType: "worker_died" };

describe("decideTierEnding: the wait bound (maxWaitMs)", () => {
  it("defers no longer than the wait left", () => {
    expect(decideTierEnding(facts({ busy: [open("opus", 4_000)], waitedMs: 9_000, maxWaitMs: 10_000 }))).toMatchObject({
      action: "defer",
      delayMs: 1_000,
    });
  });

  it("at the top tier, a job that has waited its bound fails, naming the busy models and how long they stay so", () => {
    const ending = decideTierEnding(
      facts({
        higherTier: undefined,
        tier: "premium",
        busy: [
          open("claude-opus-4-7", 20_000),
          open("claude-opus-4-7", 25_000),
          { model: "gpt-5.2", reason: "cooling_down", retryInMs: 900 },
        ],
        waitedMs: 600_000,
        maxWaitMs: 600_000,
      }),
    );
    expect(ending.action).toBe("fail");
    expect(ending.reason).toMatch(
      /^every tier failed \(top tier premium\): waited 600 s for busy models, the most allowed \(maxWaitMs 600000\): claude-opus-4-7 circuit open \(20 s left\), gpt-5.2 cooling down \(1 s left\); m1: cooling down$/,
    );
  });

  it("below the top, a job that has waited its bound escalates with the same reason", () => {
    const ending = decideTierEnding(facts({ busy: [open("gpt-5-mini", 5_000)], waitedMs: 70_000, maxWaitMs: 60_000 }));
    expect(ending).toMatchObject({ action: "escalate", to: "balanced" });
    expect(ending.reason).toMatch(/waited 70 s for busy models.*gpt-5-mini circuit open \(5 s left\)/);
  });
});

describe("decideTierEnding", () => {
  const table: [string, Partial<TierEndingFacts>, Partial<TierEnding>][] = [
    ["busy only, deferrals left → defer at the soonest retry", { busy: [cooling(800), cooling(300)] }, { action: "defer", delayMs: 300 }],
    ["a 429 is busy, not failed → defer", { busy: [cooling(900)], attempts: [rateLimited] }, { action: "defer", delayMs: 900 }],
    [
      "an abandoned call (worker died) is no failure → defer",
      { busy: [cooling(50)], attempts: [abandoned] },
      { action: "defer", delayMs: 50 },
    ],
    [
      "circuit open and rpm limits defer too",
      {
        busy: [
          { reason: "circuit_open", retryInMs: 2_000 },
          { reason: "rpm_limit", retryInMs: 1_500 },
        ],
      },
      { action: "defer", delayMs: 1_500 },
    ],
    ["the delay is capped", { busy: [cooling(60_000)] }, { action: "defer", delayMs: MAX_DEFERRAL_MS }],
    ["the delay is at least 1 ms", { busy: [cooling(0)] }, { action: "defer", delayMs: 1 }],
    ["the last deferral allowed still defers", { busy: [cooling(10)], deferrals: 2 }, { action: "defer" }],
    ["deferrals used up → escalate", { busy: [cooling(10)], deferrals: 3 }, { action: "escalate", to: "balanced" }],
    [
      "busy plus a server error → escalate, no waiting",
      { busy: [cooling(10)], attempts: [rateLimited, serverError] },
      { action: "escalate", to: "balanced" },
    ],
    ["busy plus an invalid answer → escalate", { busy: [cooling(10)], attempts: [invalid] }, { action: "escalate", to: "balanced" }],
    ["nothing busy, only failures → escalate", { attempts: [serverError] }, { action: "escalate", to: "balanced" }],
    ["no model could take it (context window) → escalate", {}, { action: "escalate", to: "balanced" }],
    ["maxDeferrals 0: busy escalates at once", { busy: [cooling(10)], maxDeferrals: 0 }, { action: "escalate" }],
    ["top tier, failures → fail", { higherTier: undefined, attempts: [invalid], tier: "premium" }, { action: "fail" }],
    ["top tier, deferrals used up → fail", { higherTier: undefined, busy: [cooling(10)], deferrals: 3 }, { action: "fail" }],
    ["busy tier → the whole tier queue waits", { busy: [cooling(10)] }, { action: "defer", scope: "tier" }],
    ["pinned model busy → still defers, this job alone", { pinnedModel: "m1", busy: [cooling(10)] }, { action: "defer", scope: "job" }],
    ["pinned model failed → fail, never escalate", { pinnedModel: "m1", attempts: [serverError] }, { action: "fail" }],
  ];
  it.each(table)("%s", (_name, overrides, expected) => {
    expect(decideTierEnding(facts(overrides))).toMatchObject(expected);
  });

  it("says why it escalates", () => {
    expect(decideTierEnding(facts({ attempts: [invalid] }))).toMatchObject({ reason: "tier cheap: a model failed or answered badly" });
    expect(decideTierEnding(facts({ busy: [cooling(1)], deferrals: 3 }))).toMatchObject({
      reason: "tier cheap: its models stayed busy through 3 deferrals: a model cooling down (1 s left)",
    });
    expect(decideTierEnding(facts())).toMatchObject({ reason: "tier cheap: no model could take the job" });
  });

  it("a top-tier job that ran out of deferrals fails naming the busy models, not only its history", () => {
    const ending = decideTierEnding(
      facts({
        tier: "premium",
        higherTier: undefined,
        busy: [open("claude-opus-4-7", 3_000)],
        deferrals: 3,
        history: ["opus: circuit open"],
      }),
    );
    expect(ending).toEqual({
      action: "fail",
      reason:
        "every tier failed (top tier premium): its models stayed busy through 3 deferrals: claude-opus-4-7 circuit open (3 s left); opus: circuit open",
    });
  });

  it("names the busy reasons and the deferral count", () => {
    const ending = decideTierEnding(facts({ busy: [cooling(5), cooling(6), { reason: "tpm_limit", retryInMs: 7 }], deferrals: 1 }));
    expect(ending).toEqual({
      action: "defer",
      delayMs: 5,
      scope: "tier",
      reason: "every usable model of tier cheap is busy (cooling_down, tpm_limit): deferral 2 of 3",
    });
  });

  it("a failure names the whole history, top tier or pinned model, and is capped in length", () => {
    const history = ["cheap-a: 500", "top-a: invalid label"];
    expect(decideTierEnding(facts({ tier: "premium", higherTier: undefined, history }))).toEqual({
      action: "fail",
      reason: "every tier failed (top tier premium): cheap-a: 500; top-a: invalid label",
    });
    expect(decideTierEnding(facts({ pinnedModel: "top-a", history }))).toEqual({
      action: "fail",
      reason: "pinned model top-a gave no valid answer: cheap-a: 500; top-a: invalid label",
    });
    const long = decideTierEnding(facts({ higherTier: undefined, history: ["x".repeat(10_000)] }));
    expect(long.reason).toHaveLength(MAX_ERROR_CHARS);
  });
});

describe("isRealFailure", () => {
  it("counts invalid answers and non-429 errors, not 429s, successes or abandoned calls", () => {
    expect([invalid, serverError, rateLimited, abandoned, { outcome: "ok" as const }].map(isRealFailure)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
