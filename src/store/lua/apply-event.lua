-- An event on a dossier (`/v1/dossiers/:maHoSo/events`), as a compare-and-set on its revision.
-- A.contentChanged: 1/0; A.stepJson: '' none.
-- Returns {result, state, jobGen, noticeIds (comma-separated)}: 'ok', 'missing' or 'revision'.
local d, ref = K.dossier, A.ref
--!include shared/set-state.lua
--!include shared/lifecycle-set.lua
if redis.call('EXISTS', d) == 0 then return {'missing', '', ''} end
if (redis.call('HGET', d, 'revision') or '0') ~= A.expectedRevision then return {'revision', '', ''} end
redis.call('HINCRBY', d, 'revision', 1)
redis.call('HSET', d, 'status', A.status, 'lifecycle', A.lifecycleJson, 'updatedAt', A.now)
local send = false
if A.contentChanged == '1' then
  redis.call('HINCRBY', d, 'contentRev', 1)
  send = true
end
if A.stepJson ~= '' then
  local id = redis.call('HINCRBY', d, 'stepSeq', 1)
  redis.call('RPUSH', K.steps, '{"id":' .. id .. ',' .. string.sub(A.stepJson, 2))
  send = true
end
lifecycleSet()
redis.call('RPUSH', K.hist, A.historyEntry)
redis.call('PEXPIRE', K.hist, A.retentionMs)
local state = redis.call('HGET', d, 'state')
-- A held or failed dossier keeps what changed for when an admin lets it go on.
if not send or state == 'needs-review' or state == 'failed' then return {'ok', state, '', table.concat(noticeIds, ',')} end
setState('pending')
redis.call('ZADD', K.outbox, 'NX', A.now, ref)
if redis.call('EXISTS', K.flushOwner) == 1 then return {'ok', 'pending', '', table.concat(noticeIds, ',')} end
return {'ok', 'pending', redis.call('GET', K.flushGen) or '0', table.concat(noticeIds, ',')}
