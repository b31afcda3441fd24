-- An admin gives an unrouted online dossier to a sector client (A.client).
-- Returns {result, headId}: 'ok', 'missing', or 'state' (not unrouted any more).
--!include shared/emit.lua
local d = K.dossier
if redis.call('EXISTS', d) == 0 then return {'missing', ''} end
if redis.call('HGET', d, 'state') ~= 'unrouted' then return {'state', ''} end
redis.call('HSET', d, 'state', 'delivered', 'routing', A.routing, 'whClient', A.client, 'updatedAt', A.now)
redis.call('HINCRBY', d, 'revision', 1)
redis.call('ZREM', K.idxUnrouted, A.ref)
redis.call('RPUSH', K.hist, A.historyEntry)
redis.call('PEXPIRE', K.hist, A.retentionMs)
return {'ok', emit(d, K.whq, K.active, A.code, A.client, 'dossier.submitted-online', A.webhookBody)}
