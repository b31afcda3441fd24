-- Lets a failed webhook head be sent again: clears its failure if it is still that event's.
-- Returns 1, or 0 when it was not held for that event.
local f = redis.call('HGET', K.whFailed, A.code)
if not f or not string.find(f, '"id":"' .. A.eventId .. '"', 1, true) then return 0 end
redis.call('HDEL', K.whFailed, A.code)
redis.call('ZREM', K.whFailedIndex, A.code)
return 1
