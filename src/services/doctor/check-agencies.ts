/**
 * `agencies` must hold every agency that has keys: the sweepers, the deadline scan, compaction
 * and the admin lists reach an agency only through it. Repaired by adding the agency.
 */
import type { DoctorContext } from './context.js'
import { said } from './texts.js'

export async function checkAgencies (ctx: DoctorContext, seen: Iterable<string>, known: Set<string>): Promise<void> {
  for (const agency of seen) {
    if (known.has(agency)) continue
    await ctx.found({ agency, structure: 'agencies', problem: 'missing-entry', why: said('agencyNotListed', { agency, key: ctx.keys.agencies() }), repairable: true },
      async () => { await ctx.redis.sadd(ctx.keys.agencies(), agency); return 'repaired' })
  }
}
