import { describe, expect, it } from "vitest";
import type { JobWait } from "../../../src/guards/job-waits.js";
import type { ModelAvailability } from "../../../src/guards/model-availability.js";
import { isWaiting, STALE_WAIT_MS, summarizeWaiting } from "../../../src/batches/waiting-summary.js";
import { describeWaiting } from "../../../src/report/render/describe-waiting.js";

const NOW = Date.parse("2026-12-03T09:00:00Z");
const wait = (requestId: string, models: JobWait["models"], overrides: Partial<JobWait> = {}): JobWait => ({
  requestId,
  tier: "premium",
  untilMs: NOW + 2_000,
  waitedMs: 3_000,
  maxWaitMs: 5_000,
  models,
  ...overrides,
});
const opusOpen = { model: "claude-opus-4-7", reason: "circuit_open" as const, untilMs: NOW + 20_000 };
const gptOpen = { model: "gpt-5.2", reason: "circuit_open" as const, untilMs: NOW + 21_000 };
const gate = (model: string, state: ModelAvailability["state"], untilMs?: number): ModelAvailability => ({
  provider: "openai",
  model,
  state,
  ...(untilMs === undefined ? {} : { untilMs }),
});

describe("why a batch's jobs wait (pure)", () => {
  it("counts the deferred jobs per busy model, with the gate's own until, and the tiers blocked", () => {
    const summary = summarizeWaiting({
      waits: [wait("a", [opusOpen, gptOpen]), wait("b", [opusOpen, gptOpen], { waitedMs: 4_500 }), wait("c", [opusOpen])],
      totalWaits: 3,
      gate: [
        gate("claude-opus-4-7", "circuit_open", NOW + 25_000),
        gate("gpt-5.2", "circuit_open", NOW + 26_000),
        gate("gpt-5.1", "available"),
      ],
      blockedTiers: new Map([["premium", NOW - 14_000]]),
      nowMs: NOW,
    });
    expect(summary).toEqual({
      deferredJobs: 3,
      sampled: false,
      models: [
        { model: "claude-opus-4-7", reason: "circuit_open", jobs: 3, until: "2026-12-03T09:00:25.000Z" },
        { model: "gpt-5.2", reason: "circuit_open", jobs: 2, until: "2026-12-03T09:00:26.000Z" },
      ],
      blockedTiers: [{ tier: "premium", since: "2026-12-03T08:59:46.000Z" }],
      maxWaitMs: { min: 5_000, max: 5_000 },
      longestWaitedMs: 4_500,
    });
    expect(describeWaiting(summary, NOW)).toEqual([
      "waiting for busy models: 3 deferred jobs",
      "  tier premium has had no usable model since 08:59:46Z (14s): its queue is paused, its jobs held",
      "  claude-opus-4-7 circuit open until 09:00:25Z (in 25s): 3 jobs waiting on it",
      "  gpt-5.2 circuit open until 09:00:26Z (in 26s): 2 jobs waiting on it",
      "  a job gives up waiting after 5s (maxWait), then escalates or fails; the longest has waited 5s",
    ]);
  });

  it("leaves out entries long over (the job moved on) and models the gate says recovered; shows busy models no job met yet", () => {
    const summary = summarizeWaiting({
      waits: [
        wait("old", [opusOpen], { untilMs: NOW - STALE_WAIT_MS - 1 }),
        wait("recovered", [{ model: "gpt-5.1", reason: "cooling_down", untilMs: NOW + 500 }]),
      ],
      totalWaits: 5,
      gate: [gate("claude-opus-4-7", "available"), gate("gpt-5.1", "available"), gate("gpt-5-mini", "cooling_down", NOW + 1_000)],
      blockedTiers: new Map(),
      nowMs: NOW,
    });
    expect(summary).toMatchObject({
      deferredJobs: 1,
      sampled: true,
      models: [{ model: "gpt-5-mini", reason: "cooling_down", jobs: 0, until: "2026-12-03T09:00:01.000Z" }],
    });
    expect(isWaiting(summary)).toBe(true);
    const idle = summarizeWaiting({ waits: [], totalWaits: 0, gate: [gate("m", "available")], blockedTiers: new Map(), nowMs: NOW });
    expect(isWaiting(idle)).toBe(false);
    expect(describeWaiting(idle, NOW)).toEqual([]);
  });
});
