/**
 * The day's code sequence (`lt:{A}:seq:<yyMMdd>`), for intake (lua/shared/next-code.lua).
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
 */
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
