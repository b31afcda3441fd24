/**
 * Lua scripts of delivery: the claim on an agency's outbox and the recording of what the portal
 * answered. Each touches the keys of one agency only (one hash tag, one Redis Cluster slot).
 *
 * The claim is a hash `{job, token, lease}`. `job` is the BullMQ job that owns the outbox across
 * its retries (intake queues no other job while it exists). `token` is fresh for every run of
 * that job, and `lease` is how long the run may go on without renewing it. Every script that
 * records the portal's answer checks the token: a run that lost its claim (a stalled job re-run
 * elsewhere) can neither acknowledge nor fail work, and stops.
 */
import { IDENTITY, SET_STATE } from './scripts-shared.js'
import { EMIT } from './scripts-webhook.js'

/**
 * KEYS: owner. ARGV: jobId, token, now, leaseMs, ttlMs.
 * Returns {1, leaseUntil} when this run now holds the claim; {0, 0} when another job owns the
 * outbox; {0, leaseUntil} when an earlier run of the same job still holds a live lease.
 */
export const CLAIM = `
local now = tonumber(ARGV[3])
local job = redis.call('HGET', KEYS[1], 'job')
if job and job ~= ARGV[1] then return {0, 0} end
if job then
  local lease = tonumber(redis.call('HGET', KEYS[1], 'lease') or '0')
  if lease > now then return {0, lease} end
end
local untilTs = now + tonumber(ARGV[4])
redis.call('HSET', KEYS[1], 'job', ARGV[1], 'token', ARGV[2], 'lease', untilTs)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {1, untilTs}
`

/** Extends the lease before a portal call. KEYS: owner. ARGV: token, now, leaseMs, ttlMs. 1, or 0 when fenced. */
export const RENEW = `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'lease', tonumber(ARGV[2]) + tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`

/**
 * Ends a run that keeps the outbox for the job's next run (a retry or a delay): the lease is
 * given back at once, so that run need not wait for it. KEYS: owner. ARGV: token, ttlMs.
 */
export const YIELD = `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'token', '', 'lease', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`

/**
 * Gives the claim up only when the outbox is empty, atomically with intake's check, so that
 * work is never stranded between a finishing flush and a new intake.
 * KEYS: owner, outbox, gen. ARGV: token. Returns 1 released, 0 work remains, -1 fenced.
 */
export const RELEASE_IF_EMPTY = `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return -1 end
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[3])
return 1
`

/**
 * Forced release by the owning job (it failed for good, or the sweeper found it dead).
 * KEYS: owner, gen. ARGV: jobId. Returns the new generation, or 0 when that job held no claim.
 */
export const RELEASE = `
if redis.call('HGET', KEYS[1], 'job') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return redis.call('INCR', KEYS[2])
`

/**
 * Records a successful portal write for one dossier and settles it when nothing is left.
 * Steps are acknowledged by id: every step up to `stepsUpTo` was taken by the portal.
 * The first create the portal takes is the dossier's `dossier.delivered` webhook event.
 * KEYS: dossier, steps, outbox, owner, whq, whActive, deliveredOn (today's count). ARGV: ref,
 * created (0/1 or ''), deliveredRev ('' keeps), stepsUpTo (0: none), now, token, code ('' emits
 * no event), timestamp (ISO, UTC), deliveredAt (ISO, +07:00), the count's TTL (s).
 * Returns {state afterwards | 'missing' (its outbox entry is dropped) | 'fenced', new webhook head id or ''}.
 */
