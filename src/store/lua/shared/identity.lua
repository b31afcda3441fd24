-- `identity(d, ref)`: {agency, system, sourceId} of a dossier. Records written since the storage
-- budget do not store them (the key and the ref say them); older ones do.
local function identity (dk, r)
  local f = redis.call('HMGET', dk, 'agency', 'system', 'sourceId')
  return { f[1] or string.match(dk, '{(.-)}'), f[2] or string.match(r, '^([^:]*)'), f[3] or string.match(r, '^[^:]*:(.*)$') }
end
