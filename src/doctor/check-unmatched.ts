/**
 * The unmatched callbacks of an agency: every entry a callback as the gateway keeps it (JSON with
 * its time, reason, event and code), and no more of them than the cap, when the store has one.
 * Read in slices, never whole. Nothing here is derivable from a record: reported, not repaired.
 */
import type { DoctorContext } from './context.js'
import { listSlices } from './scan.js'

/** The store's cap on the list, undefined while it has none. */
export const UNMATCHED_CAP: number | undefined = undefined

function wellFormed (s: string): boolean {
  try {
    const e = JSON.parse(s) as Record<string, unknown>
    return typeof e === 'object' && e !== null && typeof e.at === 'string' && typeof e.reason === 'string' && typeof e.maHoSo === 'string'
  } catch { return false }
}

export async function checkUnmatched (ctx: DoctorContext, agency: string): Promise<void> {
  const key = ctx.keys.unmatched(agency)
  const type = await ctx.redis.type(key)
  if (type === 'none') return
  if (type !== 'list') {
    await ctx.found({ agency, structure: 'unmatched', problem: 'wrong-type', detail: `${key} is a ${type}`, repairable: false })
    return
  }
  const length = await ctx.redis.llen(key)
  if (UNMATCHED_CAP !== undefined && length > UNMATCHED_CAP) {
    await ctx.found({ agency, structure: 'unmatched', problem: 'over-cap', detail: `${length} entries, cap ${UNMATCHED_CAP}`, repairable: false })
  }
  let bad = 0
  let first = -1
  for await (const { from, items } of listSlices(ctx.redis, key, ctx.batch)) {
    items.forEach((s, i) => {
      if (wellFormed(s)) return
      bad++
      if (first === -1) first = from + i
    })
  }
  if (bad > 0) await ctx.found({ agency, structure: 'unmatched', problem: 'malformed', detail: `${bad} entr${bad === 1 ? 'y' : 'ies'} cannot be read, the first at index ${first}`, repairable: false })
}
