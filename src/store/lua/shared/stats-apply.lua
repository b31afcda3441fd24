-- The centre statistics (src/store/stats/scripts.ts describes the buckets), embedded in the scripts
-- that change a dossier, so a transition and its counters move together or not at all.
-- `statsKeys(list)`: the statistics keys the caller put in KEYS as one group (`statsKeysFor`:
-- dims, open, rolled, then for each day its day, day-totals, month and month-totals buckets; unused
-- places repeat dims). `statsApply(sk, dims, encoded)`: dims is `dimsOf(...)`, encoded is
-- `encodeBumps(...)` ('' does nothing). A bump on a day whose buckets are not in KEYS is an error
-- raised before anything is written (the caller computes the keys from the same bumps, so it is a
-- programming error); `statsCovers(sk, encoded)` says it beforehand.
--
-- Day metrics are packed: one field per combination (or per total) holds the twelve counters,
-- comma-separated in STATS_METRICS order, trailing zeros dropped (`3,1,2`). Twelve HINCRBY of
-- twelve long fields became one small field: the buckets fit in a tenth of the memory, and a query
-- reads one field where it read twelve. A day already rolled up (`rolled`, stats-rollup.lua) is
-- counted in its month only.
local STATS_METRICS = { received = 1, online = 2, digitised = 3, paidOnline = 4, ratingSum = 5, ratingCount = 6,
  resolvedEarly = 7, resolvedOnTime = 8, resolvedLate = 9, supplementRequests = 10, withdrawn = 11, refused = 12 }
local STATS_DIM_NAMES = { 'c', 's', 'p', 'ch' }
-- The dimension sets kept as totals beside the single dimensions (KEPT_SETS in
-- src/domain/stats-dimensions.ts; a unit test compares the two): a query filtered by exactly one
-- of them reads one field per bucket.
local STATS_KEPT = { { 2, 4 }, { 1, 2 }, { 1, 4 }, { 1, 2, 4 } }
local function statsKeys (ks)
  local sk = { dims = ks[1], open = ks[2], rolled = ks[3], days = {} }
  for j = 4, 8, 4 do
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
-- Adds the sparse vector `v` (metric index -> delta) to each of `fields` of the hash `key`.
-- `fresh`: `v` packed, the value of a field not there yet (most combinations of a day), which
-- then costs no parsing.
local function statsAdd (key, fields, v, fresh)
  local cur = redis.call('HMGET', key, unpack(fields))
  local set, del = {}, {}
  for i, f in ipairs(fields) do
    local c = cur[i]
    if not c and fresh then
      if fresh ~= '' then set[#set + 1] = f; set[#set + 1] = fresh end
    else
      local n, len = {}, 0
      if c then
        for x in string.gmatch(c, '[^,]+') do len = len + 1; n[len] = tonumber(x) end
      end
      for idx, d in pairs(v) do
        for j = len + 1, idx do n[j] = 0 end
        if idx > len then len = idx end
        n[idx] = n[idx] + d
      end
      while len > 0 and n[len] == 0 do len = len - 1 end
      if len == 0 then
        del[#del + 1] = f
      else
        set[#set + 1] = f
        set[#set + 1] = table.concat(n, ',', 1, len)
      end
    end
  end
  if #set > 0 then redis.call('HSET', key, unpack(set)) end
  if #del > 0 then redis.call('HDEL', key, unpack(del)) end
end
-- `v` packed (trailing zeros dropped; '' when all are zero).
local function statsPack (v)
  local n, len = {}, 0
  for idx, d in pairs(v) do
    for j = len + 1, idx do n[j] = 0 end
    if idx > len then len = idx end
    n[idx] = n[idx] + d
  end
  while len > 0 and n[len] == 0 do len = len - 1 end
  return table.concat(n, ',', 1, len)
end
local function statsApply (sk, dims, encoded)
  if encoded == '' then return end
  if not statsCovers(sk, encoded) then error('STATS_KEYS: a bucket of ' .. encoded .. ' is not in KEYS') end
  redis.call('SADD', sk.dims, dims)
  local parts = { string.match(dims, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)$') }
  local totals = { '*' }
  local kept = {}
  if #parts == 4 then
    for i = 1, 4 do totals[#totals + 1] = STATS_DIM_NAMES[i] .. '=' .. parts[i] end
    for _, set in ipairs(STATS_KEPT) do
      local f = {}
      for _, i in ipairs(set) do f[#f + 1] = STATS_DIM_NAMES[i] .. '=' .. parts[i] end
      kept[#kept + 1] = table.concat(f, '|')
      totals[#totals + 1] = kept[#kept]
    end
  end
  local byDay, order, gauge = {}, {}, 0
  for day, metric, delta in string.gmatch(encoded, '([%d%-]*)|(%a+)|(%-?%d+)') do
    if day == '' then
      if metric ~= 'overdueOpen' then error('STATS_METRIC: ' .. metric .. ' needs a day') end
      gauge = gauge + tonumber(delta)
    else
      local idx = STATS_METRICS[metric]
      if not idx then error('STATS_METRIC: unknown day metric ' .. metric) end
      local v = byDay[day]
      if not v then v = {}; byDay[day] = v; order[#order + 1] = day end
      v[idx] = (v[idx] or 0) + tonumber(delta)
    end
  end
  if gauge ~= 0 then
    -- The gauge keeps one integer field per combination and total (the doctor counts them:
    -- gaugeFields in src/services/doctor/check-gauges.ts).
    local fields = { dims .. '|overdueOpen', 'overdueOpen' }
    for i = 2, #totals do fields[#fields + 1] = totals[i] .. '|overdueOpen' end
    for _, f in ipairs(fields) do
      if redis.call('HINCRBY', sk.open, f, gauge) == 0 then redis.call('HDEL', sk.open, f) end
    end
  end
  for _, day in ipairs(order) do
    local b, v = sk.days[day], byDay[day]
    local fresh = statsPack(v)
    if redis.call('SISMEMBER', sk.rolled, (string.gsub(day, '-', ''))) == 0 then
      statsAdd(b[1], { dims }, v, fresh)
      statsAdd(b[2], totals, v, fresh)
    end
    statsAdd(b[3], { dims }, v, fresh)
    statsAdd(b[4], totals, v, fresh)
  end
end
