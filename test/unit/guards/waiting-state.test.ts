import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobWaits } from "../../../src/guards/job-waits.js";
import { availabilityOf, readModelAvailability } from "../../../src/guards/model-availability.js";
import { createModelGate } from "../../../src/guards/model-gate.js";
import { createTierBlock } from "../../../src/guards/tier-block.js";
import { parseRouterConfig } from "../../../src/config/load-config.js";
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from "../../helpers/redis.js";

/** The Redis state behind "why are these jobs waiting": a tier's blocked mark, a batch's deferred jobs, the gate read back. */
describe("waiting state on a real Redis", () => {
  const prefix = uniquePrefix();
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    redis?.disconnect();
    await deletePrefix(prefix);
  });

  it("a tier's blocked mark keeps its first start while refreshed, and a clear starts the next blockage afresh", async () => {
    const block = createTierBlock({ redis, prefix });
    expect(await block.note("premium", 1_000, 60_000)).toBe(1_000);
    expect(await block.note("premium", 4_000, 60_000)).toBe(1_000);
    expect(await block.read(["cheap", "premium"])).toEqual(new Map([["premium", 1_000]]));
    await block.clear("premium");
    expect(await block.read(["premium"])).toEqual(new Map());
    expect(await block.note("premium", 9_000, 60_000)).toBe(9_000);
  });

  it("a batch's deferred jobs: replaced at each deferral, forgotten when they move on, read in pages", async () => {
    const waits = createJobWaits({ redis, prefix });
    const wait = (requestId: string, untilMs: number) => ({
      requestId,
      tier: "premium",
      untilMs,
      waitedMs: 1_000,
      maxWaitMs: 5_000,
      models: [{ model: "claude-opus-4-7", reason: "circuit_open" as const, untilMs }],
    });
    for (let index = 0; index < 30; index++) await waits.record("b1", wait(`r${index}`, 100));
    await waits.record("b1", wait("r0", 200));
    await waits.clear("b1", "r1");
    const all = await waits.read("b1", 1_000);
    expect(all.total).toBe(29);
    expect(all.waits).toHaveLength(29);
    expect(all.waits.find((entry) => entry.requestId === "r0")?.untilMs).toBe(200);
    expect(all.waits.some((entry) => entry.requestId === "r1")).toBe(false);
    const capped = await waits.read("b1", 10);
    expect(capped).toMatchObject({ total: 29 });
    expect(capped.waits).toHaveLength(10);
    expect(await waits.read("other", 10)).toEqual({ waits: [], total: 0 });
  });

  it("reads the gate's own state: cooling down after a 429, circuit open after failures, until when", async () => {
    const config = parseRouterConfig({
      tiers: [
        {
          name: "premium",
          models: [
            { provider: "anthropic", model: "claude-opus-4-7" },
            { provider: "openai", model: "gpt-5.2" },
            { provider: "openai", model: "gpt-5.1" },
          ],
        },
      ],
      routing: { thresholds: [] },
    });
    const [opus, gpt52, gpt51] = config.tiers[0]!.models as [never, never, never];
    const gate = createModelGate({
      redis,
      prefix,
      settings: () => ({ circuitBreaker: { windowMs: 30_000, minCalls: 2, failureRate: 0.5, openMs: 40_000 }, defaultCooldownMs: 1_000 }),
    });
    await gate.report(opus, "rate_limited", { probe: false, retryAfterMs: 20_000 });
    await gate.report(gpt52, "failed", { probe: false });
    await gate.report(gpt52, "failed", { probe: false });
    const now = Date.now();
    const [cooling, open, fine] = await readModelAvailability(redis, prefix, [opus, gpt52, gpt51], now);
    expect(cooling).toMatchObject({ model: "claude-opus-4-7", state: "cooling_down" });
    expect(cooling!.untilMs! - now).toBeGreaterThan(15_000);
    expect(open).toMatchObject({ model: "gpt-5.2", state: "circuit_open" });
    expect(open!.untilMs! - now).toBeGreaterThan(35_000);
    expect(fine).toEqual({ provider: "openai", model: "gpt-5.1", state: "available" });
    // The metrics read the same keys through the gate (state-gauges.ts).
    const inspected = await Promise.all([opus, gpt52, gpt51].map((model) => gate.inspect(model)));
    expect(inspected.map((entry) => entry.circuitOpen)).toEqual([false, true, false]);
    expect(inspected[0]!.coolingDownMs).toBeGreaterThan(15_000);
    expect(inspected.slice(1).map((entry) => entry.coolingDownMs)).toEqual([0, 0]);
  });

  it("a tripped circuit past its open time is half open (one probe may go)", () => {
    const model = { provider: "openai", model: "m" };
    expect(availabilityOf(model, { coolingMs: 0, openMs: 0, tripped: true }, 0)).toEqual({ ...model, state: "half_open" });
    expect(availabilityOf(model, { coolingMs: 5, openMs: 9, tripped: true }, 100)).toEqual({
      ...model,
      state: "cooling_down",
      untilMs: 105,
    });
  });
});
