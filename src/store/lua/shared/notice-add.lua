-- Notices to the applicant, created by the script that applies the change they report
-- (domain/notices/decide.ts decides them on the revision this script checks). Expects local `d`,
-- K.notices (the agency's hash: notice id -> record JSON), K.noticeQ (the agency's zset of notices
-- waiting to be sent, by when) and A.notices: one line per candidate, `kind TAB due TAB dataJson`.
-- A notice is created at most once per dossier, kind and due date: the dossier's field
-- `n|<kind>|<due>` holds its id for ever, so a resend, a replayed callback or an admin replay
-- deciding the same candidate again creates nothing. Ids are `ntc_<MaHoSo>.<n>`, `n` rising per
-- dossier: at most 48 characters (ZNS tracking_id), stable (SMS RequestId), safe in a URL path.
-- `noticeIds` lists what this call created: the caller queues their jobs.
local noticeIds = {}
local function noticesAdd ()
  if A.notices == '' then return end
  local code = redis.call('HGET', d, 'maHoSo')
  for line in string.gmatch(A.notices, '[^\n]+') do
    local kind, due, data = string.match(line, '^([%a-]+)\t(%d+)\t({.*})$')
    if not kind then error('NOTICES: a candidate is not kind TAB due TAB json') end
    local field = 'n|' .. kind .. '|' .. due
    if redis.call('HEXISTS', d, field) == 0 then
      local id = 'ntc_' .. code .. '.' .. redis.call('HINCRBY', d, 'nSeq', 1)
      redis.call('HSET', d, field, id)
      redis.call('HSET', K.notices, id, '{"id":"' .. id .. '","code":"' .. code .. '","kind":"' .. kind .. '","due":' .. due
        .. ',"state":"pending","createdAt":' .. A.lcNow .. ',"attempts":0,"data":' .. data .. '}')
      redis.call('ZADD', K.noticeQ, A.lcNow, id)
      noticeIds[#noticeIds + 1] = id
    end
  end
end
