-- An admin's change to a held (needs-review) or failed dossier, as a compare-and-set on its
-- revision: a sector update or another admin that got there first makes it change nothing.
-- With A.requeue = 1 the dossier goes back to the outbox; with 0 it stays held, with the
-- remaining review items (A.reviewJson). A.doc: the new compressed document ('' keeps);
-- A.newRevision '1': the document holds a new payload, an operator's edited record, so the
-- previous document is kept as an earlier revision. A.resolutionsJson: '' keeps.
-- Returns {result, state, jobGen}: result is 'ok', 'missing', 'state' (not in the expected
-- state) or 'revision' (changed meanwhile).
local d, ref = K.dossier, A.ref
--!include shared/set-state.lua
if redis.call('EXISTS', d) == 0 then return {'missing', '', ''} end
local state = redis.call('HGET', d, 'state')
if state ~= A.expectedState then return {'state', state, ''} end
if redis.call('HGET', d, 'revision') ~= A.expectedRevision then return {'revision', state, ''} end
redis.call('HINCRBY', d, 'revision', 1)
if A.doc ~= '' then
  local old = redis.call('GET', K.doc)
  if A.newRevision == '1' and old then
    redis.call('LPUSH', K.raw, old)
    redis.call('LTRIM', K.raw, 0, tonumber(A.rawKeep) - 2)
    redis.call('PEXPIRE', K.raw, A.retentionMs)
  end
  redis.call('SET', K.doc, A.doc)
  redis.call('HDEL', d, 'input', 'provenance')
  redis.call('HSET', d, 'fullHash', A.fullHash)
  if string.sub(redis.call('HGET', d, 'contentHash') or '', 1, 32) ~= A.contentHash then
    redis.call('HSET', d, 'contentHash', A.contentHash)
    redis.call('HINCRBY', d, 'contentRev', 1)
  end
end
if A.resolutionsJson ~= '' then redis.call('HSET', d, 'resolutions', A.resolutionsJson) end
redis.call('HSET', d, 'updatedAt', A.now)
if A.requeue ~= '1' then
  redis.call('HSET', d, 'review', A.reviewJson)
  return {'ok', state, ''}
end
setState('pending')
redis.call('HDEL', d, 'review', 'failure', 'lastError')
redis.call('ZADD', K.outbox, A.now, ref)
if redis.call('EXISTS', K.flushOwner) == 1 then return {'ok', 'pending', ''} end
return {'ok', 'pending', redis.call('GET', K.flushGen) or '0'}
