-- The receiver took the head event (A.eventId) of a dossier's webhook queue.
-- Returns {result, nextHeadId}: result 'ok', or 'stale' when the head is another event.
--!include shared/emit.lua
if headId(K.whq) ~= A.eventId then return {'stale', ''} end
redis.call('LPOP', K.whq)
redis.call('HDEL', K.failed, A.code)
redis.call('ZREM', K.failedIndex, A.code)
redis.call('RPUSH', K.hist, A.historyEntry)
redis.call('PEXPIRE', K.hist, A.retentionMs)
local nextId = headId(K.whq)
if nextId == '' then redis.call('SREM', K.active, A.code) end
return {'ok', nextId}
