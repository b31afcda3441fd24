-- `member(k, ref)`: membership of a sorted index: its score, absent '', '!<type>' for a key of
-- another type. `fields(d)`: the record's A.fields (RECORD_FIELDS), '' for each absent one.
local function member (k, ref)
  local t = redis.call('TYPE', k).ok
  if t == 'zset' then return redis.call('ZSCORE', k, ref) or '' end
  if t == 'none' then return '' end
  return '!' .. t
end
local function fields (d)
  local v = redis.call('HMGET', d, unpack(A.fields))
  local out = {}
  for i = 1, #A.fields do out[i] = v[i] or '' end
  return out
end
