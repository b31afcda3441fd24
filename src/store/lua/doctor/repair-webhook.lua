-- Puts whactive and whfailed back in step with the queue, re-read here. A.staleFailed: the
-- whfailed value the check judged stale ('' none). whactive holds the code exactly when its queue
-- is not empty; a failure mark stays only while it marks the queue's current head.
-- Returns 'repaired' or 'changed'.
local n = redis.call('LLEN', K.whq)
if n > 0 then redis.call('SADD', K.whActive, A.code) else redis.call('SREM', K.whActive, A.code) end
if A.staleFailed ~= '' then
  if (redis.call('HGET', K.whFailed, A.code) or '') ~= A.staleFailed then return 'changed' end
  local head = redis.call('LINDEX', K.whq, 0) or ''
  local id = string.match(head, '^{"id":"([^"]+)"') or ''
  if id == '' or not string.find(A.staleFailed, '"id":"' .. id .. '"', 1, true) then redis.call('HDEL', K.whFailed, A.code) end
end
return 'repaired'
