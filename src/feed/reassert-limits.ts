import type { Queue } from "bullmq";
import type { TierConfig } from "../config/router-config-schema.js";

/**
 * Puts each tier's global concurrency back where Redis lost it (a flush, a failover) or where it
 * differs from the config: BullMQ reads no limit as no limit, so a flushed Redis would otherwise let
 * every worker process run its whole local concurrency at once. One HGET per tier when nothing is
 * wrong. Returns the tiers that were set.
 */
export async function reassertTierLimits(tiers: readonly TierConfig[], queueOf: (tier: string) => Queue): Promise<string[]> {
  const fixed: string[] = [];
  for (const tier of tiers) {
    const queue = queueOf(tier.name);
    if ((await queue.getGlobalConcurrency()) === tier.concurrency) continue;
    await queue.setGlobalConcurrency(tier.concurrency);
    fixed.push(tier.name);
  }
  return fixed;
}
