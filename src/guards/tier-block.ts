import type { Redis } from "ioredis";
import { tierBlockedKey } from "../queue/redis-keys.js";

/**
 * Since when a tier has had no usable model (every one cooling down, circuit-open or at its limit),
 * shared by every pod. It exists because a deferral pauses the whole tier queue: only the jobs
 * running at that moment are deferred and count the wait, while the rest of the queue, held behind
 * the pause, counts nothing, so a per-job bound let a dead tier drain at about one job per bound
 * (60 jobs at `--max-wait 5s`: one ended every 5 s). Counted from this mark, every held job reaches
 * its bound about `maxWait` after the tier went dark, whatever its place in the queue.
 */
export interface TierBlock {
  /** Notes the tier blocked now (if it is not already) and keeps the mark for `holdMs`; returns since when it is blocked. */
  note(tier: string, nowMs: number, holdMs: number): Promise<number>;
  /** The tier answered again: the mark goes, so a later blockage counts from its own start. */
  clear(tier: string): Promise<void>;
  /** Since when each tier is blocked (tiers that are not are left out). */
  read(tiers: readonly string[]): Promise<Map<string, number>>;
}

export function createTierBlock(deps: { redis: Redis; prefix: string }): TierBlock {
  const key = (tier: string) => tierBlockedKey(deps.prefix, tier);
  return {
    async note(tier, nowMs, holdMs) {
      // One MULTI: set if absent, refresh the hold, read back the start (no read-decide-write, so no script).
      const results = await deps.redis
        .multi()
        .set(key(tier), String(nowMs), "PX", holdMs, "NX")
        .pexpire(key(tier), holdMs)
        .get(key(tier))
        .exec();
      const since = Number(results?.[2]?.[1]);
      return Number.isFinite(since) && since > 0 ? since : nowMs;
    },
    async clear(tier) {
      await deps.redis.del(key(tier));
    },
    async read(tiers) {
      const values = tiers.length === 0 ? [] : await deps.redis.mget(tiers.map(key));
      const blocked = new Map<string, number>();
      tiers.forEach((tier, index) => {
        const since = Number(values[index]);
        if (values[index] !== null && Number.isFinite(since)) blocked.set(tier, since);
      });
      return blocked;
    },
  };
}
