-- Releases the ZNS refresh lock if it is still this caller's (A.lockValue): never another's, taken
-- after ours expired. Returns 1 when released, else 0.
if redis.call('GET', K.lock) == A.lockValue then return redis.call('DEL', K.lock) end
return 0
