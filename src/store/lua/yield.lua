-- Ends a run that keeps the outbox for the job's next run (a retry or a delay): the lease is
-- given back at once, so that run need not wait for it. 1, or 0 when fenced.
if redis.call('HGET', K.owner, 'token') ~= A.token then return 0 end
redis.call('HSET', K.owner, 'token', '', 'lease', 0)
redis.call('PEXPIRE', K.owner, A.ttlMs)
return 1
