-- The sector system names an online dossier's code for its own dossier: the record moves to the
-- sector's reference, so that every later post of that number is an update of the code. Every
-- index that names the dossier by its reference moves with it, at the same score: a linked
-- dossier stays overdue, due, closed, failed or queued exactly as it was.
-- K.sector and K.portal: each side's dossier, raw, steps, attempts and doc keys; K.refIndexes:
-- every other per-ref index of the agency (Keys.refIndexes: sets and sorted sets; any other type,
-- or none, is left alone).
-- Returns 'linked', 'already' (this number is linked to this code), 'unknown' (no such code),
-- 'sector-elsewhere' (this number has another code), 'code-elsewhere' (the code is another
-- dossier's: linked to another number, or not an online dossier).
local code, sref, pref = A.code, A.sectorRef, A.portalRef
local sd, pd = K.sector[1], K.portal[1]
if redis.call('EXISTS', sd) == 1 then
  if redis.call('HGET', sd, 'maHoSo') == code then return 'already' end
  return 'sector-elsewhere'
end
local cur = redis.call('HGET', K.codes, code)
if not cur then return 'unknown' end
if cur ~= pref or redis.call('EXISTS', pd) == 0 then return 'code-elsewhere' end
redis.call('RENAME', pd, sd)
for i = 2, 5 do
  if redis.call('EXISTS', K.portal[i]) == 1 then redis.call('RENAME', K.portal[i], K.sector[i]) end
end
redis.call('HSET', K.codes, code, sref)
-- The key and the reference say the agency, system and number (identity.lua); older records stored them.
redis.call('HDEL', sd, 'agency', 'system', 'sourceId')
redis.call('HSET', sd, 'clientId', A.clientId, 'whClient', A.whClient, 'routing', A.routing, 'updatedAt', A.now)
redis.call('HINCRBY', sd, 'revision', 1)
redis.call('ZREM', K.idxUnrouted, pref)
if redis.call('HGET', sd, 'state') == 'unrouted' then redis.call('HSET', sd, 'state', 'delivered') end
for _, k in ipairs(K.refIndexes) do
  local t = redis.call('TYPE', k).ok
  if t == 'zset' then
    local score = redis.call('ZSCORE', k, pref)
    if score then
      redis.call('ZREM', k, pref)
      redis.call('ZADD', k, score, sref)
    end
  elseif t == 'set' then
    if redis.call('SREM', k, pref) == 1 then redis.call('SADD', k, sref) end
  end
end
redis.call('RPUSH', K.hist, A.historyEntry)
redis.call('PEXPIRE', K.hist, A.retentionMs)
return 'linked'
