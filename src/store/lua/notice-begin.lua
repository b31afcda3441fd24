-- The worker holding the lease (A.token) is about to call A.channel: recorded in the lease, so
-- that if it dies the next claim knows the call may have reached the provider.
-- Returns 1, or 0 when the lease is no longer this worker's.
local leaseField = A.id .. '|lease'
local lease = redis.call('HGET', K.notices, leaseField)
if lease ~= A.token and (not lease or string.sub(lease, 1, #A.token + 1) ~= A.token .. '|') then return 0 end
redis.call('HSET', K.notices, leaseField, A.token .. '|' .. A.channel)
return 1
