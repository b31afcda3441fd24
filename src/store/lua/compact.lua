-- Compaction: a dossier that is final, delivered and untouched for the retention period keeps
-- only what idempotency and look-ups need. A.recheckAt: the score for a dossier to look at again.
-- Returns 'compacted'; 'gone' (no record, or already compacted: left the index); 'open' (not
-- final any more: left the index, a final status puts it back); 'recent' (changed within the
-- retention period: re-indexed at its last change); 'busy' (not delivered yet, or webhook events
-- or steps still waiting: looked at again at recheckAt).
local d, ref, code = K.dossier, A.ref, A.code
local now, retention = tonumber(A.now), tonumber(A.retentionMs)
local FINAL = { ['3'] = true, ['7'] = true, ['8'] = true, ['10'] = true }
local f = redis.call('HMGET', d, 'maHoSo', 'compactedAt', 'status', 'state', 'updatedAt', 'deliveredAt', 'statusAt')
if not f[1] or f[2] then
  redis.call('ZREM', K.closed, ref)
  redis.call('ZREM', K.all, ref)
  return 'gone'
end
if not FINAL[f[3] or ''] then
  redis.call('ZREM', K.closed, ref)
  return 'open'
end
local last = math.max(tonumber(f[5] or '0') or 0, tonumber(f[6] or '0') or 0, tonumber(f[7] or '0') or 0)
if last + retention > now then
  redis.call('ZADD', K.closed, last, ref)
  return 'recent'
end
if f[4] == 'discarded' then
  redis.call('ZREM', K.closed, ref)
  return 'open'
end
if f[4] ~= 'delivered' or redis.call('ZSCORE', K.outbox, ref) or redis.call('LLEN', K.steps) > 0
  or redis.call('LLEN', K.whq) > 0 or redis.call('HEXISTS', K.whFailed, code) == 1 then
  redis.call('ZADD', K.closed, A.recheckAt, ref)
  return 'busy'
end
-- Its notices go with it: their records, their places in the queue, held and failed lists, a
-- report parked beside them and their letters. A.noticeIds and K.letters (in the same order) are
-- the notices the caller found by the `n|<kind>|<due>` fields; one added since means a change, so
-- the dossier is looked at again. The month counters stay: they count what was sent.
local fields = redis.call('HGETALL', d)
local given = {}
for _, id in ipairs(A.noticeIds) do given[id] = true end
local found = 0
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 2) == 'n|' then
    if not given[fields[i + 1]] then
      redis.call('ZADD', K.closed, A.recheckAt, ref)
      return 'busy'
    end
    found = found + 1
  end
end
if found ~= #A.noticeIds or #K.letters ~= #A.noticeIds then return redis.error_reply('COMPACT_NOTICES: the notice ids and letter keys do not match the dossier') end
for i, id in ipairs(A.noticeIds) do
  redis.call('HDEL', K.notices, id, id .. '|lease', id .. '|report')
  redis.call('ZREM', K.noticeQ, id)
  redis.call('ZREM', K.noticeHeld, id)
  redis.call('ZREM', K.noticeFailed, id)
  redis.call('DEL', K.letters[i])
end
-- Fields a compacted record keeps; everything else of the dossier goes. `fullHash` (content,
-- status and step) is what tells a resend from a change; the code, the number (the key) and the
-- agency (the hash tag) are in the key and the code index. Not kept: `created` (a compacted
-- dossier was delivered, so it is on the portal), the content and delivered revisions (all of it
-- was delivered; only `revision` still guards changes), `deliveredAt` (the listpack then fits the
-- allocator's 192-byte class rather than 224: 32 bytes on every compacted dossier).
-- Dates kept: created, last changed, compacted.
local keep = {'maHoSo', 'fullHash', 'status', 'state', 'revision', 'createdAt', 'updatedAt'}
local vals = redis.call('HMGET', d, unpack(keep))
local out = {}
for i, k in ipairs(keep) do
  if vals[i] then
    out[#out + 1] = k
    out[#out + 1] = vals[i]
  end
end
-- Rewritten rather than trimmed: a record that once held a large field is a hash table for
-- good, and only a new key gets the compact encoding back.
redis.call('DEL', d, K.doc, K.raw, K.steps, K.attempts, K.hist, K.whq)
redis.call('HSET', d, unpack(out))
redis.call('HSET', d, 'compactedAt', now)
redis.call('ZREM', K.closed, ref)
redis.call('ZREM', K.due, ref)
redis.call('ZREM', K.overdue, ref)
redis.call('ZREM', K.all, ref)
return 'compacted'
