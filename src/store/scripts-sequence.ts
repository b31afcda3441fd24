/**
 * The day's code sequence (`lt:{A}:seq:<yyMMdd>`), as a Lua function for the intake script.
 *
 * A code must never be given twice, and a primary can die with codes its replica never received
 * (acknowledged without REDIS_WAIT_REPLICAS, or lost with an unsynced AOF): the promoted replica's
 * counter is then behind, and the `codes` index, just as far behind, cannot catch it. So each
 * sequence remembers which primary last advanced it (its replication id, `INFO replication`:
 * new on a promoted replica and on a restarted server). The first code a sequence gives under
 * another primary jumps ahead by `jump`, past what the old primary can have issued in a
 * replication lag; gaps are allowed, reuse never. A day without a counter yet may have lost its
 * only codes with the old primary, so the agency also remembers up to which day a change of
 * primary makes a missing counter suspect (`lt:{A}:seqepoch`: `primary`, `upto`).
 *
 * nextCode(codes, seq, seqOwner, seqEpoch, agency, day, ref, upto, jump) → the new code, or an
 * error reply SEQUENCE_EXHAUSTED. `upto`: the latest day of receipt an old primary can have
 * issued codes for (tomorrow, or the dossier's own day if later).
 */
export const NEXT_CODE = `
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
`

/** Codes a sequence skips when another primary gave its last ones (CODE_SEQUENCE_FAILOVER_JUMP). */
export const DEFAULT_SEQUENCE_JUMP = 1000

/**
 * The latest day of receipt an old primary can have given codes for: tomorrow in Vietnam (UTC+7,
 * a margin for senders' clocks), or the dossier's own day when that is later. yyMMdd.
 */
export function suspectUpTo (day: string, now: number): string {
  const iso = new Date(now + (7 + 24) * 3_600_000).toISOString()
  const tomorrow = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10)
  return day > tomorrow ? day : tomorrow
}
