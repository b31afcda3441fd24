-- Rebuilds one dossier's index entries, if its record is still what the check read
-- (A.fingerprint: its A.fields joined by \31). A.actions, one per index of K.indexes: '' leave,
-- '-' remove, '=<score>' add or set the score, '+<score>' add when absent. A.fixCode '1': add the
-- record's code to K.codes when it is not there. An index of another type than a sorted set is
-- left alone (reported as wrong-type). Returns 'repaired' or 'changed' (nothing written).
--!include doctor/record.lua
local ref = A.ref
if table.concat(fields(K.dossier), '\31') ~= A.fingerprint then return 'changed' end
for i, k in ipairs(K.indexes) do
  local a = A.actions[i]
  local t = redis.call('TYPE', k).ok
  if a == '-' then
    if t == 'zset' then redis.call('ZREM', k, ref) end
  elseif a ~= '' and (t == 'zset' or t == 'none') then
    local score = string.sub(a, 2)
    if string.sub(a, 1, 1) == '+' then redis.call('ZADD', k, 'NX', score, ref)
    else redis.call('ZADD', k, score, ref) end
  end
end
if A.fixCode == '1' then
  local code = redis.call('HGET', K.dossier, 'maHoSo')
  if code then redis.call('HSETNX', K.codes, code, ref) end
end
return 'repaired'
