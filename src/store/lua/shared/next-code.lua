-- The day's code sequence (`lt:{A}:seq:<yyMMdd>`); scripts-sequence.ts says why it looks like this.
-- A code must never be given twice, and a primary can die with codes its replica never received:
-- each sequence remembers which primary last advanced it (its replication id), and the first code
-- it gives under another primary jumps ahead by `jump`; gaps are allowed, reuse never. A day
-- without a counter yet may have lost its only codes with the old primary, so the agency also
-- remembers up to which day a change of primary makes a missing counter suspect
-- (`lt:{A}:seqepoch`: `primary`, `upto`).
--
-- nextCode(codes, seq, seqOwner, seqEpoch, agency, day, ref, upto, jump) → the new code, or nil
-- when the day's 99,999 codes are used. `upto`: the latest day of receipt an old primary can have
-- issued codes for (tomorrow, or the dossier's own day if later).
local function nextCode(codes, seq, seqOwner, seqEpoch, agency, day, ref, upto, jump)
  local info = redis.call('INFO', 'replication')
  local primary = string.match(info, 'master_replid:(%x+)') or ''
  local promoted = (string.match(info, 'master_replid2:(%x+)') or '') ~= string.rep('0', 40)
  local hasSeq = redis.call('EXISTS', seq) == 1
  local seen = redis.call('HGET', seqEpoch, 'primary')
  if seen ~= primary then
    -- Another primary wrote before (or this one took over from one): days up to now are suspect.
    if seen or promoted or hasSeq then
      local was = redis.call('HGET', seqEpoch, 'upto')
      if not was or was < upto then redis.call('HSET', seqEpoch, 'upto', upto) end
    end
    redis.call('HSET', seqEpoch, 'primary', primary)
  end
  if redis.call('GET', seqOwner) ~= primary then
    local suspect = redis.call('HGET', seqEpoch, 'upto')
    if hasSeq or (suspect and day <= suspect) then redis.call('INCRBY', seq, jump) end
    redis.call('SET', seqOwner, primary, 'PX', 3024000000)
  end
  -- The day is the day of receipt, so late senders reach old counters; those expire, and
  -- HSETNX on the agency's permanent code index keeps a restarted counter from reusing a code.
  local code
  repeat
    local n = redis.call('INCR', seq)
    if n > 99999 then return nil end
    code = agency .. '-' .. day .. '-' .. string.format('%05d', n)
  until redis.call('HSETNX', codes, code, ref) == 1
  redis.call('PEXPIRE', seq, 3024000000)
  return code
end
