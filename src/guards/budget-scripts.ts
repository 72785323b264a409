/**
 * Budgets live in Redis hashes so every pod draws on one balance. Each change is one Lua script, so a
 * check and the reservation it allows are one step: two pods cannot both take the last dollar.
 *
 * A budget hash (key names: budget-keys.ts) holds integers of picodollars, changed only by HINCRBY
 * (exact 64-bit arithmetic in Redis; Lua's doubles never carry money):
 *   limit      the cap
 *   spent      settled calls' exact cost
 *   reserved   calls in flight, at their worst case (an abandoned call's stays until the run that recovers it moves it to spent: it may have been billed)
 *   available  limit − spent − reserved, kept alongside so the check is one signed comparison
 *   refusedAt  ms of the last refused reservation;  limitSetAt  ms the limit was last set
 */

/**
 * KEYS: the budgets that may apply to the call.
 * ARGV[1] amount (the call's worst case, picodollars), ARGV[2] nowMs, then per key i:
 *   ARGV[1 + 2i] limit ('' = the key's stored limit; a missing key then means "no such budget"),
 *   ARGV[2 + 2i] ttlMs for a key created here (0 = none).
 * Returns {1, 'i,j,…'} (reserved against those keys) or {0, i, available} (refused by key i).
 */
export const RESERVE_SCRIPT = `
local amount = ARGV[1]
local now = ARGV[2]
local used = {}
for i, key in ipairs(KEYS) do
  local limit = ARGV[1 + 2 * i]
  local ttl = tonumber(ARGV[2 + 2 * i])
  if limit == '' then
    if redis.call('EXISTS', key) == 1 then used[#used + 1] = i end
  else
    local current = redis.call('HGET', key, 'limit')
    if not current then
      redis.call('HSET', key, 'limit', limit, 'spent', '0', 'reserved', '0', 'available', limit, 'limitSetAt', now)
      if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
    elseif current ~= limit then
      if current ~= '0' then redis.call('HINCRBY', key, 'available', '-' .. current) end
      redis.call('HINCRBY', key, 'available', limit)
      redis.call('HSET', key, 'limit', limit, 'limitSetAt', now)
    end
    used[#used + 1] = i
  end
end
if amount ~= '0' then
  for n, i in ipairs(used) do
    local left = redis.call('HINCRBY', KEYS[i], 'available', '-' .. amount)
    if left < 0 then
      for m = 1, n do redis.call('HINCRBY', KEYS[used[m]], 'available', amount) end
      redis.call('HSET', KEYS[i], 'refusedAt', now)
      return {0, i, redis.call('HGET', KEYS[i], 'available')}
    end
  end
  for _, i in ipairs(used) do redis.call('HINCRBY', KEYS[i], 'reserved', amount) end
end
return {1, table.concat(used, ',')}
`;

/**
 * KEYS: the budgets a reservation was made against. ARGV[1] reserved delta, ARGV[2] spent delta,
 * ARGV[3] available delta (signed integers of picodollars, computed exactly by the caller).
 * Settle: −reserved, +cost, reserved − cost. Release: −reserved, 0, +reserved. Keep: −reserved, +reserved, 0.
 * A key gone meanwhile (an expired feature day) is skipped.
 */
export const SETTLE_SCRIPT = `
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    if ARGV[1] ~= '0' then redis.call('HINCRBY', key, 'reserved', ARGV[1]) end
    if ARGV[2] ~= '0' then redis.call('HINCRBY', key, 'spent', ARGV[2]) end
    if ARGV[3] ~= '0' then redis.call('HINCRBY', key, 'available', ARGV[3]) end
  end
end
return 1
`;

/**
 * KEYS[1] a batch budget, KEYS[2] the set of budgeted batches. ARGV[1] limit (picodollars), ARGV[2]
 * nowMs, ARGV[3] the batch id. Raising or lowering keeps spent and reserved: only available moves.
 */
export const SET_LIMIT_SCRIPT = `
local key = KEYS[1]
local limit = ARGV[1]
local current = redis.call('HGET', key, 'limit')
if not current then
  redis.call('HSET', key, 'limit', limit, 'spent', '0', 'reserved', '0', 'available', limit)
else
  if current ~= '0' then redis.call('HINCRBY', key, 'available', '-' .. current) end
  if limit ~= '0' then redis.call('HINCRBY', key, 'available', limit) end
  redis.call('HSET', key, 'limit', limit)
end
redis.call('HSET', key, 'limitSetAt', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
return 1
`;
