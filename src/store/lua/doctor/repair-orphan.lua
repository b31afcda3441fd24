-- Drops an index entry whose dossier has no record. 1, or 0 when the record exists.
if redis.call('EXISTS', K.dossier) == 1 then return 0 end
if redis.call('TYPE', K.index).ok == 'zset' then return redis.call('ZREM', K.index, A.ref) end
return 0
