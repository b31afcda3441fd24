/**
 * The doctor's Lua. Reads are one script per dossier, so a record and its index entries are seen
 * at one instant even while the gateway runs; every repair is a compare-and-set on what the
 * check read (the record's fields, a counter's value, a queue's length), so a change the gateway
 * made in between wins and the repair is skipped ('changed'). Every key is in KEYS; all of one
 * script's keys share the agency's hash tag.
 */
import type { RedisClient } from '../redis/connection.js'
import type { Result } from 'ioredis'
import { INDEXES, RECORD_FIELDS } from './structures.js'
import { REPAIR_UNMATCHED } from './check-unmatched.js'

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ltDoctorInspect: (...args: Array<string | number>) => Result<string[], Context>
    ltDoctorRepair: (...args: Array<string | number>) => Result<string, Context>
    ltDoctorOrphan: (...args: Array<string | number>) => Result<number, Context>
    ltDoctorSeq: (...args: Array<string | number>) => Result<string, Context>
    ltDoctorWebhook: (...args: Array<string | number>) => Result<string[], Context>
    ltDoctorWebhookFix: (...args: Array<string | number>) => Result<string, Context>
    ltDoctorGauge: (...args: Array<string | number>) => Result<string, Context>
    ltDoctorUnmatched: (...args: Array<string | number>) => Result<string, Context>
    ltDoctorWebhookIndex: (...args: Array<string | number>) => Result<string, Context>
  }
}

const FIELDS = RECORD_FIELDS.map(f => `'${f}'`).join(', ')
/** How many indexes INSPECT and REPAIR_DOSSIER take (structures.ts INDEXES), and where what follows them starts. */
const N = INDEXES.length

/** Membership of a sorted index: its score, absent '', '!<type>' for a key of another type. */
const MEMBER = `
local function member (k, ref)
  local t = redis.call('TYPE', k).ok
  if t == 'zset' then return redis.call('ZSCORE', k, ref) or '' end
  if t == 'none' then return '' end
  return '!' .. t
end
local function fields (d)
  local v = redis.call('HMGET', d, ${FIELDS})
  local out = {}
  for i = 1, ${RECORD_FIELDS.length} do out[i] = v[i] or '' end
  return out
end
`

/**
 * KEYS: dossier, the N indexes (structures.ts INDEXES order), codes, steps, the three legacy
 * state sets (STATE_INDEXES order). ARGV: ref.
 * Returns the record's fields (RECORD_FIELDS, '' when absent), then the N memberships, then
 * what `codes` says of the record's code, then the number of pending steps, then '1'/'' for
 * each legacy set that holds the ref.
 */
export const INSPECT = `
${MEMBER}
local out = fields(KEYS[1])
for i = 2, ${N + 1} do out[#out + 1] = member(KEYS[i], ARGV[1]) end
local code = out[1]
out[#out + 1] = code ~= '' and (redis.call('HGET', KEYS[${N + 2}], code) or '') or ''
out[#out + 1] = tostring(redis.call('LLEN', KEYS[${N + 3}]))
for i = ${N + 4}, ${N + 6} do
  local legacy = redis.call('TYPE', KEYS[i]).ok == 'set' and redis.call('SISMEMBER', KEYS[i], ARGV[1]) == 1
  out[#out + 1] = legacy and '1' or ''
end
return out
`

/**
 * Rebuilds one dossier's index entries, if its record is still what the check read.
 * KEYS: dossier, the N indexes, codes. ARGV: ref, fingerprint (the fields joined by \\31),
 * N actions ('' leave, '-' remove, '=<score>' add or set the score, '+<score>' add when
 * absent), fixCode ('1': add the record's code to codes when it is not there). An index of
 * another type than a sorted set is left alone (reported as wrong-type).
 * Returns 'repaired' or 'changed' (nothing written).
 */
export const REPAIR_DOSSIER = `
${MEMBER}
local ref = ARGV[1]
if table.concat(fields(KEYS[1]), '\\31') ~= ARGV[2] then return 'changed' end
for i = 1, ${N} do
  local k, a = KEYS[i + 1], ARGV[i + 2]
  local t = redis.call('TYPE', k).ok
  if a == '-' then
    if t == 'zset' then redis.call('ZREM', k, ref) end
  elseif a ~= '' and (t == 'zset' or t == 'none') then
    local score = string.sub(a, 2)
    if string.sub(a, 1, 1) == '+' then redis.call('ZADD', k, 'NX', score, ref)
    else redis.call('ZADD', k, score, ref) end
  end
end
if ARGV[${N + 3}] == '1' then
  local code = redis.call('HGET', KEYS[1], 'maHoSo')
  if code then redis.call('HSETNX', KEYS[${N + 2}], code, ref) end
end
return 'repaired'
`

