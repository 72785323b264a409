import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { TierConfig } from "../config/router-config-schema.js";
import { tierActiveLimit } from "../queue/tier-active-limit.js";
import { readSlotLimits, setSlotLimit } from "../guards/provider-slot-limits.js";

/**
 * A tier's two limits, both in Redis so they bind every pod together: its provider slots (the
 * tier's concurrency: calls in flight, guards/provider-slots.ts) and BullMQ's global concurrency of
 * its queue (jobs running, tierActiveLimit). Set by every worker at start and on a reload, and by
 * the feeder and `recover` when Redis lost them.
 */
export async function applyTierLimits(redis: Redis, prefix: string, queue: Queue, tier: TierConfig): Promise<void> {
  await Promise.all([
    queue.setGlobalConcurrency(tierActiveLimit(tier.concurrency)),
    setSlotLimit(redis, prefix, tier.name, tier.concurrency),
  ]);
}

/**
 * Which tiers' limits Redis lost (a flush, a failover) or holds different from the config. Reads
 * only: a tier whose limits were lost while calls may still run must be fenced before they are set
 * again (reestablish-limits.ts). Without its limits a flushed Redis would let every worker process
 * run its whole local concurrency at once (BullMQ reads no limit as no limit) and take no provider
 * slot at all. Two reads per tier, in one round trip with the others.
 */
export async function checkTierLimits(
  redis: Redis,
  prefix: string,
  tiers: readonly TierConfig[],
  queueOf: (tier: string) => Queue,
): Promise<{ wrong: TierConfig[]; missing: string[] }> {
  const [active, slots] = await Promise.all([
    Promise.all(tiers.map((tier) => queueOf(tier.name).getGlobalConcurrency())),
    readSlotLimits(
      redis,
      prefix,
      tiers.map((tier) => tier.name),
    ),
  ]);
  const wrong = tiers.filter((tier, index) => active[index] !== tierActiveLimit(tier.concurrency) || slots[index] !== tier.concurrency);
  const missing = tiers.filter((_, index) => active[index] === null || slots[index] === null).map((tier) => tier.name);
  return { wrong, missing };
}

/**
 * The longest a tier job can keep a provider slot: every model, every retry, each up to its timeout.
 * After Redis lost a tier's limit with jobs in flight, BullMQ no longer counts those jobs, so the
 * feeder waits this long before feeding the tier again: new jobs never run beside calls the limit
 * no longer sees. Pure.
 */
export function tierRunBoundMs(tier: TierConfig, retriesPerModel: number): number {
  return tier.models.reduce((sum, model) => sum + model.timeoutMs * (retriesPerModel + 1), 0);
}
