import type { Redis } from "ioredis";
import type { ModelKeys } from "../../queue/redis-keys.js";
import { runRedisScript, type RedisScript } from "../../queue/redis-script.js";

/** Counts calls in the circuit's sliding window, settles a probe, trips or closes the circuit. */
export const REPORT_CALL: RedisScript = {
  name: "llmRouterGateReportCall",
  lua: `--[[
  Report how calls to a model went, for its circuit breaker.

  Input:
    KEYS[1] open                  set when the circuit trips (PX = openMs)
    KEYS[2] tripped               set when it trips (PX = 20 x openMs), cleared by a good probe
    KEYS[3] probe                 the half-open probe slot, cleared when the probe reports
    KEYS[4 .. 3+n]                calls in the window's n time buckets, newest (current) first
    KEYS[4+n .. 3+2n]             failures in the same buckets, same order
    ARGV[1] failed                1 if the reported call failed
    ARGV[2] wasProbe              1 if it was the half-open probe
    ARGV[3] successes             successful calls batched since the last report (0 or more)
    ARGV[4] minCalls              calls the window needs before it may trip
    ARGV[5] failureRate           failures / calls at which it trips
    ARGV[6] openMs                how long the circuit stays open
    ARGV[7] bucketTtlMs           how long a bucket outlives its window

  Output: the circuit's state after the report, 'closed' or 'open'
]]
local failed = ARGV[1] == '1'
local wasProbe = ARGV[2] == '1'
local successes = tonumber(ARGV[3])
local minCalls = tonumber(ARGV[4])
local failureRate = tonumber(ARGV[5])
local openMs = tonumber(ARGV[6])
local bucketTtl = tonumber(ARGV[7])
local buckets = (#KEYS - 3) / 2
local function callsKey(i) return KEYS[4 + i] end
local function failuresKey(i) return KEYS[4 + buckets + i] end

local function clearWindow()
  for i = 0, buckets - 1 do redis.call('DEL', callsKey(i), failuresKey(i)) end
end
local function trip()
  redis.call('SET', KEYS[1], '1', 'PX', openMs)
  redis.call('SET', KEYS[2], '1', 'PX', openMs * 20)
  return 'open'
end

if wasProbe then
  redis.call('DEL', KEYS[3])
  if failed then return trip() end
  redis.call('DEL', KEYS[2])
  clearWindow()
  return 'closed'
end

redis.call('INCRBY', callsKey(0), (failed and 1 or 0) + successes)
redis.call('PEXPIRE', callsKey(0), bucketTtl)
if not failed then return redis.call('EXISTS', KEYS[2]) == 1 and 'open' or 'closed' end
redis.call('INCR', failuresKey(0))
redis.call('PEXPIRE', failuresKey(0), bucketTtl)
if redis.call('EXISTS', KEYS[2]) == 1 then return 'open' end

local calls, failures = 0, 0
for i = 0, buckets - 1 do
  calls = calls + (tonumber(redis.call('GET', callsKey(i))) or 0)
  failures = failures + (tonumber(redis.call('GET', failuresKey(i))) or 0)
end
if calls >= minCalls and failures / calls >= failureRate then
  clearWindow()
  return trip()
end
return 'closed'
`,
};

export interface CallReport {
  failed: boolean;
  wasProbe: boolean;
  /** Successful calls batched since the last report. */
  successes: number;
}

export interface WindowSettings {
  /** The sliding window's current bucket number (now / bucketMs). */
  currentBucket: number;
  buckets: number;
  bucketTtlMs: number;
  minCalls: number;
  failureRate: number;
  openMs: number;
}

export async function reportCall(redis: Redis, keys: ModelKeys, report: CallReport, window: WindowSettings): Promise<"closed" | "open"> {
  const bucketNumbers = Array.from({ length: window.buckets }, (_, i) => window.currentBucket - i);
  return (await runRedisScript(
    redis,
    REPORT_CALL,
    [keys.open, keys.tripped, keys.probe, ...bucketNumbers.map(keys.callsBucket), ...bucketNumbers.map(keys.failuresBucket)],
    [
      report.failed ? 1 : 0,
      report.wasProbe ? 1 : 0,
      report.successes,
      window.minCalls,
      window.failureRate,
      window.openMs,
      window.bucketTtlMs,
    ],
  )) as "closed" | "open";
}
