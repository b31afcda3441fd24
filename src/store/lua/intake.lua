-- Intake, as a compare-and-set on the revision the sender's change was decided on (the status
-- machine runs in TS on that revision; another change in between makes this answer 'retry').
-- KEYS and ARGV: INTAKE in scripts-intake.ts.
-- Returns {maHoSo, outcome, state, jobGen, previousState, noticeIds (comma-separated, '' none)} where jobGen is '' when no new flush
-- job is needed: one owns the outbox, or one was already queued for this generation. Outcome
-- 'compacted': a changed resend of a compacted dossier, refused (nothing written).
--
-- Hashes are stored and compared as their first 32 hex digits (128 bits: ample to tell a change
-- from a resend); a record that holds all 64 (written before) compares by its prefix.
--
-- The document replaces the previous one, which goes to the head of the list of earlier
-- revisions (A.rawKeep in all, the current one included). A record written before documents
-- existed loses its `input` and `provenance` fields here: they are in the document now.
local d, ref, now = K.dossier, A.ref, tonumber(A.now)
--!include shared/set-state.lua
--!include shared/lifecycle-set.lua
--!include shared/next-code.lua
-- 'retry' carries the dossier as it is, in place of the code: an HMGET of SNAPSHOT_FIELDS
-- (lifecycle-store.ts), so that deciding again needs no read of its own.
if (redis.call('HGET', d, 'revision') or '0') ~= A.expectedRevision then return {redis.call('HMGET', d, 'maHoSo', 'state', 'revision', 'status', 'statusAt', 'lifecycle', 'overdue', 'resolved', 'paidOnline', 'dueAt'), 'retry', '', '', ''} end
local code = redis.call('HGET', d, 'maHoSo')
local previous = redis.call('HGET', d, 'state') or ''
local outcome
local changed = false
if not code then
  code = nextCode(K.codes, K.seq, K.seqOwner, K.seqEpoch, A.agency, A.day, ref, A.upto, tonumber(A.jump))
  if not code then return redis.error_reply('SEQUENCE_EXHAUSTED') end
  -- Agency, system and number are not stored: the key and the ref say them (identity.lua).
  redis.call('HSET', d, 'maHoSo', code,
    'contentRev', 1, 'deliveredRev', 0, 'created', 0, 'revision', 1, 'createdAt', now)
  outcome = 'new'
  changed = true
elseif string.sub(redis.call('HGET', d, 'fullHash') or '', 1, 32) == A.fullHash then
  outcome = 'duplicate'
elseif redis.call('HEXISTS', d, 'compactedAt') == 1 then
  return {code, 'compacted', redis.call('HGET', d, 'state') or '', '', ''}
else
  outcome = 'updated'
  changed = true
  redis.call('HINCRBY', d, 'revision', 1)
  if string.sub(redis.call('HGET', d, 'contentHash') or '', 1, 32) ~= A.contentHash then redis.call('HINCRBY', d, 'contentRev', 1) end
  if redis.call('HGET', d, 'status') ~= A.status and A.stepJson ~= '' then
    -- Steps carry an id so that delivery acknowledges exactly the ones the portal took.
    local id = redis.call('HINCRBY', d, 'stepSeq', 1)
    redis.call('RPUSH', K.steps, '{"id":' .. id .. ',' .. string.sub(A.stepJson, 2))
  end
end
local state = redis.call('HGET', d, 'state')
if changed then
  redis.call('HSET', d, 'fullHash', A.fullHash, 'contentHash', A.contentHash, 'status', A.status, 'updatedAt', now)
  -- The client is the document's provenance; no webhook client is no field.
  redis.call('HDEL', d, 'input', 'provenance', 'clientId')
  if A.whClient == '' then redis.call('HDEL', d, 'whClient') else redis.call('HSET', d, 'whClient', A.whClient) end
  lifecycleSet()
  -- NX: a dossier keeps the place it was first taken in at; one written before the index gets it at its next change.
  redis.call('ZADD', K.all, 'NX', redis.call('HGET', d, 'createdAt') or now, ref)
  local old = redis.call('GET', K.doc)
  if old then
    redis.call('LPUSH', K.raw, old)
    redis.call('LTRIM', K.raw, 0, tonumber(A.rawKeep) - 2)
    redis.call('PEXPIRE', K.raw, A.retentionMs)
  end
  redis.call('SET', K.doc, A.doc)
  if A.reviewJson ~= '' then
    state = 'needs-review'
    setState(state)
    redis.call('HSET', d, 'review', A.reviewJson)
    redis.call('ZREM', K.outbox, ref)
    return {code, outcome, state, '', previous, table.concat(noticeIds, ',')}
  end
  state = 'pending'
  setState(state)
  redis.call('HDEL', d, 'review', 'failure')
  redis.call('ZADD', K.outbox, 'NX', now, ref)
elseif state ~= 'pending' then
  return {code, outcome, state, '', previous, table.concat(noticeIds, ',')}
end
-- A pending dossier needs a flush job unless one owns the outbox or one is already queued for
-- this generation. A resend of a pending dossier always asks again: its first intake may have
-- died between this script and queueing the job (BullMQ ignores a second add of the same id).
if redis.call('EXISTS', K.flushOwner) == 1 then return {code, outcome, state, '', previous, table.concat(noticeIds, ',')} end
local g = redis.call('GET', K.flushGen) or '0'
if changed and redis.call('GET', K.flushArmed) == g then return {code, outcome, state, '', previous, table.concat(noticeIds, ',')} end
redis.call('SET', K.flushArmed, g)
return {code, outcome, state, g, previous, table.concat(noticeIds, ',')}
