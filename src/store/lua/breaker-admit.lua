-- May a portal call go ahead? {1, 0} the circuit is closed; {1, 1} it is open past its cool-down
-- and this call is the one probe (held for probeTimeoutMs); {0, until} refused until `until`
-- (the end of the cool-down, or half a second while another process's probe is out).
local st = redis.call('HGET', K.state, 'state')
if not st or st == 'closed' then return {1, 0} end
local now = tonumber(A.now)
local untilTs = tonumber(redis.call('HGET', K.state, 'openUntil') or '0')
if now < untilTs then return {0, untilTs} end
if redis.call('SET', K.probe, '1', 'NX', 'PX', A.probeTimeoutMs) then return {1, 1} end
return {0, now + 500}
