import type { Redis } from "ioredis";
import type { ModelKeys } from "../../queue/redis-keys.js";
import { runRedisScript, type RedisScript } from "../../queue/redis-script.js";

/** Gives back the probe slots an admitted call took but will not use (the rate limiter refused it). */
export const RELEASE_PROBE: RedisScript = {
  name: "llmRouterGateReleaseProbe",
  lua: `--[[
  Release the probe slots taken by a call that will not run, so the next call may probe at once
  instead of waiting for the slot to expire.

  Input:
    KEYS[1] probe         the half-open probe slot
    KEYS[2] coolingProbe  the first-after-cool-down slot
    ARGV[1] probe         1 if the call held the half-open probe
    ARGV[2] coolingProbe  1 if the call held the first-after-cool-down slot

  Output: the number of slots released
]]
local released = 0
if ARGV[1] == '1' then released = released + redis.call('DEL', KEYS[1]) end
if ARGV[2] == '1' then released = released + redis.call('DEL', KEYS[2]) end
return released
`,
};

export async function releaseProbe(redis: Redis, keys: ModelKeys, held: { probe: boolean; coolingProbe: boolean }): Promise<void> {
  await runRedisScript(redis, RELEASE_PROBE, [keys.probe, keys.coolingProbe], [held.probe ? 1 : 0, held.coolingProbe ? 1 : 0]);
}
