-- A portal call succeeded: the circuit closes and forgets its failures and probe.
-- Returns 1 when there was a state to clear, else 0.
if redis.call('EXISTS', K.state) == 1 then redis.call('DEL', K.state, K.probe) return 1 end
return 0
