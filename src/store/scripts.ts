/**
 * Lua scripts: each touches the keys of one agency only (one hash tag), so each is atomic
 * on a single Redis or a Redis Cluster alike.
 */

/**
 * Intake. KEYS: dossier, raw, steps, codes, seq, outbox, flushOwner, flushGen, flushArmed.
 * ARGV: ref, agency, day, fullHash, contentHash, status, input, provenance, rawEntry, now,
 *       retentionMs, reviewJson, stepJson, clientId, system, sourceId, rawKeep.
 * Returns {maHoSo, outcome, state, jobGen, previousState} where jobGen is '' when no new flush
 * job is needed: one owns the outbox, or one was already queued for this generation.
 */
export const INTAKE = `
local d, raw, steps, codes, seq, outbox, owner, gen, armed = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local ref, now = ARGV[1], tonumber(ARGV[10])
local code = redis.call('HGET', d, 'maHoSo')
local previous = redis.call('HGET', d, 'state') or ''
local outcome
local changed = false
if not code then
  -- The day is the day of receipt, so late senders reach old counters; those expire, and
  -- HSETNX on the agency's permanent code index keeps a restarted counter from reusing a code.
  repeat
    local n = redis.call('INCR', seq)
    if n > 99999 then return redis.error_reply('SEQUENCE_EXHAUSTED') end
    code = ARGV[2] .. '-' .. ARGV[3] .. '-' .. string.format('%05d', n)
  until redis.call('HSETNX', codes, code, ref) == 1
  redis.call('PEXPIRE', seq, 3024000000)
  redis.call('HSET', d, 'maHoSo', code, 'agency', ARGV[2], 'system', ARGV[15], 'sourceId', ARGV[16],
    'contentRev', 1, 'deliveredRev', 0, 'created', 0, 'revision', 1, 'createdAt', now)
  outcome = 'new'
  changed = true
elseif redis.call('HGET', d, 'fullHash') == ARGV[4] then
  outcome = 'duplicate'
else
  outcome = 'updated'
  changed = true
  redis.call('HINCRBY', d, 'revision', 1)
  if redis.call('HGET', d, 'contentHash') ~= ARGV[5] then redis.call('HINCRBY', d, 'contentRev', 1) end
  if redis.call('HGET', d, 'status') ~= ARGV[6] and ARGV[13] ~= '' then redis.call('RPUSH', steps, ARGV[13]) end
end
local state = redis.call('HGET', d, 'state')
if changed then
  redis.call('HSET', d, 'input', ARGV[7], 'provenance', ARGV[8], 'fullHash', ARGV[4], 'contentHash', ARGV[5],
    'status', ARGV[6], 'clientId', ARGV[14], 'updatedAt', now)
  redis.call('LPUSH', raw, ARGV[9])
  redis.call('LTRIM', raw, 0, tonumber(ARGV[17]) - 1)
  redis.call('PEXPIRE', raw, ARGV[11])
  if ARGV[12] ~= '' then
    state = 'needs-review'
    redis.call('HSET', d, 'state', state, 'review', ARGV[12])
    redis.call('ZREM', outbox, ref)
    return {code, outcome, state, '', previous}
  end
  state = 'pending'
  redis.call('HSET', d, 'state', state)
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

/** Flush ownership. KEYS: owner. ARGV: jobId, ttlMs. Returns 1 when this job owns the agency's outbox. */
export const CLAIM = `
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`

/**
 * Gives ownership up only when the outbox is empty, atomically with intake's check, so that
 * work is never stranded between a finishing flush and a new intake.
 * KEYS: owner, outbox, gen. ARGV: jobId. Returns 1 when released, 0 when work remains, -1 when not owner.
 */
export const RELEASE_IF_EMPTY = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[3])
return 1
`

/**
 * Forced release (job failed for good). KEYS: owner, gen. ARGV: jobId.
 * Returns the new generation, or 0 when the job no longer owned the outbox.
 */
export const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return redis.call('INCR', KEYS[2])
`

/**
 * Records a successful portal write for one dossier and settles it when nothing is left.
 * KEYS: dossier, steps, outbox. ARGV: ref, created(0/1 or ''), deliveredRev ('' keeps), stepsAcked, now.
 * Returns the dossier's state afterwards.
 */
export const ACK = `
local d = KEYS[1]
if redis.call('EXISTS', d) == 0 then return 'missing' end
if ARGV[2] ~= '' then redis.call('HSET', d, 'created', ARGV[2]) end
if ARGV[3] ~= '' then
  local cur = tonumber(redis.call('HGET', d, 'deliveredRev') or '0')
  if tonumber(ARGV[3]) > cur then redis.call('HSET', d, 'deliveredRev', ARGV[3]) end
end
local n = tonumber(ARGV[4])
if n > 0 then redis.call('LPOP', KEYS[2], n) end
redis.call('HDEL', d, 'lastError')
local state = redis.call('HGET', d, 'state')
if state ~= 'pending' then
  redis.call('ZREM', KEYS[3], ARGV[1])
  return state
end
if redis.call('HGET', d, 'created') == '1'
  and tonumber(redis.call('HGET', d, 'deliveredRev')) >= tonumber(redis.call('HGET', d, 'contentRev'))
  and redis.call('LLEN', KEYS[2]) == 0 then
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('HSET', d, 'state', 'delivered', 'deliveredAt', ARGV[5])
  redis.call('HDEL', d, 'failure')
  return 'delivered'
end
return state
`

/** Marks a dossier failed and takes it out of the outbox. KEYS: dossier, outbox. ARGV: ref, failureJson. */
export const FAIL = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'state', 'failed', 'failure', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`

/**
 * Appends a delivery attempt, capped; a transient failure is also kept on the dossier, which
 * makes it eligible to fail once its retry window is over. KEYS: attempts, dossier.
 * ARGV: entryJson, keep, retentionMs, transient(0/1).
 */
export const ATTEMPT = `
if ARGV[4] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then redis.call('HSET', KEYS[2], 'lastError', ARGV[1]) end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`

/**
 * Puts a held (needs-review) or failed dossier back in the outbox, optionally with corrected
 * content. KEYS: dossier, outbox, owner, gen.
 * ARGV: ref, now, expectedState, inputJson ('' keeps), fullHash, contentHash, resolutionsJson ('' keeps).
 * Returns {state, jobGen}; state is the unchanged state when it was not the expected one.
 */
export const REQUEUE = `
local d = KEYS[1]
if redis.call('EXISTS', d) == 0 then return {'missing', ''} end
local state = redis.call('HGET', d, 'state')
if state ~= ARGV[3] then return {state, ''} end
if ARGV[4] ~= '' then
  redis.call('HSET', d, 'input', ARGV[4], 'fullHash', ARGV[5], 'contentHash', ARGV[6])
  redis.call('HINCRBY', d, 'contentRev', 1)
  redis.call('HINCRBY', d, 'revision', 1)
end
if ARGV[7] ~= '' then redis.call('HSET', d, 'resolutions', ARGV[7]) end
redis.call('HSET', d, 'state', 'pending', 'updatedAt', ARGV[2])
redis.call('HDEL', d, 'review', 'failure', 'lastError')
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
if redis.call('EXISTS', KEYS[3]) == 1 then return {'pending', ''} end
return {'pending', redis.call('GET', KEYS[4]) or '0'}
`
