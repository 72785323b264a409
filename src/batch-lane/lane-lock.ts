import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { runRedisScript } from "../queue/redis-script.js";
import { LANE_LOCK_RELEASE, LANE_LOCK_RENEW } from "./lane-scripts.js";

/**
 * A lease in Redis (SET NX PX with an owner token): the one submitter of a lane, the one poller of
 * a provider, the one creator of a submission, across every pod. A holder that dies loses it after
 * `ttlMs`; a holder that is merely slow finds it lost at its next renew and stops.
 */
export interface LaneLock {
  readonly key: string;
  /** True when taken (or still ours). */
  acquire(): Promise<boolean>;
  /** False when it expired and another pod may hold it now. */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

export function laneLock(redis: Redis, key: string, ttlMs: number): LaneLock {
  const token = randomUUID();
  let held = false;
  return {
    key,
    async acquire() {
      if (held && (await this.renew())) return true;
      held = (await redis.set(key, token, "PX", ttlMs, "NX")) === "OK";
      return held;
    },
    async renew() {
      held = (await runRedisScript(redis, LANE_LOCK_RENEW, [key], [token, ttlMs])) === 1;
      return held;
    },
    async release() {
      held = false;
      await runRedisScript(redis, LANE_LOCK_RELEASE, [key], [token]);
    },
  };
}
