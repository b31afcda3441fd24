/**
 * Lua for the life of a dossier after intake: the bookkeeping every status change shares
 * (deadline indexes, statistics counters), an event posted to `/v1/dossiers/:maHoSo/events`,
 * and the deadline scan. Each runs on the dossier's agency slot, with the change it records.
 */
import { IDENTITY, LIFECYCLE_SET, SET_STATE } from './scripts-shared.js'
import { EMIT } from './scripts-webhook.js'
import { STATS_APPLY } from '../stats/scripts.js'

/**
 * An event on a dossier, as a compare-and-set on its revision.
 * KEYS: dossier, steps, outbox, owner, gen, idxFailed, idxReview, due, overdue, hist, then
 *       LIFECYCLE_SET's (`lifecycleKeys`) from 11.
 * ARGV: ref, now, expectedRevision, status, lifecycleJson, contentChanged (1/0), stepJson
 *       ('' none), historyEntry, retentionMs, then LIFECYCLE_SET's eleven from index 10.
 * Returns {result, state, jobGen}: 'ok', 'missing' or 'revision'.
 */
export const APPLY_EVENT = `
local d, ref = KEYS[1], ARGV[1]
local idxFailed, idxReview, due, overdue = KEYS[6], KEYS[7], KEYS[8], KEYS[9]
${SET_STATE}
local closed, statsFirst = KEYS[11], 12
${LIFECYCLE_SET}
if redis.call('EXISTS', d) == 0 then return {'missing', '', ''} end
if (redis.call('HGET', d, 'revision') or '0') ~= ARGV[3] then return {'revision', '', ''} end
redis.call('HINCRBY', d, 'revision', 1)
redis.call('HSET', d, 'status', ARGV[4], 'lifecycle', ARGV[5], 'updatedAt', ARGV[2])
local send = false
if ARGV[6] == '1' then
  redis.call('HINCRBY', d, 'contentRev', 1)
  send = true
end
if ARGV[7] ~= '' then
  local id = redis.call('HINCRBY', d, 'stepSeq', 1)
  redis.call('RPUSH', KEYS[2], '{"id":' .. id .. ',' .. string.sub(ARGV[7], 2))
  send = true
end
lifecycleSet(10)
redis.call('RPUSH', KEYS[10], ARGV[8])
redis.call('PEXPIRE', KEYS[10], ARGV[9])
local state = redis.call('HGET', d, 'state')
-- A held or failed dossier keeps what changed for when an admin lets it go on.
if not send or state == 'needs-review' or state == 'failed' then return {'ok', state, ''} end
setState('pending')
redis.call('ZADD', KEYS[3], 'NX', ARGV[2], ref)
if redis.call('EXISTS', KEYS[4]) == 1 then return {'ok', 'pending', ''} end
return {'ok', 'pending', redis.call('GET', KEYS[5]) or '0'}
`

/**
 * The deadline of one open dossier, at `now`. Overdue happens once per due date, and so does
 * due-soon, however many processes scan: the record says for which due date each was sent.
 * KEYS: dossier, due, overdue, hist, whq, whActive, then the statistics keys (`statsKeysFor`).
 * ARGV: ref, code, now, windowMs, timestamp (ISO, UTC), historyAt (ISO +07:00), retentionMs,
 *       overdueBump (the encoded +1 of the overdueOpen gauge).
 * Returns {result, headId}: 'overdue', 'due-soon', 'later', 'final', 'gone' or 'done'.
 */
export const DEADLINE = `
local d, ref, due, overdue = KEYS[1], ARGV[1], KEYS[2], KEYS[3]
${EMIT}
${IDENTITY}
${STATS_APPLY}
local FINAL = { ['3'] = true, ['7'] = true, ['8'] = true, ['10'] = true }
if redis.call('EXISTS', d) == 0 then
  redis.call('ZREM', due, ref)
  return {'gone', ''}
end
local f = redis.call('HMGET', d, 'status', 'dueAt', 'overdueFor', 'dueSoonFor', 'whClient', 'agency', 'system', 'sourceId', 'dueAtIso', 'statsDims')
local id = identity(d, ref)
f[6], f[7], f[8] = id[1], id[2], id[3]
if FINAL[f[1]] then
  redis.call('ZREM', due, ref)
  return {'final', ''}
end
local dueAt = tonumber(f[2] or '')
if not dueAt then
  redis.call('ZREM', due, ref)
  return {'gone', ''}
end
local now = tonumber(ARGV[3])
local client = f[5] or ''
local function event (etype)
  if client == '' then return '' end
  return emit(d, KEYS[5], KEYS[6], ARGV[2], client, etype, cjson.encode({ type = etype, timestamp = ARGV[5],
    data = { maHoSo = ARGV[2], agency = f[6], system = f[7], sourceId = f[8], status = f[1], dueAt = f[9] } }))
end
if dueAt <= now then
  redis.call('ZREM', due, ref)
  if f[3] == tostring(dueAt) then return {'done', ''} end
  redis.call('HSET', d, 'overdueFor', tostring(dueAt), 'overdue', '1')
  redis.call('ZADD', overdue, dueAt, ref)
  if ARGV[8] ~= '' and f[10] then statsApply(statsKeys(7), f[10], ARGV[8]) end
  redis.call('RPUSH', KEYS[4], cjson.encode({ at = ARGV[6], kind = 'overdue', dueAt = f[9] }))
  redis.call('PEXPIRE', KEYS[4], ARGV[7])
  return {'overdue', event('dossier.overdue')}
end
if dueAt <= now + tonumber(ARGV[4]) and f[4] ~= tostring(dueAt) then
  redis.call('HSET', d, 'dueSoonFor', tostring(dueAt))
  redis.call('RPUSH', KEYS[4], cjson.encode({ at = ARGV[6], kind = 'due-soon', dueAt = f[9] }))
  redis.call('PEXPIRE', KEYS[4], ARGV[7])
  return {'due-soon', event('dossier.due-soon')}
end
return {'later', ''}
`

/**
 * An operator gives up on a failed or held dossier, with a reason: it leaves the outbox and the
 * lists; a later change from its sector system takes it in again. Compare-and-set on the revision.
 * KEYS: dossier, outbox, idxFailed, idxReview. ARGV: ref, expectedRevision, discardJson, now.
 * Returns 'ok', 'missing', 'state' (neither failed nor held) or 'revision'.
 */
export const DISCARD = `
local d, ref = KEYS[1], ARGV[1]
local idxFailed, idxReview = KEYS[3], KEYS[4]
${SET_STATE}
if redis.call('EXISTS', d) == 0 then return 'missing' end
local state = redis.call('HGET', d, 'state')
if state ~= 'failed' and state ~= 'needs-review' then return 'state' end
if redis.call('HGET', d, 'revision') ~= ARGV[2] then return 'revision' end
redis.call('HINCRBY', d, 'revision', 1)
setState('discarded')
redis.call('HSET', d, 'discard', ARGV[3], 'updatedAt', ARGV[4])
redis.call('ZREM', KEYS[2], ref)
return 'ok'
`

/**
 * Lets a failed webhook head be sent again: clears its failure if it is still that event's.
 * KEYS: whfailed, whfailedIndex. ARGV: code, eventId. Returns 1, or 0 when it was not held for that event.
 */
export const WEBHOOK_UNHOLD = `
local f = redis.call('HGET', KEYS[1], ARGV[1])
if not f or not string.find(f, '"id":"' .. ARGV[2] .. '"', 1, true) then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`
