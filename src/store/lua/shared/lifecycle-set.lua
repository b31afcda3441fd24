-- The bookkeeping every status change shares. Expects locals `d` (the dossier key) and `ref`,
-- the keys K.due (the agency's zset of open dossiers by due date), K.overdue (its zset of overdue
-- open dossiers), K.closed (its zset of final dossiers by when they were closed: what compaction
-- reads) and K.stats (`lifecycleKeys` in lifecycle-store.ts), and LIFECYCLE_ARGS
-- (lifecycle-store.ts): A.statusAt ('' keeps), A.dueAt (epoch ms), A.dueAtIso, A.final (1/0),
-- A.lcNow (epoch ms), A.resolved (1/''), A.dims, A.bumps, A.receivedDay ('' keeps), A.paidOnline
-- (1/0/'' keeps), and the notices' K.notices, K.noticeQ and A.notices (shared/notice-add.lua).
-- A dossier's statistics dimensions are those of its first intake (`statsDims`, never
-- overwritten): its bumps and its overdueOpen gauge always count there, so the gauge goes down
-- where it went up. A final dossier leaves both indexes and enters `closed`; an overdue one stays
-- overdue until it is final or gets a due date in the future (then the gauge goes down here, in
-- the same step, whatever the caller read), listed under the due date in force; any other open
-- one is indexed by its due date.
--!include shared/stats-apply.lua
--!include shared/notice-add.lua
local function lifecycleSet ()
  local sk = statsKeys(K.stats)
  if not statsCovers(sk, A.bumps) then error('STATS_KEYS: a bucket of ' .. A.bumps .. ' is not in KEYS') end
  if A.statusAt ~= '' then redis.call('HSET', d, 'statusAt', A.statusAt) end
  redis.call('HSET', d, 'dueAt', A.dueAt, 'dueAtIso', A.dueAtIso)
  redis.call('HSETNX', d, 'statsDims', A.dims)
  local dims = redis.call('HGET', d, 'statsDims')
  if A.receivedDay ~= '' then redis.call('HSETNX', d, 'receivedDay', A.receivedDay) end
  -- Absent means not paid online: one field less on most records.
  if A.paidOnline == '1' then redis.call('HSET', d, 'paidOnline', '1') elseif A.paidOnline ~= '' then redis.call('HDEL', d, 'paidOnline') end
  if A.resolved == '1' then redis.call('HSET', d, 'resolved', '1') end
  local final = A.final == '1'
  local isOverdue = redis.call('HGET', d, 'overdue') == '1'
  if isOverdue and (final or tonumber(A.dueAt) > tonumber(A.lcNow)) then
    redis.call('ZREM', K.overdue, ref)
    redis.call('HDEL', d, 'overdue')
    statsApply(sk, dims, '|overdueOpen|-1')
    isOverdue = false
  end
  if final then
    redis.call('ZREM', K.due, ref)
    redis.call('ZADD', K.closed, A.lcNow, ref)
  elseif isOverdue then
    -- Still overdue under a new due date already past: listed under the date in force.
    redis.call('ZADD', K.overdue, A.dueAt, ref)
    redis.call('HSET', d, 'overdueFor', A.dueAt)
  else
    redis.call('ZADD', K.due, A.dueAt, ref)
  end
  if A.bumps ~= '' then statsApply(sk, dims, A.bumps) end
  noticesAdd()
end
