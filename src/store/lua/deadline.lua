-- The deadline of one open dossier, at A.now. Overdue happens once per due date, and so does
-- due-soon, however many processes scan: the record says for which due date each was sent.
-- A.timestamp: ISO, UTC; A.historyAt: ISO +07:00; A.overdueBump: the encoded +1 of the
-- overdueOpen gauge; K.stats: the statistics keys (`statsKeysFor`).
-- Returns {result, headId}: 'overdue', 'due-soon', 'later', 'final', 'gone' or 'done'.
local d, ref, due, overdue = K.dossier, A.ref, K.due, K.overdue
--!include shared/emit.lua
--!include shared/identity.lua
--!include shared/stats-apply.lua
local FINAL = { ['3'] = true, ['7'] = true, ['8'] = true, ['10'] = true }
if redis.call('EXISTS', d) == 0 then
  redis.call('ZREM', due, ref)
  return {'gone', ''}
end
local f = redis.call('HMGET', d, 'status', 'dueAt', 'overdueFor', 'dueSoonFor', 'whClient', 'agency', 'system', 'sourceId', 'dueAtIso', 'statsDims')
local id = identity(d, ref)
f[6], f[7], f[8] = id[1], id[2], id[3]
if FINAL[f[1]] then
  redis.call('ZREM', due, ref)
  return {'final', ''}
end
local dueAt = tonumber(f[2] or '')
if not dueAt then
  redis.call('ZREM', due, ref)
  return {'gone', ''}
end
local now = tonumber(A.now)
local client = f[5] or ''
local function event (etype)
  if client == '' then return '' end
  return emit(d, K.whq, K.whActive, A.code, client, etype, cjson.encode({ type = etype, timestamp = A.timestamp,
    data = { maHoSo = A.code, agency = f[6], system = f[7], sourceId = f[8], status = f[1], dueAt = f[9] } }))
end
if dueAt <= now then
  redis.call('ZREM', due, ref)
  if f[3] == tostring(dueAt) then return {'done', ''} end
  redis.call('HSET', d, 'overdueFor', tostring(dueAt), 'overdue', '1')
  redis.call('ZADD', overdue, dueAt, ref)
  if A.overdueBump ~= '' and f[10] then statsApply(statsKeys(K.stats), f[10], A.overdueBump) end
  redis.call('RPUSH', K.hist, cjson.encode({ at = A.historyAt, kind = 'overdue', dueAt = f[9] }))
  redis.call('PEXPIRE', K.hist, A.retentionMs)
  return {'overdue', event('dossier.overdue')}
end
if dueAt <= now + tonumber(A.windowMs) and f[4] ~= tostring(dueAt) then
  redis.call('HSET', d, 'dueSoonFor', tostring(dueAt))
  redis.call('RPUSH', K.hist, cjson.encode({ at = A.historyAt, kind = 'due-soon', dueAt = f[9] }))
  redis.call('PEXPIRE', K.hist, A.retentionMs)
  return {'due-soon', event('dossier.due-soon')}
end
return {'later', ''}
