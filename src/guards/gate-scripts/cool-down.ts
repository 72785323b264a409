import type { Redis } from "ioredis";
import type { ModelKeys } from "../../queue/redis-keys.js";
import { runRedisScript, type RedisScript } from "../../queue/redis-script.js";

/** A 429: the model cools down, for every pod. */
export const COOL_DOWN: RedisScript = {
  name: "llmRouterGateCoolDown",
  lua: `--[[
  Start a model's cool-down after a 429. A 429 says "busy", not "broken": the circuit is untouched.

  Input:
    KEYS[1] cooldown      set for ARGV[1] ms
    KEYS[2] cooled        set for ARGV[2] ms: remembered past the cool-down (until a call gets an
                          answer), so the cool-down's end admits one call first
    KEYS[3] coolingProbe  cleared: the call that got the 429 may have been the first one
    ARGV[1] coolMs        the provider's retry-after, or the configured default
    ARGV[2] rememberMs    how long the "cooled" mark may outlive the cool-down

  Output: 'OK'
]]
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
redis.call('DEL', KEYS[3])
return 'OK'
`,
};

export async function coolDown(redis: Redis, keys: ModelKeys, coolMs: number, rememberMs: number): Promise<void> {
  await runRedisScript(redis, COOL_DOWN, [keys.cooldown, keys.cooled, keys.coolingProbe], [coolMs, rememberMs]);
}
