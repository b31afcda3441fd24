-- A person authorised the Official Account (or an operator entered a pair): the pair is stored over
-- whatever was there, one generation up, and ZNS runs again. Returns the new generation.
local gen = tonumber(redis.call('HGET', K.token, 'generation') or '0')
redis.call('HSET', K.token, 'access', A.access, 'refresh', A.refresh, 'expiresAt', A.expiresAt, 'generation', gen + 1, 'refreshedAt', A.now)
redis.call('HDEL', K.token, 'stopped')
return gen + 1
