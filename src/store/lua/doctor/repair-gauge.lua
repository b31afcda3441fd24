-- Sets gauge fields to the count over the records, if every field still holds what was read.
-- A.triples: field, observed ('' absent), expected, for each field. 'repaired' or 'changed'.
local t = A.triples
for i = 1, #t, 3 do
  if (redis.call('HGET', K.gauge, t[i]) or '') ~= t[i + 1] then return 'changed' end
end
for i = 1, #t, 3 do
  if t[i + 2] == '0' then redis.call('HDEL', K.gauge, t[i]) else redis.call('HSET', K.gauge, t[i], t[i + 2]) end
end
return 'repaired'
