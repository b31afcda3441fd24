/**
 * Lua for what the portal starts: its callbacks, online dossiers (HoSoMoi), the sector's link to
 * an online dossier, and an admin's routing of one. Each is one atomic step on one agency's slot,
 * and each takes the portal event (MaSuKien) and its effect together: an event either took
 * effect once, with its history line and its webhook event, or not at all.
 */
import { EMIT } from './scripts-webhook.js'
import { LIFECYCLE_SET } from './scripts-shared.js'
import { STATS_APPLY } from '../stats/scripts.js'

/**
 * `keepUnmatched(idx, data, at, entry, cap, retention)`: keeps a callback nobody here knows, by
 * its MaSuKien, scored by when it arrived; past `cap` per agency the oldest go, so the newest are
 * always there.
 */
const KEEP_UNMATCHED = `
local function keepUnmatched (idx, data, at, entry, cap, retention)
  local id = cjson.decode(entry).maSuKien
  redis.call('HSET', data, id, entry)
  redis.call('ZADD', idx, at, id)
  local over = redis.call('ZCARD', idx) - tonumber(cap)
  if over > 0 then
    local old = redis.call('ZRANGE', idx, 0, over - 1)
    redis.call('ZREMRANGEBYRANK', idx, 0, over - 1)
    for i = 1, #old, 500 do redis.call('HDEL', data, unpack(old, i, math.min(i + 499, #old))) end
  end
  redis.call('PEXPIRE', idx, retention)
  redis.call('PEXPIRE', data, retention)
end
`

/**
 * A callback about a dossier (not HoSoMoi). KEYS: evt, codes, dossier, hist, whq, active,
 * unmatchedIndex, then the statistics keys (`statsKeysFor`, with the dossier's receipt day, where
 * payments and ratings count), and last unmatchedData.
 * ARGV: code, ref ('' when the code is not known), now, retentionMs, historyEntry,
 *       factField ('' none), factValue, incrField ('' none), webhookType, webhookBody ('' none),
 *       unmatchedEntry, historyEntryNotForwarded, '' (unused), paid (1: a payment),
 *       ratingScore ('' none), unmatchedCap.
 * Returns {result, headId}: 'applied', 'duplicate' (headId: the queue's head, to re-arm its
 * job), 'unmatched' (kept for admins), or 'moved' (the code now points elsewhere, or the
 * receipt day's counters are not the ones in KEYS: look again).
 */
export const PORTAL_EVENT = `
${EMIT}
${STATS_APPLY}
${KEEP_UNMATCHED}
local code, ref, retention = ARGV[1], ARGV[2], ARGV[4]
if redis.call('EXISTS', KEYS[1]) == 1 then return {'duplicate', headId(KEYS[5])} end
local cur = redis.call('HGET', KEYS[2], code) or ''
if cur ~= ref then return {'moved', ''} end
local d = KEYS[3]
local sk = statsKeys(8)
-- The centre's figures: paid online and ratings count on the dossier's receipt day.
local sf = redis.call('HMGET', d, 'receivedDay', 'statsDims', 'paidOnline', 'ratingScore')
if sf[1] and sf[2] and (ARGV[14] == '1' or ARGV[15] ~= '') and not sk.days[sf[1]] then return {'moved', ''} end
redis.call('SET', KEYS[1], '1', 'PX', retention)
if ref == '' or redis.call('EXISTS', d) == 0 then
  keepUnmatched(KEYS[7], KEYS[#KEYS], ARGV[3], ARGV[11], ARGV[16], retention)
  return {'unmatched', ''}
end
if ARGV[6] ~= '' then redis.call('HSET', d, ARGV[6], ARGV[7]) end
if ARGV[8] ~= '' then redis.call('HINCRBY', d, ARGV[8], 1) end
if sf[1] and sf[2] then
  if ARGV[14] == '1' and sf[3] ~= '1' then
    redis.call('HSET', d, 'paidOnline', '1')
    statsApply(sk, sf[2], sf[1] .. '|paidOnline|1')
  end
  if ARGV[15] ~= '' then
    local score = tonumber(ARGV[15])
    if sf[4] then
      local delta = score - tonumber(sf[4])
      if delta ~= 0 then statsApply(sk, sf[2], sf[1] .. '|ratingSum|' .. delta) end
    else
      statsApply(sk, sf[2], sf[1] .. '|ratingSum|' .. score .. ';' .. sf[1] .. '|ratingCount|1')
    end
    redis.call('HSET', d, 'ratingScore', ARGV[15])
  end
end
redis.call('HINCRBY', d, 'revision', 1)
redis.call('HSET', d, 'updatedAt', ARGV[3])
local client = redis.call('HGET', d, 'whClient') or ''
local forward = client ~= '' and ARGV[10] ~= ''
redis.call('RPUSH', KEYS[4], forward and ARGV[5] or ARGV[12])
redis.call('PEXPIRE', KEYS[4], retention)
if forward then return {'applied', emit(d, KEYS[5], KEYS[6], code, client, ARGV[9], ARGV[10])} end
return {'applied', ''}
`

