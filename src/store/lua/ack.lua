-- Records a successful portal write for one dossier and settles it when nothing is left.
-- Steps are acknowledged by id: every step up to A.stepsUpTo (0: none) was taken by the portal.
-- The first create the portal takes is the dossier's `dossier.delivered` webhook event.
-- A.created: 0/1 or ''; A.deliveredRev: '' keeps; A.code: '' emits no event; A.timestamp: ISO,
-- UTC; A.deliveredAt: ISO, +07:00; A.countTtlS: the TTL of today's count (K.deliveredOn).
-- Returns {state afterwards | 'missing' (its outbox entry is dropped) | 'fenced', new webhook head id or ''}.
--!include shared/emit.lua
--!include shared/identity.lua
local d = K.dossier
if redis.call('HGET', K.owner, 'token') ~= A.token then return {'fenced', ''} end
if redis.call('EXISTS', d) == 0 then
  redis.call('ZREM', K.outbox, A.ref)
  redis.call('DEL', K.steps)
  return {'missing', ''}
end
if A.created ~= '' then redis.call('HSET', d, 'created', A.created) end
local head = ''
if A.created == '1' and redis.call('HGET', d, 'firstOnPortal') ~= '1' then
  redis.call('HSET', d, 'firstOnPortal', '1')
  local client = redis.call('HGET', d, 'whClient') or ''
  if client ~= '' and A.code ~= '' then
    local f = identity(d, A.ref)
    head = emit(d, K.whq, K.whActive, A.code, client, 'dossier.delivered', cjson.encode({ type = 'dossier.delivered',
      timestamp = A.timestamp, data = { maHoSo = A.code, agency = f[1], system = f[2], sourceId = f[3], deliveredAt = A.deliveredAt } }))
  end
end
if A.deliveredRev ~= '' then
  local cur = tonumber(redis.call('HGET', d, 'deliveredRev') or '0')
  if tonumber(A.deliveredRev) > cur then redis.call('HSET', d, 'deliveredRev', A.deliveredRev) end
end
local upTo = tonumber(A.stepsUpTo)
while upTo > 0 do
  local step = redis.call('LINDEX', K.steps, 0)
  if not step then break end
  local id = tonumber(string.match(step, '^{"id":(%d+),'))
  if id == nil or id > upTo then break end
  redis.call('LPOP', K.steps)
end
redis.call('HDEL', d, 'lastError')
local state = redis.call('HGET', d, 'state')
if state ~= 'pending' then
  redis.call('ZREM', K.outbox, A.ref)
  return {state, head}
end
if redis.call('HGET', d, 'created') == '1'
  and tonumber(redis.call('HGET', d, 'deliveredRev')) >= tonumber(redis.call('HGET', d, 'contentRev'))
  and redis.call('LLEN', K.steps) == 0 then
  redis.call('ZREM', K.outbox, A.ref)
  redis.call('HSET', d, 'state', 'delivered', 'deliveredAt', A.now)
  redis.call('HDEL', d, 'failure')
  redis.call('INCR', K.deliveredOn)
  redis.call('EXPIRE', K.deliveredOn, A.countTtlS)
  return {'delivered', head}
end
return {state, head}
