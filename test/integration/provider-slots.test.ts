import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CLOSED_RETRY_MS,
  createProviderSlots,
  SlotWaitAbortedError,
  type ProviderSlot,
  type ProviderSlots,
} from "../../src/guards/provider-slots.js";
import { fenceSlots, readSlotLimits, setSlotLimit } from "../../src/guards/provider-slot-limits.js";
import { createRedisConnection } from "../../src/queue/redis-connection.js";
import { providerSlotKeys } from "../../src/queue/redis-keys.js";
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from "../helpers/redis.js";
import { waitFor } from "../helpers/wait-for.js";

const CALL_MS = 30_000;

// Two "processes": each its own auto-pipelined connection and its own ProviderSlots, as two pods.
describe("provider slots in Redis", () => {
  let prefix: string;
  let connections: Redis[];
  let pods: ProviderSlots[];
  const pod = (options: { leaseGraceMs?: number } = {}) => {
    const redis = createRedisConnection(TEST_REDIS_URL, { autoPipelining: true });
    const slots = createProviderSlots({ redis, prefix, ...options });
    connections.push(redis);
    pods.push(slots);
    return { redis, slots };
  };
  const held = (redis: Redis) => redis.zcard(providerSlotKeys(prefix, "cheap").held);

  beforeEach(() => {
    prefix = uniquePrefix();
    connections = [];
    pods = [];
  });
  afterEach(async () => {
    await Promise.all(pods.map((slots) => slots.close()));
    for (const redis of connections) redis.disconnect();
    await deletePrefix(prefix);
  });

  it("never lets two pods together hold more than the limit, and every waiting call gets a slot", async () => {
    const a = pod();
    const b = pod();
    await setSlotLimit(a.redis, prefix, "cheap", 3);
    let inFlight = 0;
    let most = 0;
    const call = async (slots: ProviderSlots) => {
      const slot = await slots.take("cheap", CALL_MS);
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      slot.release();
    };
    await Promise.all(Array.from({ length: 60 }, (_, index) => call(index % 2 === 0 ? a.slots : b.slots)));
    expect(most).toBe(3);
    // Every slot went back: the last releases found no one waiting.
    await waitFor(
      () => held(a.redis),
      (count) => count === 0,
      { what: "every slot given back" },
    );
  });

  it("nextCallsSent waits for the calls holding an unsent slot at the time, not for later ones", async () => {
    const a = pod();
    await setSlotLimit(a.redis, prefix, "cheap", 2);
    const first = await a.slots.take("cheap", CALL_MS);
    const second = await a.slots.take("cheap", CALL_MS);
    // Both calls are sent; a third waits for a slot.
    first.callSent();
    second.callSent();
    const third = a.slots.take("cheap", CALL_MS);
    // The first call ends: its slot goes to the third call, not sent yet.
    first.release();
    const handed = await third;
    let waited = false;
    const afterFirst = first.nextCallsSent().then(() => (waited = true));
    // A slot taken and left unsent later (the second call's, handed to a fourth) is not waited for.
    const fourth = a.slots.take("cheap", CALL_MS);
    second.release();
    const late = await fourth;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(waited).toBe(false);
    handed.callSent();
    await afterFirst;
    expect(waited).toBe(true);
    // A slot given up unsent counts as sent: nothing waits on it.
    late.release();
    await late.nextCallsSent();
    handed.release();
  });

  it("hands a released slot to a call waiting in the same pod without giving it back to Redis", async () => {
    const a = pod();
    await setSlotLimit(a.redis, prefix, "cheap", 1);
    const first = await a.slots.take("cheap", CALL_MS);
    const [member] = await a.redis.zrange(providerSlotKeys(prefix, "cheap").held, "0", "-1");
    const second = a.slots.take("cheap", CALL_MS);
    first.release();
    const handed = await second;
    // The same lease went on (one member all along), then back to Redis when nobody waited.
    expect(member).toBeDefined();
    expect(await a.redis.zrange(providerSlotKeys(prefix, "cheap").held, "0", "-1")).toEqual([member]);
    handed.release();
    await waitFor(
      () => held(a.redis),
      (count) => count === 0,
      { what: "the slot given back" },
    );
    const third = await a.slots.take("cheap", CALL_MS);
    expect(await a.redis.zrange(providerSlotKeys(prefix, "cheap").held, "0", "-1")).not.toContain(member);
    third.release();
  });

  it("wakes a call waiting in another pod when a slot is given back there", async () => {
    const a = pod();
    const b = pod();
    await setSlotLimit(a.redis, prefix, "cheap", 1);
    const slot = await a.slots.take("cheap", CALL_MS);
    let got: ProviderSlot | undefined;
    const waiting = b.slots.take("cheap", CALL_MS).then((taken) => (got = taken));
    // A negative can only be watched for a while: b must not get a slot a holds.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(got).toBeUndefined();
    slot.release();
    (await waiting).release();
  });

  it("sends calls back (nothing taken) while the limit is missing (Redis lost it) or fenced, and takes slots once it is back", async () => {
    const a = pod();
    // No limit: Redis lost its data, and the job waiting here most likely with it.
    const lost = await a.slots.take("cheap", CALL_MS).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(lost).toBeInstanceOf(SlotWaitAbortedError);
    expect((lost as SlotWaitAbortedError).retryInMs).toBe(CLOSED_RETRY_MS);
    await fenceSlots(a.redis, prefix, "cheap", 500);
    await setSlotLimit(a.redis, prefix, "cheap", 2);
    expect(await readSlotLimits(a.redis, prefix, ["cheap", "premium"])).toEqual([2, null]);
    // The limit is back but fenced: calls made before the loss may still run.
    await expect(a.slots.take("cheap", CALL_MS)).rejects.toBeInstanceOf(SlotWaitAbortedError);
    expect(await held(a.redis)).toBe(0);
    await waitFor(
      () => a.redis.exists(providerSlotKeys(prefix, "cheap").fence),
      (exists) => exists === 0,
      { what: "the fence to end" },
    );
    (await a.slots.take("cheap", CALL_MS)).release();
  });

  it("gets a dead holder's slot back once its lease runs out", async () => {
    const dead = pod({ leaseGraceMs: 200 });
    const live = pod({ leaseGraceMs: 200 });
    await setSlotLimit(live.redis, prefix, "cheap", 1);
    // Taken and never released: the holder is gone (kill -9) with its call.
    await dead.slots.take("cheap", 100);
    const slot = await live.slots.take("cheap", 100);
    slot.release();
  });

  it("a call that stops waiting (shutdown) leaves no slot held, and close rejects the others", async () => {
    const a = pod();
    await setSlotLimit(a.redis, prefix, "cheap", 1);
    const holder = await a.slots.take("cheap", CALL_MS);
    const shutdown = new AbortController();
    const aborted = a.slots.take("cheap", CALL_MS, shutdown.signal);
    const closedOut = a.slots.take("cheap", CALL_MS);
    shutdown.abort();
    await expect(aborted).rejects.toBeInstanceOf(SlotWaitAbortedError);
    const refused = expect(closedOut).rejects.toBeInstanceOf(SlotWaitAbortedError);
    await a.slots.close();
    await refused;
    holder.release();
    await waitFor(
      () => held(a.redis),
      (count) => count === 0,
      { what: "the holder's slot given back" },
    );
  });

  it("a call that stops waiting while its hand-over renews the lease does not keep the slot", async () => {
    // Lease 31 s, next call 30 s + the margin: the hand-over waits for a renewal; shutdown meanwhile.
    const a = pod({ leaseGraceMs: 1_000 });
    await setSlotLimit(a.redis, prefix, "cheap", 1);
    const first = await a.slots.take("cheap", CALL_MS);
    const shutdown = new AbortController();
    const second = a.slots.take("cheap", CALL_MS, shutdown.signal);
    first.release();
    shutdown.abort();
    await expect(second).rejects.toBeInstanceOf(SlotWaitAbortedError);
    // Given back once the renewal answered. Kept by nobody, it would stay held until its lease ran
    // out, 31 s after the renewal: far beyond this wait.
    await waitFor(
      () => held(a.redis),
      (count) => count === 0,
      { what: "the slot given back", timeoutMs: 15_000 },
    );
  });

  it("renews a handed-on lease first when too little of it is left, and gives slots back to a lowered limit", async () => {
    const a = pod({ leaseGraceMs: 1_000 });
    await setSlotLimit(a.redis, prefix, "cheap", 2);
    const first = await a.slots.take("cheap", 100);
    const second = await a.slots.take("cheap", 100);
    await setSlotLimit(a.redis, prefix, "cheap", 1);
    const key = providerSlotKeys(prefix, "cheap").held;
    const before = Number((await a.redis.zrange(key, "0", "0", "WITHSCORES"))[1]);
    // Lease 1.1 s, next call 100 ms + the margin: the hand-over waits for a fresh lease.
    const third = a.slots.take("cheap", 100);
    first.release();
    const renewed = await third;
    const scores = (await a.redis.zrange(key, "0", "-1", "WITHSCORES")).filter((_, index) => index % 2 === 1).map((score) => Number(score));
    expect(Math.max(...scores)).toBeGreaterThan(before);
    // Two held over a limit of one: the renewal said so, so this slot goes back to Redis instead of on,
    // and the next call waits until the tier is under its new limit.
    let fourthGot = false;
    const fourth = a.slots.take("cheap", 100).then((slot) => {
      fourthGot = true;
      return slot;
    });
    renewed.release();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fourthGot).toBe(false);
    second.release();
    (await fourth).release();
    await waitFor(
      () => held(a.redis),
      (count) => count === 0,
      { what: "every slot given back" },
    );
  });
});
