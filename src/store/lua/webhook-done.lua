-- The receiver took the head event (A.eventId) of a dossier's webhook queue.
-- Returns {result, nextHeadId, nextHead}: result 'ok', or 'stale' when the head is another event;
-- nextHead is the next event's entry as stored (or ''), so that the sender can go on with it
-- without reading it again (queue/webhook-delivery.ts).
--!include shared/emit.lua
if headId(K.whq) ~= A.eventId then return {'stale', '', ''} end
redis.call('LPOP', K.whq)
redis.call('HDEL', K.failed, A.code)
redis.call('ZREM', K.failedIndex, A.code)
redis.call('RPUSH', K.hist, A.historyEntry)
redis.call('PEXPIRE', K.hist, A.retentionMs)
local nextHead = redis.call('LINDEX', K.whq, 0)
if not nextHead then
  redis.call('SREM', K.active, A.code)
  return {'ok', '', ''}
end
return {'ok', string.match(nextHead, '^{"id":"([^"]+)"') or '', nextHead}
