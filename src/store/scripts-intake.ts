/**
 * Lua scripts that change a dossier: intake, and an admin's decisions. Each touches the keys of
 * one agency only (one hash tag, so one Redis Cluster slot), and each is the whole state change:
 * the dossier, its outbox entry and the agency's state indexes move together or not at all.
 */
import { LIFECYCLE_SET, SET_STATE } from './scripts-shared.js'
import { NEXT_CODE } from './scripts-sequence.js'

/**
 * Intake, as a compare-and-set on the revision the sender's change was decided on (the status
 * machine runs in TS on that revision; another change in between makes this answer 'retry').
 * KEYS: dossier, raw, steps, codes, seq, outbox, flushOwner, flushGen, flushArmed,
 * idxFailed, idxReview, due, overdue, doc, then LIFECYCLE_SET's (`lifecycleKeys`) from 15, then
 * the agency's index of all dossiers (Keys.dossierIndex), seqOwner, seqEpoch last (scripts-sequence.ts).
 * ARGV: ref, agency, day, fullHash, contentHash, status, doc (the compressed record, provenance
 *       and payload: codec.ts), upto and jump (the sequence's, scripts-sequence.ts), now,
 *       retentionMs, reviewJson, stepJson, clientId, system, sourceId, rawKeep, whClient (the
 *       client that hears of this dossier's events: the sender when it has a webhook, else ''),
 *       expectedRevision ('0' for a new dossier), then LIFECYCLE_SET's eleven from index 20.
 * Returns {maHoSo, outcome, state, jobGen, previousState} where jobGen is '' when no new flush
 * job is needed: one owns the outbox, or one was already queued for this generation. Outcome
 * 'compacted': a changed resend of a compacted dossier, refused (nothing written).
 *
 * Hashes are stored and compared as their first 32 hex digits (128 bits: ample to tell a
 * change from a resend); a record that holds all 64 (written before) compares by its prefix.
 *
 * The document replaces the previous one, which goes to the head of the list of earlier
 * revisions (RAW_KEEP in all, the current one included). A record written before documents
 * existed loses its `input` and `provenance` fields here: they are in the document now.
 */
export const INTAKE = `
local d, raw, steps, codes, seq, outbox, owner, gen, armed = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local idxFailed, idxReview, due, overdue, doc = KEYS[10], KEYS[11], KEYS[12], KEYS[13], KEYS[14]
local ref, now = ARGV[1], tonumber(ARGV[10])
${SET_STATE}
local closed, statsFirst = KEYS[15], 16
${LIFECYCLE_SET}
${NEXT_CODE}
if (redis.call('HGET', d, 'revision') or '0') ~= ARGV[19] then return {'', 'retry', '', '', ''} end
local code = redis.call('HGET', d, 'maHoSo')
local previous = redis.call('HGET', d, 'state') or ''
local outcome
local changed = false
if not code then
  code = nextCode(codes, seq, KEYS[#KEYS - 1], KEYS[#KEYS], ARGV[2], ARGV[3], ref, ARGV[8], tonumber(ARGV[9]))
  if not code then return redis.error_reply('SEQUENCE_EXHAUSTED') end
  -- Agency, system and number are not stored: the key and the ref say them (IDENTITY).
  redis.call('HSET', d, 'maHoSo', code,
    'contentRev', 1, 'deliveredRev', 0, 'created', 0, 'revision', 1, 'createdAt', now)
  outcome = 'new'
  changed = true
elseif string.sub(redis.call('HGET', d, 'fullHash') or '', 1, 32) == ARGV[4] then
  outcome = 'duplicate'
elseif redis.call('HEXISTS', d, 'compactedAt') == 1 then
  return {code, 'compacted', redis.call('HGET', d, 'state') or '', '', ''}
else
  outcome = 'updated'
  changed = true
  redis.call('HINCRBY', d, 'revision', 1)
  if string.sub(redis.call('HGET', d, 'contentHash') or '', 1, 32) ~= ARGV[5] then redis.call('HINCRBY', d, 'contentRev', 1) end
  if redis.call('HGET', d, 'status') ~= ARGV[6] and ARGV[13] ~= '' then
    -- Steps carry an id so that delivery acknowledges exactly the ones the portal took.
    local id = redis.call('HINCRBY', d, 'stepSeq', 1)
    redis.call('RPUSH', steps, '{"id":' .. id .. ',' .. string.sub(ARGV[13], 2))
  end
end
local state = redis.call('HGET', d, 'state')
if changed then
  redis.call('HSET', d, 'fullHash', ARGV[4], 'contentHash', ARGV[5], 'status', ARGV[6], 'updatedAt', now)
  -- The client is the document's provenance; no webhook client is no field.
  redis.call('HDEL', d, 'input', 'provenance', 'clientId')
  if ARGV[18] == '' then redis.call('HDEL', d, 'whClient') else redis.call('HSET', d, 'whClient', ARGV[18]) end
  lifecycleSet(20)
  -- NX: a dossier keeps the place it was first taken in at; one written before the index gets it at its next change.
  redis.call('ZADD', KEYS[#KEYS - 2], 'NX', redis.call('HGET', d, 'createdAt') or now, ref)
  local old = redis.call('GET', doc)
  if old then
    redis.call('LPUSH', raw, old)
    redis.call('LTRIM', raw, 0, tonumber(ARGV[17]) - 2)
    redis.call('PEXPIRE', raw, ARGV[11])
  end
  redis.call('SET', doc, ARGV[7])
  if ARGV[12] ~= '' then
    state = 'needs-review'
    setState(state)
    redis.call('HSET', d, 'review', ARGV[12])
    redis.call('ZREM', outbox, ref)
    return {code, outcome, state, '', previous}
  end
  state = 'pending'
  setState(state)
  redis.call('HDEL', d, 'review', 'failure')
  redis.call('ZADD', outbox, 'NX', now, ref)
elseif state ~= 'pending' then
  return {code, outcome, state, '', previous}
end
-- A pending dossier needs a flush job unless one owns the outbox or one is already queued for
-- this generation. A resend of a pending dossier always asks again: its first intake may have
-- died between this script and queueing the job (BullMQ ignores a second add of the same id).
if redis.call('EXISTS', owner) == 1 then return {code, outcome, state, '', previous} end
local g = redis.call('GET', gen) or '0'
if changed and redis.call('GET', armed) == g then return {code, outcome, state, '', previous} end
redis.call('SET', armed, g)
return {code, outcome, state, g, previous}
`

