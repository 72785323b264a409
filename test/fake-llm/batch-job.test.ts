import { describe, expect, it } from "vitest";
import { BatchJob, type BatchItem, type ItemHooks, type ItemResult } from "../../src/fake-llm/batch-job.js";
import { pageAfter, pageAround, parseLimit } from "../../src/fake-llm/batch-pagination.js";

const items = (n: number): BatchItem[] =>
  Array.from({ length: n }, (_, i) => ({
    customId: `c${i}`,
    model: "m",
    request: { model: "m", system: "", messages: [], maxOutputTokens: undefined },
  }));

/** Answers every item with a fixed completion and records what ended how. */
function recordingHooks(): ItemHooks & { answered: string[]; missed: string[] } {
  const answered: string[] = [];
  const missed: string[] = [];
  return {
    answered,
    missed,
    answer(item, atMs): ItemResult {
      answered.push(item.customId);
      const completion = {
        text: "ok",
        truncated: false,
        promptTokens: 1,
        outputTokens: 1,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        cacheWrite1hTokens: 0,
      };
      return { type: "answered", invalid: false, completion, drawId: "d", answeredAtMs: atMs };
    },
    unanswered: (item) => void missed.push(item.customId),
  };
}

const plan = (overrides: Partial<ConstructorParameters<typeof BatchJob>[3]> = {}) => ({
  createdAtMs: 0,
  latencyMs: 1000,
  expiredCount: 0,
  cancelMs: 0,
  orderSeed: 7,
  ...overrides,
});

describe("BatchJob timeline", () => {
  it("validates, answers items as they fall due, finalizes, then ends", () => {
    const job = new BatchJob("openai", "b", items(4), plan());
    const hooks = recordingHooks();
    expect(job.state(0)).toBe("validating");
    job.advance(49, hooks);
    expect(job.settledCount).toBe(0);
    // Items fall due at 50 + 850 * k / 4: 262.5, 475, 687.5, 900.
    job.advance(475, hooks);
    expect(job.state(475)).toBe("in_progress");
    expect(job.settledCount).toBe(2);
    job.advance(950, hooks);
    expect(job.state(950)).toBe("finalizing");
    expect(job.settledCount).toBe(4);
    job.advance(1000, hooks);
    expect([job.state(1000), job.endReason, job.endedAt]).toEqual(["ended", "completed", 1000]);
    expect(new Set(hooks.answered)).toEqual(new Set(["c0", "c1", "c2", "c3"]));
    // Each item answered once, prompts dropped.
    expect(hooks.answered).toHaveLength(4);
    expect(job.items.every((i) => i.request === undefined)).toBe(true);
  });

  it("answers at most `budget` items per step and ends only once every due answer is in", () => {
    const job = new BatchJob("openai", "b", items(5), plan());
    const hooks = recordingHooks();
    expect(job.advance(2000, hooks, 2)).toBe(true);
    expect([job.settledCount, job.state(2000)]).toEqual([2, "finalizing"]);
    expect(job.advance(2000, hooks, 2)).toBe(true);
    expect(job.advance(2000, hooks, 2)).toBe(false);
    expect([job.settledCount, job.state(2000), job.endedAt]).toEqual([5, "ended", 1000]);
  });

  it("answers in a seeded shuffled order, the same for the same seed", () => {
    const order = (seed: number) => {
      const job = new BatchJob("openai", "b", items(20), plan({ orderSeed: seed }));
      job.advance(1000, recordingHooks());
      return [...job.results()].map((i) => i.customId);
    };
    expect(order(7)).toEqual(order(7));
    expect(order(7)).not.toEqual(order(8));
    expect(order(7)).not.toEqual(items(20).map((i) => i.customId));
  });

  it("expires the planned number of items at the end, unanswered", () => {
    const job = new BatchJob("anthropic", "b", items(10), plan({ expiredCount: 3 }));
    const hooks = recordingHooks();
    job.advance(1000, hooks);
    expect(job.endReason).toBe("expired");
    expect([hooks.answered.length, hooks.missed.length, job.countBy("expired")]).toEqual([7, 3, 3]);
  });

  it("a cancel keeps what is due, cancels the rest at once and ends after cancelMs", () => {
    const job = new BatchJob("openai", "b", items(4), plan({ cancelMs: 100 }));
    const hooks = recordingHooks();
    expect(job.cancel(500, hooks)).toBe(true);
    expect(job.state(500)).toBe("canceling");
    expect([job.countBy("answered"), job.countBy("canceled")]).toEqual([2, 2]);
    expect(job.cancel(550, hooks)).toBe(false);
    job.advance(599, hooks);
    expect(job.state(599)).toBe("canceling");
    job.advance(600, hooks);
    expect([job.endReason, job.endedAt]).toEqual(["canceled", 600]);
    expect(hooks.answered).toHaveLength(2);
  });

  it("a batch that never ends stays in progress and has no timer", () => {
    const job = new BatchJob("openai", "b", items(2), plan({ latencyMs: Infinity }));
    job.advance(1e12, recordingHooks());
    expect([job.state(1e12), job.settledCount, job.nextWakeMs()]).toEqual(["in_progress", 0, undefined]);
  });
});

describe("batch list pages", () => {
  const ids = ["e", "d", "c", "b", "a"]; // newest first

  it.each([
    [undefined, 2, ["e", "d"], true],
    ["d", 2, ["c", "b"], true],
    ["b", 2, ["a"], false],
    ["a", 2, [], false],
  ])("after %s, limit %i", (after, limit, page, hasMore) => {
    expect(pageAfter(ids, after, limit)).toEqual({ ok: true, ids: page, hasMore });
  });

  it("pages back with before_id and refuses unknown or double cursors", () => {
    expect(pageAround(ids, { beforeId: "b" }, 2)).toEqual({ ok: true, ids: ["d", "c"], hasMore: true });
    expect(pageAround(ids, { beforeId: "d" }, 2)).toEqual({ ok: true, ids: ["e"], hasMore: false });
    expect(pageAround(ids, { afterId: "zz" }, 2)).toMatchObject({ ok: false });
    expect(pageAround(ids, { afterId: "e", beforeId: "a" }, 2)).toMatchObject({ ok: false });
  });

  it("reads limit", () => {
    expect(parseLimit(null, 20, 100)).toBe(20);
    expect(parseLimit("5", 20, 100)).toBe(5);
    expect(parseLimit("0", 20, 100)).toMatch(/from 1 to 100/);
    expect(parseLimit("x", 20, 100)).toMatch(/from 1 to 100/);
  });
});
