/**
 * Lua for webhook events. Every script that changes a dossier in a way its sector system hears
 * about appends the event to the dossier's webhook queue in the same atomic step (`EMIT`), so an
 * event exists exactly when its change does. Only the head of a queue is ever sent: the events
 * of one dossier reach the receiver in the order they happened.
 *
 * A queue entry is `{"id","client","type","body"}`, where `body` is the exact JSON that is
 * signed and sent. Ids are `msg_<MaHoSo>.<n>`, `n` rising per dossier: stable across retries
 * (the `webhook-id` receivers dedupe on) and safe as BullMQ job ids.
 */

/**
 * Expects locals: none. `emit(d, whq, active, code, client, etype, body)` returns the new event's
 * id when it became the head of an empty queue (a job must be queued for it), else ''.
 */
export const EMIT = `
local function emit (d, whq, active, code, client, etype, body)
  local n = redis.call('HINCRBY', d, 'whSeq', 1)
  local id = 'msg_' .. code .. '.' .. n
  redis.call('RPUSH', whq, '{"id":"' .. id .. '","client":"' .. client .. '","type":"' .. etype .. '","body":' .. body .. '}')
  redis.call('SADD', active, code)
  if redis.call('LLEN', whq) == 1 then return id end
  return ''
end
local function headId (whq)
  local head = redis.call('LINDEX', whq, 0)
  if not head then return '' end
  return string.match(head, '^{"id":"([^"]+)"') or ''
end
`

/**
 * The receiver took the head event. KEYS: whq, active, failed, hist, failedIndex.
 * ARGV: code, eventId, historyEntry, retentionMs.
 * Returns {result, nextHeadId}: result 'ok', or 'stale' when the head is another event.
 */
export const WEBHOOK_DONE = `
${EMIT}
if headId(KEYS[1]) ~= ARGV[2] then return {'stale', ''} end
redis.call('LPOP', KEYS[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('RPUSH', KEYS[4], ARGV[3])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
local nextId = headId(KEYS[1])
if nextId == '' then redis.call('SREM', KEYS[2], ARGV[1]) end
return {'ok', nextId}
`

/**
 * The head event failed for good: it stays at the head, marked, and holds the later events of
 * its dossier until an admin replays or discards it. KEYS: whq, failed, hist, failedIndex.
 * ARGV: code, eventId, failureJson, historyEntry, retentionMs, failedAt (epoch ms). Returns 1, or 0 when stale.
 */
export const WEBHOOK_FAIL = `
${EMIT}
if headId(KEYS[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[1])
redis.call('RPUSH', KEYS[3], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[5])
return 1
`
