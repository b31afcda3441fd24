-- Rolls one local day of one agency up into its month: the month buckets already hold the day's
-- counts (every bump writes both), so rolling up marks the day in `rolled` (its yyyymmdd, an
-- integer: the set stays an intset) and deletes its two day buckets. Every total over whole months
-- stays what it was; the day can no longer be read on its own (StatsQuery refuses it). From then
-- on stats-apply.lua counts a late bump of that day in its month only, so running this again, or
-- an intake between two runs, changes nothing. K.rolled, K.day, K.dayTotals: `statsKeys` of the
-- agency; A.day: yyyy-mm-dd. Returns 1 when it rolled the day now, 0 when it had been.
if string.sub(K.day, -#A.day - 3) ~= ':d:' .. A.day or string.sub(K.dayTotals, -#A.day - 4) ~= ':dt:' .. A.day then
  error('STATS_ROLLUP: the day buckets in KEYS are not those of ' .. A.day)
end
local ymd = string.gsub(A.day, '-', '')
local added = redis.call('SADD', K.rolled, ymd)
redis.call('DEL', K.day, K.dayTotals)
return added
