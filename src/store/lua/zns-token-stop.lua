-- The refresh token was refused as spent (-14014): ZNS stops for every process (`stopped` = A.reason)
-- until a person authorises the Official Account again, unless the generation moved past A.seen
-- (someone already stored a newer pair). The lock is released if it is still ours, either way.
-- Returns 1 when stopped, 0 when a newer pair is in force.
local gen = tonumber(redis.call('HGET', K.token, 'generation') or '0')
if redis.call('GET', K.lock) == A.lockValue then redis.call('DEL', K.lock) end
if gen ~= tonumber(A.seen) then return 0 end
redis.call('HSET', K.token, 'stopped', A.reason)
return 1
