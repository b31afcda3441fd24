-- The centre statistics (src/stats/scripts.ts describes the buckets), embedded in the scripts
-- that change a dossier, so a transition and its counters move together or not at all.
-- `statsKeys(list)`: the statistics keys the caller put in KEYS as one group (`statsKeysFor`:
-- dims, open, then for each day its day, day-totals, month and month-totals buckets; unused
-- places repeat dims). `statsApply(sk, dims, encoded)`: dims is `dimsOf(...)`, encoded is
-- `encodeBumps(...)` ('' does nothing). A bump on a day whose buckets are not in KEYS is an error
-- raised before anything is written (the caller computes the keys from the same bumps, so it is a
-- programming error); `statsCovers(sk, encoded)` says it beforehand.
local function statsKeys (ks)
  local sk = { dims = ks[1], open = ks[2], days = {} }
  for j = 3, 7, 4 do
    local day = ks[j] and string.match(ks[j], ':d:(%d%d%d%d%-%d%d%-%d%d)$')
    if day then sk.days[day] = { ks[j], ks[j + 1], ks[j + 2], ks[j + 3] } end
  end
  return sk
end
local function statsCovers (sk, encoded)
  for day in string.gmatch(encoded, '([%d%-]*)|%a+|%-?%d+') do
    if day ~= '' and not sk.days[day] then return false end
  end
  return true
end
local function statsApply (sk, dims, encoded)
  if encoded == '' then return end
  if not statsCovers(sk, encoded) then error('STATS_KEYS: a bucket of ' .. encoded .. ' is not in KEYS') end
  redis.call('SADD', sk.dims, dims)
  local c, s, p, ch = string.match(dims, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)$')
  local singles = {}
  if c then singles = { 'c=' .. c, 's=' .. s, 'p=' .. p, 'ch=' .. ch } end
  for day, metric, delta in string.gmatch(encoded, '([%d%-]*)|(%a+)|(%-?%d+)') do
    local buckets
    if day == '' then buckets = { sk.open, sk.open } else buckets = sk.days[day] end
    for i = 1, #buckets, 2 do
      local k, t, f = buckets[i], buckets[i + 1], dims .. '|' .. metric
      if redis.call('HINCRBY', k, f, delta) == 0 then redis.call('HDEL', k, f) end
      if redis.call('HINCRBY', t, metric, delta) == 0 then redis.call('HDEL', t, metric) end
      for _, one in ipairs(singles) do
        local sf = one .. '|' .. metric
        if redis.call('HINCRBY', t, sf, delta) == 0 then redis.call('HDEL', t, sf) end
      end
    end
  end
end
