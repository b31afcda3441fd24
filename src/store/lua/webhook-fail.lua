-- The head event failed for good: it stays at the head, marked, and holds the later events of its
-- dossier until an admin replays or discards it. A.failedAt: epoch ms. Returns 1, or 0 when stale.
--!include shared/emit.lua
if headId(K.whq) ~= A.eventId then return 0 end
redis.call('HSET', K.failed, A.code, A.failureJson)
redis.call('ZADD', K.failedIndex, A.failedAt, A.code)
redis.call('RPUSH', K.hist, A.historyEntry)
redis.call('PEXPIRE', K.hist, A.retentionMs)
return 1
