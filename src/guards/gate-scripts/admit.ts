import type { Redis } from "ioredis";
import type { ModelKeys } from "../../queue/redis-keys.js";
import { runRedisScript, type RedisScript } from "../../queue/redis-script.js";

/** Asks whether a model's circuit and cool-down let one call through, taking a probe if one is due. */
export const ADMIT: RedisScript = {
  name: "llmRouterGateAdmit",
  lua: `--[[
  Admit one call to a model, as far as its cool-down and circuit are concerned (the rpm/tpm
  budgets are checked after this, by the rate limiter).

  Input:
    KEYS[1] cooldown      exists while the model cools down after a 429
    KEYS[2] cooled        exists from a 429 until a call gets an answer
    KEYS[3] coolingProbe  the one call let through first after a cool-down
    KEYS[4] open          exists while the circuit is open
    KEYS[5] tripped       exists from the trip until a probe succeeds
    KEYS[6] probe         the one half-open probe in flight
    ARGV[1] probeTtlMs    how long a probe (of either kind) holds its slot if never reported
    ARGV[2] recheckMs     the wait told to callers refused while the cooling probe is in flight

  Output: { state, waitMs, coolingProbe }
    state         'closed' | 'probe' (this call is the half-open probe) | 'open' | 'cooling'
    waitMs        for 'open' and 'cooling': how long until a call may be admitted
    coolingProbe  1 when this call is the first after a cool-down (the others wait for it)
]]
local cooling = redis.call('PTTL', KEYS[1])
if cooling > 0 then return {'cooling', cooling, 0} end
local coolingProbe = 0
if redis.call('EXISTS', KEYS[2]) == 1 then
  if not redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[1]) then
    -- The probe answers in about one call's latency, not its slot's TTL: check again soon.
    return {'cooling', math.max(math.min(redis.call('PTTL', KEYS[3]), tonumber(ARGV[2])), 1), 0}
  end
  coolingProbe = 1
end
local function refuse(state, wait)
  if coolingProbe == 1 then redis.call('DEL', KEYS[3]) end
  return {state, wait, 0}
end
local openTtl = redis.call('PTTL', KEYS[4])
if openTtl > 0 then return refuse('open', openTtl) end
if redis.call('EXISTS', KEYS[5]) == 1 then
  if redis.call('SET', KEYS[6], '1', 'NX', 'PX', ARGV[1]) then return {'probe', 0, coolingProbe} end
  return refuse('open', math.max(redis.call('PTTL', KEYS[6]), 1))
end
return {'closed', 0, coolingProbe}
`,
};

/** What ADMIT decided: see its Output. */
export type AdmitState = { state: "closed" | "probe" | "open" | "cooling"; waitMs: number; coolingProbe: boolean };

/**
 * How soon a caller refused while the cooling probe is in flight checks again. The probe's slot TTL
 * (its timeout + grace, ~65 s) is only a guard against a probe that never reports; telling waiters
 * that long (capped at a 5 s deferral) made every pinned job sit out 5 s after each 429 (issue 16 item 17).
 */
export const COOLING_PROBE_RECHECK_MS = 200;

export async function admit(redis: Redis, keys: ModelKeys, probeTtlMs: number, recheckMs = COOLING_PROBE_RECHECK_MS): Promise<AdmitState> {
  const [state, waitMs, coolingProbe] = (await runRedisScript(
    redis,
    ADMIT,
    [keys.cooldown, keys.cooled, keys.coolingProbe, keys.open, keys.tripped, keys.probe],
    [probeTtlMs, recheckMs],
  )) as [AdmitState["state"], number, number];
  return { state, waitMs: Number(waitMs), coolingProbe: Number(coolingProbe) === 1 };
}
