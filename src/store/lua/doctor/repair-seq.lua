-- Raises a day's sequence to the highest code issued, if it still holds A.observed.
-- 'repaired' or 'changed'.
local cur = redis.call('GET', K.seq) or ''
if cur ~= A.observed then return 'changed' end
if cur == '' then
  redis.call('SET', K.seq, A.highest, 'PX', 3024000000)
else
  redis.call('SET', K.seq, A.highest, 'KEEPTTL')
end
return 'repaired'
