-- A refreshed ZNS token pair, stored only over the generation it was refreshed from (A.seen), so a
-- process that lost its refresh lock can never overwrite a newer pair; clears `stopped`. The
-- lock (K.lock) is released if it is still ours (A.lockValue), whatever the outcome.
-- Returns the new generation, or 0 when a newer pair is stored.
local gen = tonumber(redis.call('HGET', K.token, 'generation') or '0')
if redis.call('GET', K.lock) == A.lockValue then redis.call('DEL', K.lock) end
if gen ~= tonumber(A.seen) then return 0 end
redis.call('HSET', K.token, 'access', A.access, 'refresh', A.refresh, 'expiresAt', A.expiresAt, 'generation', gen + 1, 'refreshedAt', A.now)
redis.call('HDEL', K.token, 'stopped')
return gen + 1
