-- Appends one delivery attempt (the same call, so the same entry) to each dossier the call
-- carried, capped: one script per call, not per dossier. K.each: {attempts, dossier} per dossier.
-- A transient failure (A.transient 1) is also kept on each dossier, which makes it eligible to
-- fail once its retry window is over. Attempts are facts about calls that were made, so they are
-- recorded even by a run that has lost its claim. Returns the number of dossiers.
local keep = -tonumber(A.keep)
local n = #K.each / 2
for i = 0, n - 1 do
  local attempts, d = K.each[2 * i + 1], K.each[2 * i + 2]
  if A.transient == '1' and redis.call('EXISTS', d) == 1 then redis.call('HSET', d, 'lastError', A.entryJson) end
  redis.call('RPUSH', attempts, A.entryJson)
  redis.call('LTRIM', attempts, keep, -1)
  redis.call('PEXPIRE', attempts, A.retentionMs)
end
return n
