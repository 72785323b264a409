import type { RedisScript } from "../queue/redis-script.js";

/**
 * A tier's provider slots in Redis (key names: queue/redis-keys.ts, providerSlotKeys). KEYS, for
 * every script: [1] held, a sorted set (member = one held slot, score = when its lease ends, Redis's
 * own clock in ms), [2] limit, [3] fence. A lease outlives the longest call its holder may make, so
 * an expired member is a holder that died (kill -9, a lost pod): each script drops those first. The
 * set expires with its last lease, so an idle tier keeps only its limit.
 *
 * No slot is taken while the limit is missing (Redis lost its data: the feeder, or `recover`, sets it
 * again) or the fence stands (calls made before the loss may still run, uncounted).
 */

const NOW_MS = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local limit = tonumber(redis.call('GET', KEYS[2]))
local closed = limit == nil or redis.call('EXISTS', KEYS[3]) == 1
`;

const KEEP_SET_FOR_LEASE = `
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
`;

/**
 * ARGV[1] leaseMs, ARGV[2..] new members, in order. Takes as many of them as the limit has room for.
 * Returns how many (the first n), or -1 when no slot may be taken at all (no limit, or fenced).
 */
export const TAKE_SLOTS: RedisScript = {
  name: "routerTakeSlots",
  lua: `${NOW_MS}
if closed then return -1 end
local lease = tonumber(ARGV[1])
local room = limit - redis.call('ZCARD', KEYS[1])
local taken = 0
for i = 2, #ARGV do
  if taken >= room then break end
  redis.call('ZADD', KEYS[1], now + lease, ARGV[i])
  taken = taken + 1
end
if taken > 0 then ${KEEP_SET_FOR_LEASE} end
return taken
`,
};

/**
 * ARGV[1] member, ARGV[2] leaseMs. A slot handed to the next call of the same process gets a fresh
 * lease: kept if still held; if it was lost (Redis lost its data), taken again only as TAKE_SLOTS
 * would. Returns {1 held | 0 not held, 1 the tier holds more than its limit (lowered by a reload) | 0}.
 */
export const RENEW_SLOT: RedisScript = {
  name: "routerRenewSlot",
  lua: `${NOW_MS}
local lease = tonumber(ARGV[2])
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and (closed or redis.call('ZCARD', KEYS[1]) >= limit) then return {0, 0} end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
${KEEP_SET_FOR_LEASE}
if limit ~= nil and redis.call('ZCARD', KEYS[1]) > limit then return {1, 1} end
return {1, 0}
`,
};

/**
 * KEYS[1] held. ARGV[1] the channel waiters listen on, ARGV[2] the tier, ARGV[3..] members.
 * Gives the slots back and tells every process (one PUBLISH of the tier's name).
 */
export const FREE_SLOTS: RedisScript = {
  name: "routerFreeSlots",
  lua: `
local freed = 0
for i = 3, #ARGV do freed = freed + redis.call('ZREM', KEYS[1], ARGV[i]) end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return freed
`,
};
