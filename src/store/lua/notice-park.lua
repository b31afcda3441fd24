-- A delivery report for a notice a worker is still sending: kept beside it (`<id>|report`) for the
-- worker's save (notice-save.lua) to hand back, so a fast report is never lost. The latest wins.
-- Returns 1, or 0 for an unknown notice.
if redis.call('HEXISTS', K.notices, A.id) == 0 then return 0 end
redis.call('HSET', K.notices, A.id .. '|report', A.report)
return 1