/**
 * HoSoMoi: an online dossier, already on the portal, under the code the portal gave it, in the
 * compact format of every dossier (docs/architecture.md, "Storage"): small values in the record,
 * the canonical record, provenance and the HoSoMoi as received in its document.
 * KEYS: evt, codes, dossier, doc, hist, whq, active, idxUnrouted, unmatchedIndex, due, overdue,
 *       then LIFECYCLE_SET's (`lifecycleKeys`) from 12, then unmatchedData, and last the index of
 *       all dossiers (Keys.dossierIndex).
 * ARGV: code, ref, now, retentionMs, historyEntry, doc (codec.ts), '' (unused), state
 *       ('delivered' or 'unrouted'), whClient ('' none), webhookBody, unmatchedEntry,
 *       LIFECYCLE_SET's eleven (12 to 22), unmatchedCap, then field/value pairs.
 * Returns {result, headId}: 'created', 'duplicate', 'known' (announced again under another
 * MaSuKien), or 'conflict' (the code is one the gateway gave a dossier of its own: kept for admins).
 */
export const ONLINE_DOSSIER = `
${EMIT}
${KEEP_UNMATCHED}
local code, ref, retention = ARGV[1], ARGV[2], ARGV[4]
local d, hist, due, overdue = KEYS[3], KEYS[5], KEYS[10], KEYS[11]
local closed, statsFirst = KEYS[12], 13
${LIFECYCLE_SET}
if redis.call('EXISTS', KEYS[1]) == 1 then return {'duplicate', headId(KEYS[6])} end
redis.call('SET', KEYS[1], '1', 'PX', retention)
local cur = redis.call('HGET', KEYS[2], code)
if cur then
  if cur == ref then
    redis.call('RPUSH', hist, ARGV[5])
    redis.call('PEXPIRE', hist, retention)
    return {'known', ''}
  end
  keepUnmatched(KEYS[9], KEYS[#KEYS - 1], ARGV[3], ARGV[11], ARGV[23], retention)
  return {'conflict', ''}
end
redis.call('HSET', KEYS[2], code, ref)
for i = 24, #ARGV, 2 do redis.call('HSET', d, ARGV[i], ARGV[i + 1]) end
redis.call('HSET', d, 'state', ARGV[8], 'whClient', ARGV[9])
redis.call('ZADD', KEYS[#KEYS], 'NX', redis.call('HGET', d, 'createdAt') or ARGV[3], ref)
lifecycleSet(12)
redis.call('SET', KEYS[4], ARGV[6])
redis.call('RPUSH', hist, ARGV[5])
redis.call('PEXPIRE', hist, retention)
if ARGV[8] == 'unrouted' then redis.call('ZADD', KEYS[8], ARGV[3], ref) end
if ARGV[9] ~= '' then return {'created', emit(d, KEYS[6], KEYS[7], code, ARGV[9], 'dossier.submitted-online', ARGV[10])} end
return {'created', ''}
`

/**
 * A signed callback kept for admins as it was sent, without effect on any dossier (a HoSoMoi
 * whose dossier is incomplete): takes the event id, so a copy is a duplicate.
 * KEYS: evt, unmatchedIndex, unmatchedData. ARGV: retentionMs, unmatchedEntry, now, unmatchedCap.
 * Returns 'kept' or 'duplicate'.
 */
