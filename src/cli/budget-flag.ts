import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { RouterConfig } from "../config/router-config-schema.js";
import { parseUsd, type Picodollars } from "../pricing/money.js";
import { tierQueueName } from "../queue/queue-names.js";

/** `--budget-usd N`: a non-negative USD amount, exact to the picodollar. */
export function parseBudgetUsd(text: string): Picodollars {
  if (!/^\d+(\.\d{1,12})?$/.test(text.trim())) {
    throw new Error(`--budget-usd must be a non-negative USD amount with at most 12 decimals, e.g. 25 or 0.5; got "${text}"`);
  }
  return parseUsd(text);
}

/**
 * Jobs paused on a budget sit delayed in their tier queues, re-checking every few seconds; after a
 * raise they are promoted at once (a promoted job still under a spent budget simply pauses again).
 */
export async function resumePausedJobs(connection: Redis, prefix: string, config: RouterConfig): Promise<void> {
  for (const tier of config.tiers) {
    const queue = new Queue(tierQueueName(tier.name), { connection, prefix });
    try {
      await queue.promoteJobs();
    } finally {
      await queue.close();
    }
  }
}
