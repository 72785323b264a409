import type { Queue } from "bullmq";
import type { TierConfig } from "../config/router-config-schema.js";

/**
 * Puts each tier's global concurrency back where Redis lost it (a flush, a failover) or where it
 * differs from the config: BullMQ reads no limit as no limit, so a flushed Redis would otherwise let
 * every worker process run its whole local concurrency at once. One HGET per tier when nothing is
 * wrong. Returns the tiers that were set, and which of them had no limit at all (Redis lost it, or it
 * was never set).
 */
export async function reassertTierLimits(
  tiers: readonly TierConfig[],
  queueOf: (tier: string) => Queue,
): Promise<{ fixed: string[]; missing: string[] }> {
  const fixed: string[] = [];
  const missing: string[] = [];
  for (const tier of tiers) {
    const queue = queueOf(tier.name);
    const current = await queue.getGlobalConcurrency();
    if (current === tier.concurrency) continue;
    await queue.setGlobalConcurrency(tier.concurrency);
    fixed.push(tier.name);
    if (current === null) missing.push(tier.name);
  }
  return { fixed, missing };
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
