-- One dossier as one reading. K.indexes: the indexes (structures.ts INDEXES order);
-- K.legacy: the three legacy state sets (STATE_INDEXES order).
-- Returns the record's fields (A.fields, '' when absent), then one membership per index, then what
-- K.codes says of the record's code, then the number of pending steps, then '1'/'' for each
-- legacy set that holds the ref.
--!include doctor/record.lua
local out = fields(K.dossier)
for _, k in ipairs(K.indexes) do out[#out + 1] = member(k, A.ref) end
local code = out[1]
out[#out + 1] = code ~= '' and (redis.call('HGET', K.codes, code) or '') or ''
out[#out + 1] = tostring(redis.call('LLEN', K.steps))
for _, k in ipairs(K.legacy) do
  local legacy = redis.call('TYPE', k).ok == 'set' and redis.call('SISMEMBER', k, A.ref) == 1
  out[#out + 1] = legacy and '1' or ''
end
return out
