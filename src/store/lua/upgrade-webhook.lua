-- Indexes failed webhook heads written before whfailedx. A.pairs: code, score for each.
local p = A.pairs
for i = 1, #p, 2 do
  if redis.call('HEXISTS', K.whFailed, p[i]) == 1 then redis.call('ZADD', K.whFailedIndex, 'NX', p[i + 1], p[i]) end
end
return 1
