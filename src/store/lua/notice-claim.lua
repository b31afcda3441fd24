-- Claims a notice for one attempt: it must be queued and due (its score at or before A.now).
-- The claim is a lease: the notice's score moves to A.now + A.leaseMs, so another job for it
-- finds it 'later', and the sweeper offers it again only once the lease is over (its worker died).
-- The lease is the field `<id>|lease` of K.notices: A.token, then `token|channel` once the worker
-- says which channel it calls (notice-begin.lua), so the next claim knows a call may have been
-- in flight on that channel.
-- Returns {'claimed', record, previous lease or ''} | {'later', score, ''} | {'not-queued', '', ''} | {'missing', '', ''}.
local rec = redis.call('HGET', K.notices, A.id)
if not rec then
  redis.call('ZREM', K.noticeQ, A.id)
  return {'missing', '', ''}
end
local score = redis.call('ZSCORE', K.noticeQ, A.id)
if not score then return {'not-queued', '', ''} end
if tonumber(score) > tonumber(A.now) then return {'later', score, ''} end
local leaseField = A.id .. '|lease'
local old = redis.call('HGET', K.notices, leaseField) or ''
redis.call('HSET', K.notices, leaseField, A.token)
redis.call('ZADD', K.noticeQ, tonumber(A.now) + tonumber(A.leaseMs), A.id)
return {'claimed', rec, old}
