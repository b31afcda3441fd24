-- Moves the head of the legacy list of unmatched callbacks (A.taken entries) into the index and
-- its data. A.triples: id, score, entry for each.
local t = A.triples
for i = 1, #t, 3 do
  redis.call('HSETNX', K.data, t[i], t[i + 2])
  redis.call('ZADD', K.index, 'NX', t[i + 1], t[i])
end
redis.call('LTRIM', K.legacy, tonumber(A.taken), -1)
return 1
