-- Delivery's claim on an agency's outbox: a hash `{job, token, lease}` (scripts-outbox.ts).
-- Returns {1, leaseUntil} when this run now holds the claim; {0, 0} when another job owns the
-- outbox; {0, leaseUntil} when an earlier run of the same job still holds a live lease.
local now = tonumber(A.now)
local job = redis.call('HGET', K.owner, 'job')
if job and job ~= A.jobId then return {0, 0} end
if job then
  local lease = tonumber(redis.call('HGET', K.owner, 'lease') or '0')
  if lease > now then return {0, lease} end
end
local untilTs = now + tonumber(A.leaseMs)
redis.call('HSET', K.owner, 'job', A.jobId, 'token', A.token, 'lease', untilTs)
redis.call('PEXPIRE', K.owner, A.ttlMs)
return {1, untilTs}
