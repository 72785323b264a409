import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { COOLING_PROBE_RECHECK_MS, admit } from "../../../src/guards/gate-scripts/admit.js";
import { coolDown } from "../../../src/guards/gate-scripts/cool-down.js";
import { endCoolDown } from "../../../src/guards/gate-scripts/end-cool-down.js";
import { releaseProbe } from "../../../src/guards/gate-scripts/release-probe.js";
import { reportCall, type WindowSettings } from "../../../src/guards/gate-scripts/report-call.js";
import { modelKeys, type ModelKeys } from "../../../src/queue/redis-keys.js";
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from "../../helpers/redis.js";

/** Each gate script alone, on a real Redis: the state it reads and the keys it leaves. */
describe("the model gate's Lua scripts", () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  let keys: ModelKeys;
  let modelNo = 0;
  const exists = async (key: string) => (await redis.exists(key)) === 1;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  beforeEach(() => {
    keys = modelKeys(prefix, { provider: "openai", model: `m${modelNo++}` });
  });
  afterAll(async () => {
    redis?.disconnect();
    await deletePrefix(prefix);
  });

  describe("admit", () => {
    it("admits a call to a healthy model without taking any slot", async () => {
      expect(await admit(redis, keys, 1_000)).toEqual({ state: "closed", waitMs: 0, coolingProbe: false });
      expect(await exists(keys.probe)).toBe(false);
      expect(await exists(keys.coolingProbe)).toBe(false);
    });

    it("refuses while cooling down, saying how long is left", async () => {
      await redis.set(keys.cooldown, "1", "PX", 60_000);
      const decision = await admit(redis, keys, 1_000);
      expect(decision.state).toBe("cooling");
      expect(decision.waitMs).toBeGreaterThan(0);
      expect(decision.waitMs).toBeLessThanOrEqual(60_000);
    });

    it("after a cool-down lets exactly one call go first", async () => {
      await redis.set(keys.cooled, "1", "PX", 60_000);
      expect(await admit(redis, keys, 30_000)).toEqual({ state: "closed", waitMs: 0, coolingProbe: true });
      const second = await admit(redis, keys, 30_000);
      expect(second.state).toBe("cooling");
      expect(second.coolingProbe).toBe(false);
      expect(second.waitMs).toBeGreaterThan(0);
    });

    it("tells callers refused behind the cooling probe to check again soon, not after the probe slot's TTL", async () => {
      await redis.set(keys.cooled, "1", "PX", 60_000);
      await admit(redis, keys, 65_000);
      const waiting = await admit(redis, keys, 65_000);
      expect(waiting.state).toBe("cooling");
      // Before: the probe key's TTL (~65 s), which a deferral capped at 5 s — every pinned job sat out 5 s per 429.
      expect(waiting.waitMs).toBeLessThanOrEqual(COOLING_PROBE_RECHECK_MS);
    });

    it("refuses while the circuit is open, and gives back the cooling slot it took", async () => {
      await redis.set(keys.cooled, "1", "PX", 60_000);
      await redis.set(keys.open, "1", "PX", 60_000);
      const decision = await admit(redis, keys, 30_000);
      expect(decision.state).toBe("open");
      expect(decision.waitMs).toBeGreaterThan(0);
      expect(await exists(keys.coolingProbe)).toBe(false);
    });

    it("half-open: one probe, then refusals until it reports", async () => {
      await redis.set(keys.tripped, "1", "PX", 60_000);
      expect(await admit(redis, keys, 30_000)).toEqual({ state: "probe", waitMs: 0, coolingProbe: false });
      expect(await redis.pttl(keys.probe)).toBeGreaterThan(0);
      const second = await admit(redis, keys, 30_000);
      expect(second.state).toBe("open");
      expect(second.waitMs).toBeGreaterThan(0);
    });
  });

  describe("release-probe", () => {
    it("frees only the slots the call held", async () => {
      await redis.set(keys.probe, "1");
      await redis.set(keys.coolingProbe, "1");
      await releaseProbe(redis, keys, { probe: true, coolingProbe: false });
      expect(await exists(keys.probe)).toBe(false);
      expect(await exists(keys.coolingProbe)).toBe(true);
      await releaseProbe(redis, keys, { probe: false, coolingProbe: true });
      expect(await exists(keys.coolingProbe)).toBe(false);
    });
  });

  describe("cool-down", () => {
    it("cools the model down, remembers it past the cool-down, and frees the first-call slot", async () => {
      await redis.set(keys.coolingProbe, "1");
      await coolDown(redis, keys, 5_000, 60_000);
      const [cooldownTtl, cooledTtl] = await Promise.all([redis.pttl(keys.cooldown), redis.pttl(keys.cooled)]);
      expect(cooldownTtl).toBeGreaterThan(0);
      expect(cooldownTtl).toBeLessThanOrEqual(5_000);
      expect(cooledTtl).toBeGreaterThan(5_000);
      expect(await exists(keys.coolingProbe)).toBe(false);
      expect(await exists(keys.open)).toBe(false);
      expect((await admit(redis, keys, 1_000)).state).toBe("cooling");
    });
  });

  describe("end-cool-down", () => {
    it("lets every call through again", async () => {
      await redis.set(keys.cooled, "1");
      await redis.set(keys.coolingProbe, "1");
      await endCoolDown(redis, keys);
      expect(await exists(keys.cooled)).toBe(false);
      expect(await exists(keys.coolingProbe)).toBe(false);
      expect((await admit(redis, keys, 1_000)).coolingProbe).toBe(false);
    });
  });

  describe("report-call", () => {
    const WINDOW: WindowSettings = { currentBucket: 1_000, buckets: 4, bucketTtlMs: 60_000, minCalls: 4, failureRate: 0.5, openMs: 30_000 };
    const fail = (window = WINDOW) => reportCall(redis, keys, { failed: true, wasProbe: false, successes: 0 }, window);

    it("trips once minCalls and failureRate are both reached, clearing the window", async () => {
      expect(await reportCall(redis, keys, { failed: false, wasProbe: false, successes: 2 }, WINDOW)).toBe("closed");
      expect(await fail()).toBe("closed"); // 1 of 3: too few calls
      expect(await fail()).toBe("open"); // 2 of 4
      expect(await redis.pttl(keys.open)).toBeGreaterThan(0);
      expect(await redis.pttl(keys.tripped)).toBeGreaterThan(30_000);
      expect(await exists(keys.callsBucket(WINDOW.currentBucket))).toBe(false);
      expect(await exists(keys.failuresBucket(WINDOW.currentBucket))).toBe(false);
    });

    it("sums the buckets of the window and ignores older ones", async () => {
      // Older than any window below (the earliest ends at currentBucket - 2 - (buckets - 1)).
      const old = WINDOW.currentBucket - 2 - WINDOW.buckets;
      await redis.set(keys.callsBucket(old), "100");
      await redis.set(keys.failuresBucket(old), "100");
      expect(await fail({ ...WINDOW, currentBucket: WINDOW.currentBucket - 1 })).toBe("closed");
      expect(await fail({ ...WINDOW, currentBucket: WINDOW.currentBucket - 2 })).toBe("closed");
      expect(await fail()).toBe("closed"); // 3 calls, all failed: still below minCalls
      expect(await fail()).toBe("open");
    });

    it("a tripped circuit stays open whatever ordinary calls report", async () => {
      await redis.set(keys.tripped, "1", "PX", 60_000);
      expect(await reportCall(redis, keys, { failed: false, wasProbe: false, successes: 5 }, WINDOW)).toBe("open");
      expect(await fail()).toBe("open");
    });

    it("a successful probe closes the circuit and starts a fresh window", async () => {
      await redis.set(keys.tripped, "1", "PX", 60_000);
      await redis.set(keys.probe, "1", "PX", 60_000);
      await redis.set(keys.failuresBucket(WINDOW.currentBucket - 1), "3");
      expect(await reportCall(redis, keys, { failed: false, wasProbe: true, successes: 0 }, WINDOW)).toBe("closed");
      expect(await exists(keys.tripped)).toBe(false);
      expect(await exists(keys.probe)).toBe(false);
      expect(await exists(keys.failuresBucket(WINDOW.currentBucket - 1))).toBe(false);
    });

    it("a failed probe opens the circuit again", async () => {
      await redis.set(keys.tripped, "1", "PX", 60_000);
      await redis.set(keys.probe, "1", "PX", 60_000);
      expect(await reportCall(redis, keys, { failed: true, wasProbe: true, successes: 0 }, WINDOW)).toBe("open");
      expect(await redis.pttl(keys.open)).toBeGreaterThan(0);
      expect(await exists(keys.probe)).toBe(false);
    });
  });
});
