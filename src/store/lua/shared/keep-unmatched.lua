-- `keepUnmatched(idx, data, at, entry, cap, retention)`: keeps a callback nobody here knows, by
-- its MaSuKien, scored by when it arrived; past `cap` per agency the oldest go, so the newest are
-- always there.
local function keepUnmatched (idx, data, at, entry, cap, retention)
  local id = cjson.decode(entry).maSuKien
  redis.call('HSET', data, id, entry)
  redis.call('ZADD', idx, at, id)
  local over = redis.call('ZCARD', idx) - tonumber(cap)
  if over > 0 then
    local old = redis.call('ZRANGE', idx, 0, over - 1)
    redis.call('ZREMRANGEBYRANK', idx, 0, over - 1)
    for i = 1, #old, 500 do redis.call('HDEL', data, unpack(old, i, math.min(i + 499, #old))) end
  end
  redis.call('PEXPIRE', idx, retention)
  redis.call('PEXPIRE', data, retention)
end
