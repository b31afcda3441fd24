-- A notice's new state, with every index and counter derived from it, as a compare-and-set on
-- the record as the caller read it (A.expect: its exact text).
-- A.token: the worker's lease ('' for a delivery report or an admin, who must find no live lease:
-- a report that comes while a worker is still calling is parked by notice-park.lua instead).
-- A.queueAt: when to look at it again ('' leaves the queue); A.held: '1' lists it as held;
-- A.failedAt: '' leaves the failed list, else lists it there at that time; A.bumps: counters of
-- the month's hash (K.stats), `field=n` joined by ','.
-- Returns {1, parked report or ''} | {0, ''} (the record or the lease changed) | {-1, ''} (a worker holds it).
local cur = redis.call('HGET', K.notices, A.id)
if cur ~= A.expect then return {0, ''} end
local leaseField = A.id .. '|lease'
local lease = redis.call('HGET', K.notices, leaseField)
if A.token ~= '' then
  if lease ~= A.token and (not lease or string.sub(lease, 1, #A.token + 1) ~= A.token .. '|') then return {0, ''} end
elseif lease then
  local score = redis.call('ZSCORE', K.noticeQ, A.id)
  if score and tonumber(score) > tonumber(A.now) then return {-1, ''} end
end
redis.call('HSET', K.notices, A.id, A.record)
redis.call('HDEL', K.notices, leaseField)
local parked = ''
if A.token ~= '' then
  parked = redis.call('HGET', K.notices, A.id .. '|report') or ''
  if parked ~= '' then redis.call('HDEL', K.notices, A.id .. '|report') end
end
if A.queueAt == '' then redis.call('ZREM', K.noticeQ, A.id) else redis.call('ZADD', K.noticeQ, A.queueAt, A.id) end
if A.held == '1' then redis.call('ZADD', K.noticeHeld, A.now, A.id) else redis.call('ZREM', K.noticeHeld, A.id) end
if A.failedAt == '' then redis.call('ZREM', K.noticeFailed, A.id) else redis.call('ZADD', K.noticeFailed, A.failedAt, A.id) end
if A.bumps ~= '' then
  for field, n in string.gmatch(A.bumps, '([^,=]+)=(-?%d+)') do redis.call('HINCRBY', K.stats, field, n) end
end
return {1, parked}