/**
 * An admin's change to a held (needs-review) or failed dossier, as a compare-and-set on its
 * revision: a sector update or another admin that got there first makes it change nothing.
 * With `requeue` = 1 the dossier goes back to the outbox; with 0 it stays held, with the
 * remaining review items.
 * KEYS: dossier, outbox, owner, gen, idxFailed, idxReview, raw, doc.
 * ARGV: ref, now, expectedState, expectedRevision, doc (the new compressed document, '' keeps),
 *       fullHash, contentHash, resolutionsJson ('' keeps), requeue (0/1), reviewJson (when not
 *       requeued), newRevision ('1': the document holds a new payload, an operator's edited
 *       record: the previous document is kept as an earlier revision), rawKeep, retentionMs.
 * Returns {result, state, jobGen}: result is 'ok', 'missing', 'state' (not in the expected
 * state) or 'revision' (changed meanwhile).
 */
export const ADMIN_CHANGE = `
local d = KEYS[1]
local idxFailed, idxReview = KEYS[5], KEYS[6]
local ref = ARGV[1]
${SET_STATE}
if redis.call('EXISTS', d) == 0 then return {'missing', '', ''} end
local state = redis.call('HGET', d, 'state')
if state ~= ARGV[3] then return {'state', state, ''} end
if redis.call('HGET', d, 'revision') ~= ARGV[4] then return {'revision', state, ''} end
redis.call('HINCRBY', d, 'revision', 1)
if ARGV[5] ~= '' then
  local old = redis.call('GET', KEYS[8])
  if ARGV[11] == '1' and old then
    redis.call('LPUSH', KEYS[7], old)
    redis.call('LTRIM', KEYS[7], 0, tonumber(ARGV[12]) - 2)
    redis.call('PEXPIRE', KEYS[7], ARGV[13])
  end
  redis.call('SET', KEYS[8], ARGV[5])
  redis.call('HDEL', d, 'input', 'provenance')
  redis.call('HSET', d, 'fullHash', ARGV[6])
  if string.sub(redis.call('HGET', d, 'contentHash') or '', 1, 32) ~= ARGV[7] then
    redis.call('HSET', d, 'contentHash', ARGV[7])
    redis.call('HINCRBY', d, 'contentRev', 1)
  end
end
if ARGV[8] ~= '' then redis.call('HSET', d, 'resolutions', ARGV[8]) end
redis.call('HSET', d, 'updatedAt', ARGV[2])
if ARGV[9] ~= '1' then
  redis.call('HSET', d, 'review', ARGV[10])
  return {'ok', state, ''}
end
setState('pending')
redis.call('HDEL', d, 'review', 'failure', 'lastError')
redis.call('ZADD', KEYS[2], ARGV[2], ref)
if redis.call('EXISTS', KEYS[3]) == 1 then return {'ok', 'pending', ''} end
return {'ok', 'pending', redis.call('GET', KEYS[4]) or '0'}
`
