import type { Redis } from "ioredis";
import { defineRedisScripts, runRedisScript, type RedisScript } from "../queue/redis-script.js";

/** Takes the feeder's lock, or extends it for the holder that already has it. */
export const TAKE_FEED_LOCK: RedisScript = {
  name: "llmRouterTakeFeedLock",
  lua: `--[[
  Take or extend the feeder's lock: one feeder at a time across pods.

  Input:
    KEYS[1] lock     a string: the holder's id (PX = ttl)
    ARGV[1] owner    this feeder's id
    ARGV[2] ttlMs    how long the lock outlives its holder's last renewal

  Output: 1 when the caller holds the lock now, 0 when another feeder does
]]
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`,
};

/** Gives the lock up at shutdown, only if still ours, so the next feeder need not wait for the TTL. */
export const RELEASE_FEED_LOCK: RedisScript = {
  name: "llmRouterReleaseFeedLock",
  lua: `--[[
  Release the feeder's lock if the caller still holds it.

  Input:
    KEYS[1] lock     the lock
    ARGV[1] owner    this feeder's id

  Output: 1 when released, 0 when it was not the caller's
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`,
};

export interface FeedLock {
  /** True while this feeder holds the lock (renewed by each call). */
  hold(): Promise<boolean>;
  release(): Promise<void>;
}

export function createFeedLock(redis: Redis, key: string, owner: string, ttlMs: number): FeedLock {
  defineRedisScripts(redis, [TAKE_FEED_LOCK, RELEASE_FEED_LOCK]);
  return {
    hold: async () => (await runRedisScript(redis, TAKE_FEED_LOCK, [key], [owner, ttlMs])) === 1,
    release: async () => void (await runRedisScript(redis, RELEASE_FEED_LOCK, [key], [owner])),
  };
}
