import type { Redis } from "ioredis";
import type { ModelKeys } from "../../queue/redis-keys.js";
import { runRedisScript, type RedisScript } from "../../queue/redis-script.js";

/** The first call after a cool-down got an answer (not a 429): every pod may call again. */
export const END_COOL_DOWN: RedisScript = {
  name: "llmRouterGateEndCoolDown",
  lua: `--[[
  End a model's cool-down for good once its first call after the cool-down was answered.

  Input:
    KEYS[1] cooled        cleared: calls no longer wait for a first one
    KEYS[2] coolingProbe  cleared: the first call's slot

  Output: the number of keys removed
]]
return redis.call('DEL', KEYS[1], KEYS[2])
`,
};

export async function endCoolDown(redis: Redis, keys: ModelKeys): Promise<void> {
  await runRedisScript(redis, END_COOL_DOWN, [keys.cooled, keys.coolingProbe], []);
}
