-- Appends a delivery attempt, capped; a transient failure (A.transient 1) is also kept on the
-- dossier, which makes it eligible to fail once its retry window is over. Attempts are facts
-- about calls that were made, so they are recorded even by a run that has lost its claim.
if A.transient == '1' and redis.call('EXISTS', K.dossier) == 1 then redis.call('HSET', K.dossier, 'lastError', A.entryJson) end
redis.call('RPUSH', K.attempts, A.entryJson)
redis.call('LTRIM', K.attempts, -tonumber(A.keep), -1)
redis.call('PEXPIRE', K.attempts, A.retentionMs)
return 1