export const KEEP_CALLBACK = `
${KEEP_UNMATCHED}
if redis.call('EXISTS', KEYS[1]) == 1 then return 'duplicate' end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
keepUnmatched(KEYS[2], KEYS[3], ARGV[3], ARGV[2], ARGV[4], ARGV[1])
return 'kept'
`

/**
 * The sector system names an online dossier's code for its own dossier: the record moves to
 * the sector's reference, so that every later post of that number is an update of the code.
 * Every index that names the dossier by its reference moves with it, at the same score: a
 * linked dossier stays overdue, due, closed, failed or queued exactly as it was.
 * KEYS: codes, sector dossier, raw, steps, attempts, doc, portal dossier, raw, steps, attempts,
 *       doc, idxUnrouted, hist, then every other per-ref index of the agency (Keys.refIndexes:
 *       sets and sorted sets; any other type, or none, is left alone).
 * ARGV: code, sectorRef, portalRef, system, sourceId, clientId, whClient, routing (encodeRouting),
 *       historyEntry, now, retentionMs.
 * Returns 'linked', 'already' (this number is linked to this code), 'unknown' (no such code),
 * 'sector-elsewhere' (this number has another code), 'code-elsewhere' (the code is another
 * dossier's: linked to another number, or not an online dossier).
 */
export const LINK = `
local code, sref, pref = ARGV[1], ARGV[2], ARGV[3]
local sd, pd = KEYS[2], KEYS[7]
if redis.call('EXISTS', sd) == 1 then
  if redis.call('HGET', sd, 'maHoSo') == code then return 'already' end
  return 'sector-elsewhere'
end
local cur = redis.call('HGET', KEYS[1], code)
if not cur then return 'unknown' end
if cur ~= pref or redis.call('EXISTS', pd) == 0 then return 'code-elsewhere' end
redis.call('RENAME', pd, sd)
for i = 1, 4 do
  if redis.call('EXISTS', KEYS[7 + i]) == 1 then redis.call('RENAME', KEYS[7 + i], KEYS[2 + i]) end
end
redis.call('HSET', KEYS[1], code, sref)
-- The key and the reference say the agency, system and number (IDENTITY); older records stored them.
redis.call('HDEL', sd, 'agency', 'system', 'sourceId')
redis.call('HSET', sd, 'clientId', ARGV[6], 'whClient', ARGV[7], 'routing', ARGV[8], 'updatedAt', ARGV[10])
redis.call('HINCRBY', sd, 'revision', 1)
redis.call('ZREM', KEYS[12], pref)
if redis.call('HGET', sd, 'state') == 'unrouted' then redis.call('HSET', sd, 'state', 'delivered') end
for i = 14, #KEYS do
  local k = KEYS[i]
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
redis.call('RPUSH', KEYS[13], ARGV[9])
redis.call('PEXPIRE', KEYS[13], ARGV[11])
return 'linked'
`

/**
 * An admin gives an unrouted online dossier to a sector client.
 * KEYS: dossier, idxUnrouted, hist, whq, active.
 * ARGV: ref, code, client, routing (encodeRouting), webhookBody, historyEntry, now, retentionMs.
 * Returns {result, headId}: 'ok', 'missing', or 'state' (not unrouted any more).
 */
export const ROUTE = `
${EMIT}
local d = KEYS[1]
if redis.call('EXISTS', d) == 0 then return {'missing', ''} end
if redis.call('HGET', d, 'state') ~= 'unrouted' then return {'state', ''} end
redis.call('HSET', d, 'state', 'delivered', 'routing', ARGV[4], 'whClient', ARGV[3], 'updatedAt', ARGV[7])
redis.call('HINCRBY', d, 'revision', 1)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('RPUSH', KEYS[3], ARGV[6])
redis.call('PEXPIRE', KEYS[3], ARGV[8])
return {'ok', emit(d, KEYS[4], KEYS[5], ARGV[2], ARGV[3], 'dossier.submitted-online', ARGV[5])}
`
