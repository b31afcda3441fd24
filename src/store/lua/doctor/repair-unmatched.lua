-- Puts an unmatched callback's index entry in step with its data: indexed at A.score when its
-- data is there, dropped when it is not.
if redis.call('HEXISTS', K.unmatchedData, A.id) == 1 then redis.call('ZADD', K.unmatchedIndex, 'NX', A.score, A.id)
else redis.call('ZREM', K.unmatchedIndex, A.id) end
return 'repaired'