/** Drops an index entry whose dossier has no record. KEYS: dossier, index. ARGV: ref. 1, or 0 when the record exists. */
export const REPAIR_ORPHAN = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('TYPE', KEYS[2]).ok == 'zset' then return redis.call('ZREM', KEYS[2], ARGV[1]) end
return 0
`

/** Raises a day's sequence to the highest code issued. KEYS: seq. ARGV: observed, highest. 'repaired' or 'changed'. */
export const REPAIR_SEQ = `
local cur = redis.call('GET', KEYS[1]) or ''
if cur ~= ARGV[1] then return 'changed' end
if cur == '' then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', 3024000000)
else
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
end
return 'repaired'
`

/** One dossier's webhook queue as one reading. KEYS: whq, whactive, whfailed. ARGV: code. {length, active 1/0, head, failed}. */
export const INSPECT_WEBHOOK = `
return { tostring(redis.call('LLEN', KEYS[1])), tostring(redis.call('SISMEMBER', KEYS[2], ARGV[1])),
  redis.call('LINDEX', KEYS[1], 0) or '', redis.call('HGET', KEYS[3], ARGV[1]) or '' }
`

/**
 * Puts whactive and whfailed back in step with the queue, re-read here. KEYS: whq, whactive,
 * whfailed. ARGV: code, the whfailed value the check judged stale ('' none).
 * whactive holds the code exactly when its queue is not empty; a failure mark stays only while it
 * marks the queue's current head. Returns 'repaired' or 'changed'.
 */
export const REPAIR_WEBHOOK = `
local n = redis.call('LLEN', KEYS[1])
if n > 0 then redis.call('SADD', KEYS[2], ARGV[1]) else redis.call('SREM', KEYS[2], ARGV[1]) end
if ARGV[2] ~= '' then
  if (redis.call('HGET', KEYS[3], ARGV[1]) or '') ~= ARGV[2] then return 'changed' end
  local head = redis.call('LINDEX', KEYS[1], 0) or ''
  local id = string.match(head, '^{"id":"([^"]+)"') or ''
  if id == '' or not string.find(ARGV[2], '"id":"' .. id .. '"', 1, true) then redis.call('HDEL', KEYS[3], ARGV[1]) end
end
return 'repaired'
`

/**
 * Puts a code's entry in whfailedx in step with whfailed, as whfailed is now: indexed at the
 * failure's time when it fails, dropped when it does not. KEYS: whfailed, whfailedx. ARGV: code, score.
 */
export const REPAIR_WEBHOOK_INDEX = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[1])
else redis.call('ZREM', KEYS[2], ARGV[1]) end
return 'repaired'
`

/**
 * Sets gauge fields to the count over the records, if every field still holds what was read.
 * KEYS: the gauge hash. ARGV: triples (field, observed ('' absent), expected). 'repaired' or 'changed'.
 */
export const REPAIR_GAUGE = `
for i = 1, #ARGV, 3 do
  if (redis.call('HGET', KEYS[1], ARGV[i]) or '') ~= ARGV[i + 1] then return 'changed' end
end
for i = 1, #ARGV, 3 do
  if ARGV[i + 2] == '0' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2]) end
end
return 'repaired'
`

export function defineDoctorCommands (redis: RedisClient): void {
  if (typeof redis.ltDoctorInspect === 'function') return
  redis.defineCommand('ltDoctorInspect', { numberOfKeys: N + 6, lua: INSPECT })
  redis.defineCommand('ltDoctorRepair', { numberOfKeys: N + 2, lua: REPAIR_DOSSIER })
  redis.defineCommand('ltDoctorOrphan', { numberOfKeys: 2, lua: REPAIR_ORPHAN })
  redis.defineCommand('ltDoctorSeq', { numberOfKeys: 1, lua: REPAIR_SEQ })
  redis.defineCommand('ltDoctorWebhook', { numberOfKeys: 3, lua: INSPECT_WEBHOOK })
  redis.defineCommand('ltDoctorWebhookFix', { numberOfKeys: 3, lua: REPAIR_WEBHOOK })
  redis.defineCommand('ltDoctorGauge', { numberOfKeys: 1, lua: REPAIR_GAUGE })
  redis.defineCommand('ltDoctorUnmatched', { numberOfKeys: 2, lua: REPAIR_UNMATCHED })
  redis.defineCommand('ltDoctorWebhookIndex', { numberOfKeys: 2, lua: REPAIR_WEBHOOK_INDEX })
}
