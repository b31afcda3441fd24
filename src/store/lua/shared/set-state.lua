-- Keeps the agency's per-state indexes (what the admin lists; sorted sets by when the dossier
-- entered the state) in step with the dossier, in the same atomic step. Expects locals `d` (the
-- dossier key) and `ref`, and K.idxFailed, K.idxReview. `at` (epoch ms) defaults to the record's
-- `updatedAt`; a dossier that stays in its state keeps the time it entered it.
local function setState (st, at)
  redis.call('HSET', d, 'state', st)
  local t = at or tonumber(redis.call('HGET', d, 'updatedAt') or '0') or 0
  if st == 'failed' then redis.call('ZADD', K.idxFailed, 'NX', t, ref) else redis.call('ZREM', K.idxFailed, ref) end
  if st == 'needs-review' then redis.call('ZADD', K.idxReview, 'NX', t, ref) else redis.call('ZREM', K.idxReview, ref) end
end
