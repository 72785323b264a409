import type { RedisScript } from "../queue/redis-script.js";

/**
 * The batch lane's shared Redis state changes, one Lua script each (KEYS built by
 * queue/redis-keys.ts laneKeys). Each is one atomic step, so two pods cannot hold, claim or hand on
 * the same item twice.
 */

export const LANE_HOLD: RedisScript = {
  name: "llmRouterLaneHold",
  lua: `--[[
  A job joins its lane's waiting set, once per request: a re-run of its BullMQ job (the worker died
  after the hold, before the job completed) finds it held and changes nothing.

  Input:
    KEYS[1] waiting   hash request id -> item
    KEYS[2] order     zset request id by arrival ms
    KEYS[3] held      hash request id -> attempt id
    ARGV[1] requestId
    ARGV[2] attemptId
    ARGV[3] item      JSON
    ARGV[4] nowMs

  Output: 1 held now, 0 already held
]]
if redis.call('HSETNX', KEYS[3], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[2], 'NX', ARGV[4], ARGV[1])
return 1
`,
};

export const LANE_CLAIM: RedisScript = {
  name: "llmRouterLaneClaim",
  lua: `--[[
  The submitter takes the oldest waiting items into a new submission, when enough wait or the
  oldest has waited long enough. The submission is noted in the claims set until its Postgres row
  exists: a submitter that dies in between leaves a claim that reconciliation gives back.

  Input:
    KEYS[1] waiting     hash request id -> item
    KEYS[2] order       zset request id by arrival ms
    KEYS[3] submission  hash attempt id -> item (new)
    KEYS[4] claimed     zset submission id by claim ms
    ARGV[1] submissionId
    ARGV[2] maxItems
    ARGV[3] maxBytes    the items' JSON may add up to this many bytes
    ARGV[4] nowMs
    ARGV[5] maxWaitMs

  Output: the claimed items (JSON strings), empty when it is not yet time
]]
local count = redis.call('ZCARD', KEYS[2])
if count == 0 then return {} end
local maxItems = tonumber(ARGV[2])
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if count < maxItems and tonumber(ARGV[4]) - tonumber(oldest[2]) < tonumber(ARGV[5]) then return {} end
local ids = redis.call('ZRANGE', KEYS[2], 0, maxItems - 1)
local maxBytes = tonumber(ARGV[3])
local bytes = 0
local taken = {}
for _, requestId in ipairs(ids) do
  local item = redis.call('HGET', KEYS[1], requestId)
  redis.call('ZREM', KEYS[2], requestId)
  if item then
    if #taken > 0 and bytes + #item > maxBytes then
      redis.call('ZADD', KEYS[2], ARGV[4], requestId)
      break
    end
    bytes = bytes + #item
    redis.call('HDEL', KEYS[1], requestId)
    local attemptId = cjson.decode(item)['attemptId']
    redis.call('HSET', KEYS[3], attemptId, item)
    taken[#taken + 1] = item
  end
end
if #taken > 0 then redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1]) end
return taken
`,
};

export const LANE_UNCLAIM: RedisScript = {
  name: "llmRouterLaneUnclaim",
  lua: `--[[
  Gives a claimed submission's items back to the waiting set: its submitter died before the
  provider_batches row was written, so no provider ever saw it.

  Input:
    KEYS[1] waiting     hash request id -> item
    KEYS[2] order       zset request id by arrival ms
    KEYS[3] submission  hash attempt id -> item
    KEYS[4] claimed     zset submission id by claim ms
    ARGV[1] submissionId
    ARGV[2] nowMs

  Output: items given back
]]
local items = redis.call('HVALS', KEYS[3])
local back = 0
for _, item in ipairs(items) do
  if item ~= 'done' then
    local requestId = cjson.decode(item)['job']['requestId']
    redis.call('HSET', KEYS[1], requestId, item)
    redis.call('ZADD', KEYS[2], 'NX', ARGV[2], requestId)
    back = back + 1
  end
end
redis.call('DEL', KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[1])
return back
`,
};

export const LANE_ITEM_DONE: RedisScript = {
  name: "llmRouterLaneItemDone",
  lua: `--[[
  An item's result has gone on (its attempt row written, its request finished or handed on): it is
  marked done in its submission and released from its lane's held set; optionally, in the same step,
  it joins another lane's waiting set (its tier's next model). Marked once: a re-ingest of the same
  results (the poller died mid-file) finds it done and hands nothing on twice.

  Input:
    KEYS[1] submission  hash attempt id -> item | "done"
    KEYS[2] held        hash request id -> attempt id (the item's own lane)
    KEYS[3] nextWaiting (optional) the next lane's waiting hash
    KEYS[4] nextOrder   (optional)
    KEYS[5] nextHeld    (optional)
    ARGV[1] attemptId
    ARGV[2] requestId
    ARGV[3] nextAttemptId (optional)
    ARGV[4] nextItem      (optional) JSON
    ARGV[5] nowMs         (optional)

  Output: 1 done now, 0 it was done (or unknown) already
]]
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current or current == 'done' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], 'done')
if redis.call('HGET', KEYS[2], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[2], ARGV[2]) end
if KEYS[3] then
  if redis.call('HSETNX', KEYS[5], ARGV[2], ARGV[3]) == 1 then
    redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
    redis.call('ZADD', KEYS[4], 'NX', ARGV[5], ARGV[2])
  end
end
return 1
`,
};

export const LANE_RESTORE: RedisScript = {
  name: "llmRouterLaneRestore",
  lua: `--[[
  Rebuilds part of a submission's hash after Redis lost it (a flush, a failover), from its items in
  Postgres: an item whose attempt row exists is written "done" (it was ingested), the others as
  items, held again by their requests. HSETNX throughout: what Redis still knows is never overwritten.

  Input:
    KEYS[1] submission  hash attempt id -> item | "done"
    KEYS[2] held        hash request id -> attempt id
    ARGV    triples: attemptId, requestId, item JSON or "done"

  Output: items restored not done
]]
local pending = 0
for i = 1, #ARGV, 3 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 2]) == 1 and ARGV[i + 2] ~= 'done' then
    redis.call('HSETNX', KEYS[2], ARGV[i + 1], ARGV[i])
    pending = pending + 1
  end
end
return pending
`,
};

export const LANE_LOCK_RENEW: RedisScript = {
  name: "llmRouterLaneLockRenew",
  lua: `--[[
  Keeps a lock (submitter, poller, submission) only while its owner still holds it.

  Input:
    KEYS[1] lock
    ARGV[1] owner token
    ARGV[2] ttlMs

  Output: 1 still ours (renewed), 0 lost
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`,
};

export const LANE_LOCK_RELEASE: RedisScript = {
  name: "llmRouterLaneLockRelease",
  lua: `--[[
  Releases a lock only if it is still ours (another pod may have taken it after it expired).

  Input:
    KEYS[1] lock
    ARGV[1] owner token

  Output: 1 released, 0 not ours
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
};

export const LANE_SCRIPTS = [
  LANE_HOLD,
  LANE_CLAIM,
  LANE_UNCLAIM,
  LANE_ITEM_DONE,
  LANE_RESTORE,
  LANE_LOCK_RENEW,
  LANE_LOCK_RELEASE,
] as const;
