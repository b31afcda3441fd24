-- Records the portal's successful writes for a batch of one agency's dossiers, and settles each
-- one that has nothing left: one script per batch, not per dossier (the batch is one call).
-- Each dossier has three keys in K.each ({dossier, steps, whq}) and five values in A.each
-- ({ref, created, deliveredRev, stepsUpTo, code}):
-- steps are acknowledged by id: every step up to stepsUpTo (0: none) was taken by the portal;
-- the first create the portal takes is the dossier's `dossier.delivered` webhook event;
-- created: 0/1 or ''; deliveredRev: '' keeps; code: '' emits no event. A.timestamp: ISO, UTC;
-- A.deliveredAt: ISO, +07:00; A.countTtlS: the TTL of today's count (K.deliveredOn).
-- Returns {'fenced', ''} when another run holds the claim (nothing is written), else per dossier,
-- in order, its state afterwards ('missing': its outbox entry is dropped) and its new webhook
-- head id or '': {state1, head1, state2, head2, ...}.
--!include shared/emit.lua
--!include shared/identity.lua
if redis.call('HGET', K.owner, 'token') ~= A.token then return {'fenced', ''} end
local out = {}
local delivered = 0
for i = 0, #A.each / 5 - 1 do
  local d, steps, whq = K.each[3 * i + 1], K.each[3 * i + 2], K.each[3 * i + 3]
  local ref, created, deliveredRev, stepsUpTo, code = A.each[5 * i + 1], A.each[5 * i + 2], A.each[5 * i + 3], A.each[5 * i + 4], A.each[5 * i + 5]
  local state, head = nil, ''
  if redis.call('EXISTS', d) == 0 then
    redis.call('ZREM', K.outbox, ref)
    redis.call('DEL', steps)
    state = 'missing'
  else
    if created ~= '' then redis.call('HSET', d, 'created', created) end
    if created == '1' and redis.call('HGET', d, 'firstOnPortal') ~= '1' then
      redis.call('HSET', d, 'firstOnPortal', '1')
      local client = redis.call('HGET', d, 'whClient') or ''
      if client ~= '' and code ~= '' then
        local f = identity(d, ref)
        head = emit(d, whq, K.whActive, code, client, 'dossier.delivered', cjson.encode({ type = 'dossier.delivered',
          timestamp = A.timestamp, data = { maHoSo = code, agency = f[1], system = f[2], sourceId = f[3], deliveredAt = A.deliveredAt } }))
      end
    end
    if deliveredRev ~= '' then
      local cur = tonumber(redis.call('HGET', d, 'deliveredRev') or '0')
      if tonumber(deliveredRev) > cur then redis.call('HSET', d, 'deliveredRev', deliveredRev) end
    end
    local upTo = tonumber(stepsUpTo)
    while upTo > 0 do
      local step = redis.call('LINDEX', steps, 0)
      if not step then break end
      local id = tonumber(string.match(step, '^{"id":(%d+),'))
      if id == nil or id > upTo then break end
      redis.call('LPOP', steps)
    end
    redis.call('HDEL', d, 'lastError')
    state = redis.call('HGET', d, 'state')
    if state ~= 'pending' then
      redis.call('ZREM', K.outbox, ref)
    elseif redis.call('HGET', d, 'created') == '1'
      and tonumber(redis.call('HGET', d, 'deliveredRev')) >= tonumber(redis.call('HGET', d, 'contentRev'))
      and redis.call('LLEN', steps) == 0 then
      redis.call('ZREM', K.outbox, ref)
      redis.call('HSET', d, 'state', 'delivered', 'deliveredAt', A.now)
      redis.call('HDEL', d, 'failure')
      delivered = delivered + 1
      state = 'delivered'
    end
  end
  out[2 * i + 1] = state
  out[2 * i + 2] = head
end
if delivered > 0 then
  redis.call('INCRBY', K.deliveredOn, delivered)
  redis.call('EXPIRE', K.deliveredOn, A.countTtlS)
end
return out
