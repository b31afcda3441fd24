-- Gives the claim up only when the outbox is empty, atomically with intake's check, so that
-- work is never stranded between a finishing flush and a new intake.
-- Returns 1 released, 0 work remains, -1 fenced.
if redis.call('HGET', K.owner, 'token') ~= A.token then return -1 end
if redis.call('ZCARD', K.outbox) > 0 then return 0 end
redis.call('DEL', K.owner)
redis.call('INCR', K.flushGen)
return 1
