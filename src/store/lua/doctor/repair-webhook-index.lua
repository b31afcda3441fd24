-- Puts a code's entry in whfailedx in step with whfailed, as whfailed is now: indexed at the
-- failure's time (A.score) when it fails, dropped when it does not.
if redis.call('HEXISTS', K.whFailed, A.code) == 1 then redis.call('ZADD', K.whFailedIndex, 'NX', A.score, A.code)
else redis.call('ZREM', K.whFailedIndex, A.code) end
return 'repaired'
