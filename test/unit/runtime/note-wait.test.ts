import { describe, expect, it } from "vitest";
import type { JobWait } from "../../../src/guards/job-waits.js";
import type { TierJob } from "../../../src/queue/job-payloads.js";
import { noteWait } from "../../../src/runtime/note-wait.js";

function recordingWaits() {
  const calls: (["record", string, JobWait] | ["clear", string, string])[] = [];
  return {
    calls,
    waits: {
      record: async (batchId: string, wait: JobWait) => void calls.push(["record", batchId, wait]),
      clear: async (batchId: string, requestId: string) => void calls.push(["clear", batchId, requestId]),
    },
  };
}

const job = (overrides: Partial<TierJob> = {}): Partial<TierJob> => ({
  batchId: "b1",
  requestId: "r1",
  deferrals: 0,
  waitedMs: 0,
  ...overrides,
});

describe("noteWait: why a job waits, noted at its deferral and forgotten when it moves on", () => {
  it("records a deferral's busy models and until when", async () => {
    const { calls, waits } = recordingWaits();
    const deferred = {
      status: "deferred" as const,
      delayMs: 2_000,
      scope: "tier" as const,
      busy: [{ model: "gpt-5-mini", reason: "cooling_down" as const, retryInMs: 1_500 }],
      maxWaitMs: 60_000,
      job: { ...job(), deferrals: 1, waitedMs: 2_000 } as TierJob,
    };
    await noteWait(waits, "cheap", job(), deferred, 10_000);
    expect(calls).toEqual([
      [
        "record",
        "b1",
        {
          requestId: "r1",
          tier: "cheap",
          untilMs: 12_000,
          waitedMs: 2_000,
          maxWaitMs: 60_000,
          models: [{ model: "gpt-5-mini", reason: "cooling_down", untilMs: 11_500 }],
        },
      ],
    ]);
  });

  it("forgets the note when a job that deferred in this tier ends or moves on", async () => {
    const { calls, waits } = recordingWaits();
    await noteWait(waits, "cheap", job({ deferrals: 2, waitedMs: 4_000 }), { status: "succeeded", model: "m" });
    await noteWait(waits, "cheap", job({ deferrals: 1, waitedMs: 2_000 }), { status: "escalated", to: "balanced" });
    expect(calls).toEqual([
      ["clear", "b1", "r1"],
      ["clear", "b1", "r1"],
    ]);
  });

  it("writes nothing for a job that never deferred here (one escalated after waiting below included) or a shadow check", async () => {
    const { calls, waits } = recordingWaits();
    await noteWait(waits, "balanced", job({ deferrals: 0, waitedMs: 8_000 }), { status: "succeeded", model: "m" });
    await noteWait(waits, "cheap", job(), { status: "succeeded", model: "m" });
    await noteWait(waits, "premium", job({ deferrals: 3, shadowOf: { tier: "cheap", model: "m", answer: "a" } } as Partial<TierJob>), {
      status: "succeeded",
      model: "m",
    });
    expect(calls).toEqual([]);
  });
});
