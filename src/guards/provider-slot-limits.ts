import type { Redis } from "ioredis";
import { providerSlotKeys } from "../queue/redis-keys.js";

/**
 * The stored side of a tier's provider slots (guards/provider-slots.ts): its limit, which lives in
 * Redis so one value binds every pod (as BullMQ's global concurrency does), and the fence that keeps
 * slots from being taken after Redis lost them while calls may still run.
 */

/** Each tier's stored slot limit; null where Redis has none (never set, or lost). One round trip. */
export async function readSlotLimits(redis: Redis, prefix: string, tiers: readonly string[]): Promise<(number | null)[]> {
  if (tiers.length === 0) return [];
  const values = await redis.mget(tiers.map((tier) => providerSlotKeys(prefix, tier).limit));
  return values.map((value) => (value === null ? null : Number(value)));
}

export async function setSlotLimit(redis: Redis, prefix: string, tier: string, limit: number): Promise<void> {
  await redis.set(providerSlotKeys(prefix, tier).limit, String(limit));
}

/** No slot of `tier` is taken for `ms` (set only if absent, as the feed hold it goes with). */
export async function fenceSlots(redis: Redis, prefix: string, tier: string, ms: number): Promise<void> {
  await redis.set(providerSlotKeys(prefix, tier).fence, "1", "PX", ms, "NX");
}
