-- Extends the lease before a portal call. 1, or 0 when fenced.
if redis.call('HGET', K.owner, 'token') ~= A.token then return 0 end
redis.call('HSET', K.owner, 'lease', tonumber(A.now) + tonumber(A.leaseMs))
redis.call('PEXPIRE', K.owner, A.ttlMs)
return 1
