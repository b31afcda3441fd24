/** Lua snippets shared by the scripts that change a dossier (embedded, not scripts of their own). */
import { STATS_APPLY } from '../stats/scripts.js'

/**
 * Shared by every script that sets a dossier's sync state: keeps the agency's per-state indexes
 * (what the admin lists; sorted sets by when the dossier entered the state) in step with the
 * dossier, in the same atomic step. Expects locals `d` (dossier key), `ref`, and the index keys
 * `idxFailed`, `idxReview`. `at` (epoch ms) defaults to the record's `updatedAt`; a dossier that
 * stays in its state keeps the time it entered it.
 */
export const SET_STATE = `
local function setState (st, at)
  redis.call('HSET', d, 'state', st)
  local t = at or tonumber(redis.call('HGET', d, 'updatedAt') or '0') or 0
  if st == 'failed' then redis.call('ZADD', idxFailed, 'NX', t, ref) else redis.call('ZREM', idxFailed, ref) end
  if st == 'needs-review' then redis.call('ZADD', idxReview, 'NX', t, ref) else redis.call('ZREM', idxReview, ref) end
end
`

/**
 * `identity(d, ref)`: {agency, system, sourceId} of a dossier. Records written since the storage
 * budget do not store them (the key and the ref say them); older ones do.
 */
export const IDENTITY = `
local function identity (dk, r)
  local f = redis.call('HMGET', dk, 'agency', 'system', 'sourceId')
  return { f[1] or string.match(dk, '{(.-)}'), f[2] or string.match(r, '^([^:]*)'), f[3] or string.match(r, '^[^:]*:(.*)$') }
end
`

/**
 * Expects locals `d`, `ref`, `due` (the agency's zset of open dossiers by due date) and
 * `overdue` (its zset of overdue open dossiers). `lifecycleSet(i)` reads ARGV from index i:
 * statusAt ('' keeps), dueAt (epoch ms), dueAtIso, final (1/0), now (epoch ms),
 * resolved (1/''), statsPrefix, dims, bumps, receivedDay ('' keeps), paidOnline (1/0/'' keeps).
 * A final dossier leaves both indexes and enters the agency's `closed` index (by when it was
 * closed: what compaction reads; the key is named after `due`, on the same slot); an overdue one stays overdue until it is final or gets a
 * due date in the future (then the overdueOpen gauge goes down here, in the same step, whatever
 * the caller read); any other open one is indexed by its due date.
 */
export const LIFECYCLE_SET = `
${STATS_APPLY}
local function lifecycleSet (i)
  if ARGV[i] ~= '' then redis.call('HSET', d, 'statusAt', ARGV[i]) end
  redis.call('HSET', d, 'dueAt', ARGV[i + 1], 'dueAtIso', ARGV[i + 2], 'statsDims', ARGV[i + 7])
  if ARGV[i + 9] ~= '' then redis.call('HSETNX', d, 'receivedDay', ARGV[i + 9]) end
  -- Absent means not paid online: one field less on most records.
  if ARGV[i + 10] == '1' then redis.call('HSET', d, 'paidOnline', '1') elseif ARGV[i + 10] ~= '' then redis.call('HDEL', d, 'paidOnline') end
  if ARGV[i + 5] == '1' then redis.call('HSET', d, 'resolved', '1') end
  local final = ARGV[i + 3] == '1'
  if redis.call('HGET', d, 'overdue') == '1' and (final or tonumber(ARGV[i + 1]) > tonumber(ARGV[i + 4])) then
    redis.call('ZREM', overdue, ref)
    redis.call('HDEL', d, 'overdue')
    statsApply(ARGV[i + 6], ARGV[i + 7], '|overdueOpen|-1')
  end
  if final then
    redis.call('ZREM', due, ref)
    redis.call('ZADD', string.sub(due, 1, -4) .. 'closed', ARGV[i + 4], ref)
  elseif redis.call('HGET', d, 'overdue') ~= '1' then
    redis.call('ZADD', due, ARGV[i + 1], ref)
  end
  if ARGV[i + 8] ~= '' then statsApply(ARGV[i + 6], ARGV[i + 7], ARGV[i + 8]) end
end
`
