-- Counts a failed portal call. Returns 1 when the circuit is open after it, else 0.
-- `retryAfter` (ms, 0 when none) opens it at once, for at least that long. While the circuit is
-- open, failures of calls that started before it opened are counted but neither lengthen the
-- cool-down nor cancel the probe: only the probe's own failure (`isProbe` 1) re-opens it, for
-- twice as long (capped by `max`).
local now, threshold, base, max, retryAfter = tonumber(A.now), tonumber(A.threshold), tonumber(A.base), tonumber(A.max), tonumber(A.retryAfter)
local probe = A.isProbe == '1'
local f = redis.call('HINCRBY', K.state, 'failures', 1)
local st = redis.call('HGET', K.state, 'state') or 'closed'
if st == 'open' and not probe then
  local untilTs = tonumber(redis.call('HGET', K.state, 'openUntil') or '0')
  if now + retryAfter > untilTs then redis.call('HSET', K.state, 'openUntil', now + retryAfter) end
  return 1
end
if st == 'open' or f >= threshold or retryAfter > 0 then
  local cooldown = base
  if st == 'open' then cooldown = math.min(max, tonumber(redis.call('HGET', K.state, 'cooldown') or base) * 2) end
  local pause = math.max(cooldown, retryAfter)
  redis.call('HSET', K.state, 'state', 'open', 'openUntil', now + pause, 'cooldown', cooldown, 'openedAt', now)
  redis.call('DEL', K.probe)
  return 1
end
return 0
