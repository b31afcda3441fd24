/**
 * The outbox's claim (`flush`): when it exists it names its job, has a token field and a numeric
 * lease, and expires (CLAIM always sets a TTL, so a dead owner's claim cannot last). The sweeper
 * (`sweep-outboxes`) re-arms an outbox whose owner is gone: reported, not repaired here.
 */
import type { DoctorContext } from './context.js'
import { said, type Said } from './texts.js'

export async function checkFlush (ctx: DoctorContext, agency: string): Promise<void> {
  const k = ctx.keys
  const [claim, ttl, gen, armed] = await ctx.values([
    ['hgetall', k.flushOwner(agency)], ['pttl', k.flushOwner(agency)], ['get', k.flushGen(agency)], ['get', k.flushArmed(agency)]
  ]) as [Record<string, string>, number, string | null, string | null]
  const problems: Said[] = []
  if (Object.keys(claim).length > 0) {
    if (claim.job === undefined || claim.job === '') problems.push(said('claimNoJob'))
    if (claim.token === undefined) problems.push(said('claimNoToken'))
    if (claim.lease === undefined || !/^\d+$/.test(claim.lease)) problems.push(claim.lease === undefined ? said('claimNoLease') : said('claimBadLease', { lease: claim.lease }))
    if (ttl === -1) problems.push(said('claimNeverExpires'))
  }
  for (const [name, v] of [['flushgen', gen], ['flusharmed', armed]] as const) {
    if (v !== null && !/^\d+$/.test(v)) problems.push(said('notANumber', { name, value: v }))
  }
  for (const why of problems) await ctx.found({ agency, structure: 'flush', problem: 'malformed', why, repairable: false })
}
