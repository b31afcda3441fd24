-- Forced release by the owning job (it failed for good, or the sweeper found it dead).
-- Returns the new generation, or 0 when that job held no claim.
if redis.call('HGET', K.owner, 'job') ~= A.jobId then return 0 end
redis.call('DEL', K.owner)
return redis.call('INCR', K.flushGen)
