-- Marks a pending dossier failed and takes it out of the outbox; its sector system hears of it
-- (`dossier.failed`). A.code: '' emits no event; A.timestamp: ISO, UTC; A.failedAt: epoch ms,
-- the failed index's score.
-- Returns {1 failed | 0 not pending (or gone: its entry is dropped) | -1 fenced, new webhook head id or ''}.
local d, ref = K.dossier, A.ref
--!include shared/set-state.lua
--!include shared/emit.lua
--!include shared/identity.lua
if redis.call('HGET', K.owner, 'token') ~= A.token then return {-1, ''} end
if redis.call('EXISTS', d) == 0 then
  redis.call('ZREM', K.outbox, ref)
  return {0, ''}
end
if redis.call('HGET', d, 'state') ~= 'pending' then
  redis.call('ZREM', K.outbox, ref)
  return {0, ''}
end
setState('failed', tonumber(A.failedAt))
redis.call('HSET', d, 'failure', A.failureJson)
redis.call('ZREM', K.outbox, ref)
local client = redis.call('HGET', d, 'whClient') or ''
if client == '' or A.code == '' then return {1, ''} end
local f = identity(d, ref)
return {1, emit(d, K.whq, K.whActive, A.code, client, 'dossier.failed', cjson.encode({ type = 'dossier.failed',
  timestamp = A.timestamp, data = { maHoSo = A.code, agency = f[1], system = f[2], sourceId = f[3], failure = cjson.decode(A.failureJson) } }))}
