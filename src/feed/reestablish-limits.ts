import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { sql } from "drizzle-orm";
import type { RouterConfig } from "../config/router-config-schema.js";
import { queryRows, type Db } from "../ledger/db/database.js";
import { feedHoldKey } from "../queue/redis-keys.js";
import { applyTierLimits, checkTierLimits, tierRunBoundMs } from "./reassert-limits.js";
import { fenceSlots } from "../guards/provider-slot-limits.js";

export interface LimitsReestablished {
  /** Tiers whose limit was set (missing, or different from the config). */
  fixed: string[];
  /** Tiers whose limit Redis had lost while Postgres says jobs were in Redis: held back from feeding. */
  held: string[];
}

/**
 * Sets the tiers' limits again after Redis lost them (or where they differ from the config). A tier
 * whose limits were lost while Postgres says jobs were in Redis may still have calls in flight that
 * no slot counts now: it is held back from feeding and its slots fenced for its longest job run,
 * first, so no call is let through between the limits' return and the hold. Hold and fence live in
 * Redis (PX, set only if absent), so they bind every process — the `recover` command sets the limits
 * first and the workers' feeders still wait.
 */
export async function reestablishTierLimits(
  deps: { db: Db; redis: Redis; prefix: string },
  config: Pick<RouterConfig, "tiers" | "retriesPerModel">,
  queueOf: (tier: string) => Queue,
): Promise<LimitsReestablished> {
  const { wrong, missing } = await checkTierLimits(deps.redis, deps.prefix, config.tiers, queueOf);
  const held = missing.length > 0 && (await anyJobInRedis(deps.db)) ? missing : [];
  for (const name of held) {
    const tier = config.tiers.find((entry) => entry.name === name)!;
    const boundMs = tierRunBoundMs(tier, config.retriesPerModel);
    await deps.redis.set(feedHoldKey(deps.prefix, name), "1", "PX", boundMs, "NX");
    await fenceSlots(deps.redis, deps.prefix, name, boundMs);
  }
  for (const tier of wrong) await applyTierLimits(deps.redis, deps.prefix, queueOf(tier.name), tier);
  return { fixed: wrong.map((tier) => tier.name), held };
}

/** The tiers a hold keeps from being fed now (one EXISTS per tier, pipelined). */
export async function heldTiers(redis: Redis, prefix: string, tiers: readonly string[]): Promise<Set<string>> {
  const pipeline = redis.pipeline();
  for (const tier of tiers) pipeline.exists(feedHoldKey(prefix, tier));
  const answers = (await pipeline.exec()) ?? [];
  return new Set(tiers.filter((_, index) => answers[index]?.[1] === 1));
}

/**
 * Checked right before jobs are added to a tier: its limit is in Redis and no hold is on it. The
 * tick's own checks ran earlier, and a Redis that lost its data since then took the feeder's lock
 * with it, so another feeder may be ticking too (and holding the tier back): adding to a tier with
 * no limit would let every process run its whole local concurrency at once. One round trip.
 */
export async function mayFeedTier(redis: Redis, prefix: string, queue: Queue, tier: string): Promise<boolean> {
  const [limit, held] = await Promise.all([queue.getGlobalConcurrency(), redis.exists(feedHoldKey(prefix, tier))]);
  return limit !== null && held === 0;
}

async function anyJobInRedis(db: Db): Promise<boolean> {
  const rows = await queryRows(db, sql`select 1 from requests where status = 'queued' and fed_at is not null limit 1`);
  return rows.length > 0;
}
