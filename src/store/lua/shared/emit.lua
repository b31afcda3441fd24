-- Webhook events. Every script that changes a dossier in a way its sector system hears about
-- appends the event to the dossier's webhook queue in the same atomic step, so an event exists
-- exactly when its change does. Only the head of a queue is ever sent: the events of one dossier
-- reach the receiver in the order they happened.
--
-- A queue entry is `{"id","client","type","body"}`, where `body` is the exact JSON that is signed
-- and sent. Ids are `msg_<MaHoSo>.<n>`, `n` rising per dossier: stable across retries (the
-- `webhook-id` receivers dedupe on) and safe as BullMQ job ids.
--
-- `emit(d, whq, active, code, client, etype, body)` returns the new event's id when it became the
-- head of an empty queue (a job must be queued for it), else ''. `headId(whq)`: the head's id or ''.
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
