/**
 * The outbox's claim (`flush`): when it exists it names its job, has a token field and a numeric
 * lease, and expires (CLAIM always sets a TTL, so a dead owner's claim cannot last). The sweeper
 * (`sweep-outboxes`) re-arms an outbox whose owner is gone: reported, not repaired here.
 */
import type { DoctorContext } from './context.js'

export async function checkFlush (ctx: DoctorContext, agency: string): Promise<void> {
  const k = ctx.keys
  const [claim, ttl, gen, armed] = await ctx.values([
    ['hgetall', k.flushOwner(agency)], ['pttl', k.flushOwner(agency)], ['get', k.flushGen(agency)], ['get', k.flushArmed(agency)]
  ]) as [Record<string, string>, number, string | null, string | null]
  const problems: string[] = []
  if (Object.keys(claim).length > 0) {
    if (claim.job === undefined || claim.job === '') problems.push('the claim names no job')
    if (claim.token === undefined) problems.push('the claim has no token field')
    if (claim.lease === undefined || !/^\d+$/.test(claim.lease)) problems.push(`the claim's lease is not a time (${claim.lease ?? 'absent'})`)
    if (ttl === -1) problems.push('the claim never expires')
  }
  for (const [name, v] of [['flushgen', gen], ['flusharmed', armed]] as const) {
    if (v !== null && !/^\d+$/.test(v)) problems.push(`${name} is not a number (${v})`)
  }
  for (const detail of problems) await ctx.found({ agency, structure: 'flush', problem: 'malformed', detail, repairable: false })
}
