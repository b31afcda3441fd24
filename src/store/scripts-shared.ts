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
 * Expects locals `d`, `ref`, `due` (the agency's zset of open dossiers by due date), `overdue`
 * (its zset of overdue open dossiers), `closed` (its zset of final dossiers by when they were
 * closed: what compaction reads) and `statsFirst` (where the statistics keys start in KEYS);
 * `lifecycleKeys` in lifecycle-store.ts names `closed` and the statistics keys. `lifecycleSet(i)` reads ARGV
 * from index i: statusAt ('' keeps), dueAt (epoch ms), dueAtIso, final (1/0), now (epoch ms),
 * resolved (1/''), '' (unused), dims, bumps, receivedDay ('' keeps), paidOnline (1/0/'' keeps).
 * A dossier's statistics dimensions are those of its first intake (`statsDims`, never
 * overwritten): its bumps and its overdueOpen gauge always count there, so the gauge goes down
 * where it went up. A final dossier leaves both indexes and enters `closed`; an overdue one
 * stays overdue until it is final or gets a due date in the future (then the gauge goes down
 * here, in the same step, whatever the caller read), listed under the due date in force; any
 * other open one is indexed by its due date.
 */
export const LIFECYCLE_SET = `
${STATS_APPLY}
local function lifecycleSet (i)
  local sk = statsKeys(statsFirst)
  if not statsCovers(sk, ARGV[i + 8]) then error('STATS_KEYS: a bucket of ' .. ARGV[i + 8] .. ' is not in KEYS') end
  if ARGV[i] ~= '' then redis.call('HSET', d, 'statusAt', ARGV[i]) end
  redis.call('HSET', d, 'dueAt', ARGV[i + 1], 'dueAtIso', ARGV[i + 2])
  redis.call('HSETNX', d, 'statsDims', ARGV[i + 7])
  local dims = redis.call('HGET', d, 'statsDims')
  if ARGV[i + 9] ~= '' then redis.call('HSETNX', d, 'receivedDay', ARGV[i + 9]) end
  -- Absent means not paid online: one field less on most records.
  if ARGV[i + 10] == '1' then redis.call('HSET', d, 'paidOnline', '1') elseif ARGV[i + 10] ~= '' then redis.call('HDEL', d, 'paidOnline') end
  if ARGV[i + 5] == '1' then redis.call('HSET', d, 'resolved', '1') end
  local final = ARGV[i + 3] == '1'
  local isOverdue = redis.call('HGET', d, 'overdue') == '1'
  if isOverdue and (final or tonumber(ARGV[i + 1]) > tonumber(ARGV[i + 4])) then
    redis.call('ZREM', overdue, ref)
    redis.call('HDEL', d, 'overdue')
    statsApply(sk, dims, '|overdueOpen|-1')
    isOverdue = false
  end
  if final then
    redis.call('ZREM', due, ref)
    redis.call('ZADD', closed, ARGV[i + 4], ref)
  elseif isOverdue then
    -- Still overdue under a new due date already past: listed under the date in force.
    redis.call('ZADD', overdue, ARGV[i + 1], ref)
    redis.call('HSET', d, 'overdueFor', ARGV[i + 1])
  else
    redis.call('ZADD', due, ARGV[i + 1], ref)
  end
  if ARGV[i + 8] ~= '' then statsApply(sk, dims, ARGV[i + 8]) end
end
`
