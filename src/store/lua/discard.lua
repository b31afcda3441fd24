-- An operator gives up on a failed or held dossier, with a reason: it leaves the outbox and the
-- lists; a later change from its sector system takes it in again. Compare-and-set on the revision.
-- Returns 'ok', 'missing', 'state' (neither failed nor held) or 'revision'.
local d, ref = K.dossier, A.ref
--!include shared/set-state.lua
if redis.call('EXISTS', d) == 0 then return 'missing' end
local state = redis.call('HGET', d, 'state')
if state ~= 'failed' and state ~= 'needs-review' then return 'state' end
if redis.call('HGET', d, 'revision') ~= A.expectedRevision then return 'revision' end
redis.call('HINCRBY', d, 'revision', 1)
setState('discarded')
redis.call('HSET', d, 'discard', A.discardJson, 'updatedAt', A.now)
redis.call('ZREM', K.outbox, ref)
return 'ok'