export const ACK = `
${EMIT}
${IDENTITY}
local d = KEYS[1]
if redis.call('HGET', KEYS[4], 'token') ~= ARGV[6] then return {'fenced', ''} end
if redis.call('EXISTS', d) == 0 then
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('DEL', KEYS[2])
  return {'missing', ''}
end
if ARGV[2] ~= '' then redis.call('HSET', d, 'created', ARGV[2]) end
local head = ''
if ARGV[2] == '1' and redis.call('HGET', d, 'firstOnPortal') ~= '1' then
  redis.call('HSET', d, 'firstOnPortal', '1')
  local client = redis.call('HGET', d, 'whClient') or ''
  if client ~= '' and ARGV[7] ~= '' then
    local f = identity(d, ARGV[1])
    head = emit(d, KEYS[5], KEYS[6], ARGV[7], client, 'dossier.delivered', cjson.encode({ type = 'dossier.delivered',
      timestamp = ARGV[8], data = { maHoSo = ARGV[7], agency = f[1], system = f[2], sourceId = f[3], deliveredAt = ARGV[9] } }))
  end
end
if ARGV[3] ~= '' then
  local cur = tonumber(redis.call('HGET', d, 'deliveredRev') or '0')
  if tonumber(ARGV[3]) > cur then redis.call('HSET', d, 'deliveredRev', ARGV[3]) end
end
local upTo = tonumber(ARGV[4])
while upTo > 0 do
  local head = redis.call('LINDEX', KEYS[2], 0)
  if not head then break end
  local id = tonumber(string.match(head, '^{"id":(%d+),'))
  if id == nil or id > upTo then break end
  redis.call('LPOP', KEYS[2])
end
redis.call('HDEL', d, 'lastError')
local state = redis.call('HGET', d, 'state')
if state ~= 'pending' then
  redis.call('ZREM', KEYS[3], ARGV[1])
  return {state, head}
end
if redis.call('HGET', d, 'created') == '1'
  and tonumber(redis.call('HGET', d, 'deliveredRev')) >= tonumber(redis.call('HGET', d, 'contentRev'))
  and redis.call('LLEN', KEYS[2]) == 0 then
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('HSET', d, 'state', 'delivered', 'deliveredAt', ARGV[5])
  redis.call('HDEL', d, 'failure')
  redis.call('INCR', KEYS[7])
  redis.call('EXPIRE', KEYS[7], ARGV[10])
  return {'delivered', head}
end
return {state, head}
`

/**
 * Marks a pending dossier failed and takes it out of the outbox; its sector system hears of it
 * (`dossier.failed`). KEYS: dossier, outbox, owner, idxFailed, idxReview, whq, whActive.
 * ARGV: ref, failureJson, token, code ('' emits no event), timestamp (ISO, UTC), failedAt (epoch ms:
 * the failed index's score).
 * Returns {1 failed | 0 not pending (or gone: its entry is dropped) | -1 fenced, new webhook head id or ''}.
 */
export const FAIL = `
local d, ref = KEYS[1], ARGV[1]
local idxFailed, idxReview = KEYS[4], KEYS[5]
${SET_STATE}
${EMIT}
${IDENTITY}
if redis.call('HGET', KEYS[3], 'token') ~= ARGV[3] then return {-1, ''} end
if redis.call('EXISTS', d) == 0 then
  redis.call('ZREM', KEYS[2], ref)
  return {0, ''}
end
if redis.call('HGET', d, 'state') ~= 'pending' then
  redis.call('ZREM', KEYS[2], ref)
  return {0, ''}
end
setState('failed', tonumber(ARGV[6]))
redis.call('HSET', d, 'failure', ARGV[2])
redis.call('ZREM', KEYS[2], ref)
local client = redis.call('HGET', d, 'whClient') or ''
if client == '' or ARGV[4] == '' then return {1, ''} end
local f = identity(d, ref)
return {1, emit(d, KEYS[6], KEYS[7], ARGV[4], client, 'dossier.failed', cjson.encode({ type = 'dossier.failed',
  timestamp = ARGV[5], data = { maHoSo = ARGV[4], agency = f[1], system = f[2], sourceId = f[3], failure = cjson.decode(ARGV[2]) } }))}
`

/**
 * Appends a delivery attempt, capped; a transient failure is also kept on the dossier, which
 * makes it eligible to fail once its retry window is over. Attempts are facts about calls that
 * were made, so they are recorded even by a run that has lost its claim.
 * KEYS: attempts, dossier. ARGV: entryJson, keep, retentionMs, transient (0/1).
 */
export const ATTEMPT = `
if ARGV[4] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then redis.call('HSET', KEYS[2], 'lastError', ARGV[1]) end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`
