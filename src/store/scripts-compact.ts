/**
 * Compaction: a dossier that is final, delivered and untouched for the retention period keeps
 * only what idempotency and look-ups need. One script per dossier, on its agency's slot.
 */

/**
 * Fields a compacted record keeps; everything else of the dossier goes. `fullHash` (content,
 * status and step) is what tells a resend from a change; the code, the number (the key) and
 * the agency (the hash tag) are in the key and the code index. Not kept: `created` (a compacted
 * dossier was delivered, so it is on the portal), the content and delivered revisions (all of
 * it was delivered; only `revision` still guards changes), `deliveredAt` (the listpack then
 * fits the allocator's 192-byte class rather than 224: 32 bytes on every compacted dossier).
 * Dates kept: created, last changed, compacted.
 */
export const COMPACT_KEEP = ['maHoSo', 'fullHash', 'status', 'state', 'revision', 'createdAt', 'updatedAt'] as const

/**
 * KEYS: dossier, doc, raw, steps, attempts, hist, whq, outbox, whFailed, closed, due, overdue,
 *       all (Keys.dossierIndex: a compacted dossier leaves it, and is found by its code or number).
 * ARGV: ref, code, now, retentionMs, recheckAt (score for a dossier to look at again).
 * Returns 'compacted'; 'gone' (no record, or already compacted: left the index); 'open' (not
 * final any more: left the index, a final status puts it back); 'recent' (changed within the
 * retention period: re-indexed at its last change); 'busy' (not delivered yet, or webhook events
 * or steps still waiting: looked at again at recheckAt).
 */
export const COMPACT = `
local d, ref, code = KEYS[1], ARGV[1], ARGV[2]
local now, retention = tonumber(ARGV[3]), tonumber(ARGV[4])
local FINAL = { ['3'] = true, ['7'] = true, ['8'] = true, ['10'] = true }
local f = redis.call('HMGET', d, 'maHoSo', 'compactedAt', 'status', 'state', 'updatedAt', 'deliveredAt', 'statusAt')
if not f[1] or f[2] then
  redis.call('ZREM', KEYS[10], ref)
  redis.call('ZREM', KEYS[13], ref)
  return 'gone'
end
if not FINAL[f[3] or ''] then
  redis.call('ZREM', KEYS[10], ref)
  return 'open'
end
local last = math.max(tonumber(f[5] or '0') or 0, tonumber(f[6] or '0') or 0, tonumber(f[7] or '0') or 0)
if last + retention > now then
  redis.call('ZADD', KEYS[10], last, ref)
  return 'recent'
end
if f[4] == 'discarded' then
  redis.call('ZREM', KEYS[10], ref)
  return 'open'
end
if f[4] ~= 'delivered' or redis.call('ZSCORE', KEYS[8], ref) or redis.call('LLEN', KEYS[4]) > 0
  or redis.call('LLEN', KEYS[7]) > 0 or redis.call('HEXISTS', KEYS[9], code) == 1 then
  redis.call('ZADD', KEYS[10], ARGV[5], ref)
  return 'busy'
end
-- Rewritten rather than trimmed: a record that once held a large field is a hash table for
-- good, and only a new key gets the compact encoding back.
local keep = {${COMPACT_KEEP.map(k => `'${k}'`).join(', ')}}
local vals = redis.call('HMGET', d, unpack(keep))
local out = {}
for i, k in ipairs(keep) do
  if vals[i] then
    out[#out + 1] = k
    out[#out + 1] = vals[i]
  end
end
redis.call('DEL', d, KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7])
redis.call('HSET', d, unpack(out))
redis.call('HSET', d, 'compactedAt', now)
redis.call('ZREM', KEYS[10], ref)
redis.call('ZREM', KEYS[11], ref)
redis.call('ZREM', KEYS[12], ref)
redis.call('ZREM', KEYS[13], ref)
return 'compacted'
`
