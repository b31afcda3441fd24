-- Converts one bucket pair (a day's d and dt, or a month's m and mt) from the first layout, one
-- integer field per metric (`<dims>|received`, `received`, `c=18754|received`), to packed fields
-- (stats-apply.lua: `<dims>`, `*`, `c=18754`), adding to any packed field already there (counts
-- written since the upgrade), then sets the totals of the kept sets (which the first layout did
-- not keep) to the sum of the combinations. With A.gauge = 1, the gauge's kept-set fields too, from
-- its combinations. A field of the first layout ends in a metric name after a `|` or is one; a
-- packed field never does (its last part is a channel or holds `=`, or it is `*`). Idempotent.
-- K.combos, K.totals, K.open; returns how many fields of the first layout it converted.
--!include shared/stats-apply.lua
local function convert (key)
  local h = redis.call('HGETALL', key)
  local sums, order, old = {}, {}, {}
  for i = 1, #h, 2 do
    local f, v = h[i], h[i + 1]
    local base, metric = string.match(f, '^(.*)|([^|]*)$')
    if not base then base, metric = '*', f end
    local parts = select(2, string.gsub(f, '|', '|')) + 1
    local idx = STATS_METRICS[metric]
    -- Old: a combination and its metric (5 parts), a total per dimension value (2), the total (1).
    if idx and (parts == 5 or parts == 1 or (parts == 2 and string.find(base, '=', 1, true))) then
      old[#old + 1] = f
      local s = sums[base]
      if not s then s = {}; sums[base] = s; order[#order + 1] = base end
      s[idx] = (s[idx] or 0) + tonumber(v)
    end
  end
  if #old == 0 then return 0 end
  redis.call('HDEL', key, unpack(old))
  for _, base in ipairs(order) do statsAdd(key, { base }, sums[base]) end
  return #old
end
-- The kept sets' fields of a combination (`<dims>`), as stats-apply.lua names them.
local function keptOf (dims)
  local parts = { string.match(dims, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)$') }
  local out = {}
  if #parts ~= 4 then return out end
  for _, set in ipairs(STATS_KEPT) do
    local f = {}
    for _, i in ipairs(set) do f[#f + 1] = STATS_DIM_NAMES[i] .. '=' .. parts[i] end
    out[#out + 1] = table.concat(f, '|')
  end
  return out
end
local converted = convert(K.combos) + convert(K.totals)
if converted > 0 then
  local h = redis.call('HGETALL', K.combos)
  local kept, order = {}, {}
  for i = 1, #h, 2 do
    local n = {}
    for x in string.gmatch(h[i + 1], '[^,]+') do n[#n + 1] = tonumber(x) end
    for _, f in ipairs(keptOf(h[i])) do
      local s = kept[f]
      if not s then s = {}; kept[f] = s; order[#order + 1] = f end
      for j, v in ipairs(n) do s[j] = (s[j] or 0) + v end
    end
  end
  local set = {}
  for _, f in ipairs(order) do
    local s, len = kept[f], #kept[f]
    while len > 0 and s[len] == 0 do len = len - 1 end
    local out = {}
    for j = 1, len do out[j] = string.format('%d', s[j]) end
    if len > 0 then set[#set + 1] = f; set[#set + 1] = table.concat(out, ',') end
  end
  if #set > 0 then redis.call('HSET', K.totals, unpack(set)) end
end
if A.gauge == '1' then
  local h = redis.call('HGETALL', K.open)
  local kept, order = {}, {}
  for i = 1, #h, 2 do
    local dims = string.match(h[i], '^(.*)|overdueOpen$')
    if dims and select(2, string.gsub(dims, '|', '|')) == 3 then
      for _, f in ipairs(keptOf(dims)) do
        if not kept[f] then kept[f] = 0; order[#order + 1] = f end
        kept[f] = kept[f] + tonumber(h[i + 1])
      end
    end
  end
  for _, f in ipairs(order) do
    if kept[f] ~= 0 then redis.call('HSET', K.open, f .. '|overdueOpen', kept[f]) end
  end
end
return converted
