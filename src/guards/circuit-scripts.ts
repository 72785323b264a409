/**
 * Circuit-breaker state lives in Redis so every pod sees the same circuit. Each transition is one
 * Lua script: read-decide-write in one step, so two pods cannot both take the half-open probe or
 * both miss a trip.
 *
 * Keys under KEYS[1] (a per-model prefix):
 *   :cooldown exists while the model cools down after a 429 (PX = retry-after)
 *   :cooled   exists from a 429 until a call succeeds again: when :cooldown ends, one call (:cprobe)
 *             goes first, so a cool-down does not end in a thundering herd of fresh 429s
 *   :open     exists while the circuit is open (PX = openMs)
 *   :tripped  exists from the trip until a probe succeeds (outlives :open; its absence = closed)
 *   :probe    the one half-open probe in flight (PX = probe timeout)
 *   :t:<n> :f:<n>  calls and failures in time bucket n (the sliding window)
 */

/**
 * ARGV: probeTtlMs. Returns { state, waitMs, coolingProbe }: state closed | open | probe | cooling
 * (the 429 cool-down is checked here too, so admitting a call costs one round trip); coolingProbe 1
 * when this call is the first after a cool-down.
 */
export const ACQUIRE_SCRIPT = `
local prefix = KEYS[1]
local cooling = redis.call('PTTL', prefix .. ':cooldown')
if cooling > 0 then return {'cooling', cooling, 0} end
local coolingProbe = 0
if redis.call('EXISTS', prefix .. ':cooled') == 1 then
  if not redis.call('SET', prefix .. ':cprobe', '1', 'NX', 'PX', ARGV[1]) then
    return {'cooling', math.max(redis.call('PTTL', prefix .. ':cprobe'), 1), 0}
  end
  coolingProbe = 1
end
local function refuse(state, wait)
  if coolingProbe == 1 then redis.call('DEL', prefix .. ':cprobe') end
  return {state, wait, 0}
end
local openTtl = redis.call('PTTL', prefix .. ':open')
if openTtl > 0 then return refuse('open', openTtl) end
if redis.call('EXISTS', prefix .. ':tripped') == 1 then
  if redis.call('SET', prefix .. ':probe', '1', 'NX', 'PX', ARGV[1]) then return {'probe', 0, coolingProbe} end
  return refuse('open', math.max(redis.call('PTTL', prefix .. ':probe'), 1))
end
return {'closed', 0, coolingProbe}
`;

/**
 * ARGV: failed (0|1), wasProbe (0|1), nowMs, bucketMs, bucketCount, minCalls, failureRate, openMs,
 * successes (extra successful calls batched since the last report, counted in the window).
 * Returns the state after the report: closed | open.
 */
export const REPORT_SCRIPT = `
local prefix = KEYS[1]
local failed = ARGV[1] == '1'
local wasProbe = ARGV[2] == '1'
local now = tonumber(ARGV[3])
local bucketMs = tonumber(ARGV[4])
local buckets = tonumber(ARGV[5])
local minCalls = tonumber(ARGV[6])
local failureRate = tonumber(ARGV[7])
local openMs = tonumber(ARGV[8])
local successes = tonumber(ARGV[9] or '0')
local current = math.floor(now / bucketMs)

local function clearWindow()
  for i = 0, buckets - 1 do
    redis.call('DEL', prefix .. ':t:' .. (current - i), prefix .. ':f:' .. (current - i))
  end
end
local function trip()
  redis.call('SET', prefix .. ':open', '1', 'PX', openMs)
  redis.call('SET', prefix .. ':tripped', '1', 'PX', openMs * 20)
  return 'open'
end

if wasProbe then
  redis.call('DEL', prefix .. ':probe')
  if failed then return trip() end
  redis.call('DEL', prefix .. ':tripped')
  clearWindow()
  return 'closed'
end

local ttl = bucketMs * (buckets + 1)
redis.call('INCRBY', prefix .. ':t:' .. current, (failed and 1 or 0) + successes)
redis.call('PEXPIRE', prefix .. ':t:' .. current, ttl)
if not failed then return redis.call('EXISTS', prefix .. ':tripped') == 1 and 'open' or 'closed' end
if failed then
  redis.call('INCR', prefix .. ':f:' .. current)
  redis.call('PEXPIRE', prefix .. ':f:' .. current, ttl)
end
if redis.call('EXISTS', prefix .. ':tripped') == 1 then return 'open' end

local calls, failures = 0, 0
for i = 0, buckets - 1 do
  calls = calls + (tonumber(redis.call('GET', prefix .. ':t:' .. (current - i))) or 0)
  failures = failures + (tonumber(redis.call('GET', prefix .. ':f:' .. (current - i))) or 0)
end
if calls >= minCalls and failures / calls >= failureRate then
  clearWindow()
  return trip()
end
return 'closed'
`;
