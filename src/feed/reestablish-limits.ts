import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { sql } from "drizzle-orm";
import type { RouterConfig } from "../config/router-config-schema.js";
import { queryRows, type Db } from "../ledger/db/database.js";
import { feedHoldKey } from "../queue/redis-keys.js";
import { reassertTierLimits, tierRunBoundMs } from "./reassert-limits.js";

export interface LimitsReestablished {
  /** Tiers whose limit was set (missing, or different from the config). */
  fixed: string[];
  /** Tiers whose limit Redis had lost while Postgres says jobs were in Redis: held back from feeding. */
  held: string[];
}

/**
 * Sets the tiers' concurrency limits again after Redis lost them, and holds each such tier back from
 * feeding for its longest job run when jobs may still be running: BullMQ no longer counts those, so
 * new jobs fed at once would run beside them, up to every process's local concurrency. The hold lives
 * in Redis (one key per tier, PX, set only if absent), so it binds whichever process feeds next —
 * the `recover` command sets the limits first and the workers' feeders still wait.
 */
export async function reestablishTierLimits(
  deps: { db: Db; redis: Redis; prefix: string },
  config: Pick<RouterConfig, "tiers" | "retriesPerModel">,
  queueOf: (tier: string) => Queue,
): Promise<LimitsReestablished> {
  const { fixed, missing } = await reassertTierLimits(config.tiers, queueOf);
  if (missing.length === 0 || !(await anyJobInRedis(deps.db))) return { fixed, held: [] };
  for (const name of missing) {
    const tier = config.tiers.find((entry) => entry.name === name)!;
    await deps.redis.set(feedHoldKey(deps.prefix, name), "1", "PX", tierRunBoundMs(tier, config.retriesPerModel), "NX");
  }
  return { fixed, held: missing };
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
