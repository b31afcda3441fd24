-- HoSoMoi: an online dossier, already on the portal, under the code the portal gave it, in the
-- compact format of every dossier (docs/architecture.md, "Storage"): small values in the record,
-- the canonical record, provenance and the HoSoMoi as received in its document (A.doc).
-- A.state: 'delivered' or 'unrouted'; A.whClient: '' none; A.fields: the record's field/value pairs.
-- Returns {result, headId}: 'created', 'duplicate', 'known' (announced again under another
-- MaSuKien), or 'conflict' (the code is one the gateway gave a dossier of its own: kept for admins).
--!include shared/emit.lua
--!include shared/keep-unmatched.lua
local code, ref, retention = A.code, A.ref, A.retentionMs
local d, hist = K.dossier, K.hist
--!include shared/lifecycle-set.lua
if redis.call('EXISTS', K.evt) == 1 then return {'duplicate', headId(K.whq)} end
redis.call('SET', K.evt, '1', 'PX', retention)
local cur = redis.call('HGET', K.codes, code)
if cur then
  if cur == ref then
    redis.call('RPUSH', hist, A.historyEntry)
    redis.call('PEXPIRE', hist, retention)
    return {'known', ''}
  end
  keepUnmatched(K.unmatchedIndex, K.unmatchedData, A.now, A.unmatchedEntry, A.unmatchedCap, retention)
  return {'conflict', ''}
end
redis.call('HSET', K.codes, code, ref)
for i = 1, #A.fields, 2 do redis.call('HSET', d, A.fields[i], A.fields[i + 1]) end
redis.call('HSET', d, 'state', A.state, 'whClient', A.whClient)
redis.call('ZADD', K.all, 'NX', redis.call('HGET', d, 'createdAt') or A.now, ref)
lifecycleSet()
redis.call('SET', K.doc, A.doc)
redis.call('RPUSH', hist, A.historyEntry)
redis.call('PEXPIRE', hist, retention)
if A.state == 'unrouted' then redis.call('ZADD', K.idxUnrouted, A.now, ref) end
if A.whClient ~= '' then return {'created', emit(d, K.whq, K.active, code, A.whClient, 'dossier.submitted-online', A.webhookBody)} end
return {'created', ''}
