-- A client's requests in the current window, counted for several requests at once
-- (rate-limit-store.ts): the same key, count and expiry as @fastify/rate-limit's own Redis
-- store, which counts one request per call. The window starts with the first request counted.
-- Returns {count after these, ms left in the window}.
local n = tonumber(A.count)
local current = redis.call('INCRBY', K.counter, n)
if current == n then
  redis.call('PEXPIRE', K.counter, A.windowMs)
  return {current, tonumber(A.windowMs)}
end
return {current, redis.call('PTTL', K.counter)}
