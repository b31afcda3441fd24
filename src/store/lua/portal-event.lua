-- A portal callback about a dossier (not HoSoMoi). K.stats: the statistics keys with the dossier's
-- receipt day, where payments and ratings count. A.ref: '' when the code is not known;
-- A.factField, A.incrField: '' none; A.webhookBody: '' none; A.paid: 1 for a payment;
-- A.ratingScore: '' none.
-- Returns {result, headId}: 'applied', 'duplicate' (headId: the queue's head, to re-arm its
-- job), 'unmatched' (kept for admins), or 'moved' (the code now points elsewhere, or the
-- receipt day's counters are not the ones in KEYS: look again).
--!include shared/emit.lua
--!include shared/stats-apply.lua
--!include shared/keep-unmatched.lua
local code, ref, retention = A.code, A.ref, A.retentionMs
if redis.call('EXISTS', K.evt) == 1 then return {'duplicate', headId(K.whq)} end
local cur = redis.call('HGET', K.codes, code) or ''
if cur ~= ref then return {'moved', ''} end
local d = K.dossier
local sk = statsKeys(K.stats)
-- The centre's figures: paid online and ratings count on the dossier's receipt day.
local sf = redis.call('HMGET', d, 'receivedDay', 'statsDims', 'paidOnline', 'ratingScore')
if sf[1] and sf[2] and (A.paid == '1' or A.ratingScore ~= '') and not sk.days[sf[1]] then return {'moved', ''} end
redis.call('SET', K.evt, '1', 'PX', retention)
if ref == '' or redis.call('EXISTS', d) == 0 then
  keepUnmatched(K.unmatchedIndex, K.unmatchedData, A.now, A.unmatchedEntry, A.unmatchedCap, retention)
  return {'unmatched', ''}
end
if A.factField ~= '' then redis.call('HSET', d, A.factField, A.factValue) end
if A.incrField ~= '' then redis.call('HINCRBY', d, A.incrField, 1) end
if sf[1] and sf[2] then
  if A.paid == '1' and sf[3] ~= '1' then
    redis.call('HSET', d, 'paidOnline', '1')
    statsApply(sk, sf[2], sf[1] .. '|paidOnline|1')
  end
  if A.ratingScore ~= '' then
    local score = tonumber(A.ratingScore)
    if sf[4] then
      local delta = score - tonumber(sf[4])
      if delta ~= 0 then statsApply(sk, sf[2], sf[1] .. '|ratingSum|' .. delta) end
    else
      statsApply(sk, sf[2], sf[1] .. '|ratingSum|' .. score .. ';' .. sf[1] .. '|ratingCount|1')
    end
    redis.call('HSET', d, 'ratingScore', A.ratingScore)
  end
end
redis.call('HINCRBY', d, 'revision', 1)
redis.call('HSET', d, 'updatedAt', A.now)
local client = redis.call('HGET', d, 'whClient') or ''
local forward = client ~= '' and A.webhookBody ~= ''
redis.call('RPUSH', K.hist, forward and A.historyEntry or A.historyEntryNotForwarded)
redis.call('PEXPIRE', K.hist, retention)
if forward then return {'applied', emit(d, K.whq, K.active, code, client, A.webhookType, A.webhookBody)} end
return {'applied', ''}
