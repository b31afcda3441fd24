/**
 * The unmatched callbacks of an agency: `unm` (MaSuKien by arrival) and `unmdata` (MaSuKien →
 * the callback as kept) hold the same ids; each kept callback is readable (JSON with its time,
 * reason, event id and code); `unm` holds no more than the cap (UNMATCHED_MAX_PER_AGENCY: the
 * script that keeps one trims the oldest, so more means a writer that does not trim). The legacy
 * `unmatched` list is moved on the first read (WaitingStore.upgrade): a notice, and its unreadable
 * entries are reported, as they will be moved as they are.
 * An index entry without its callback is dropped by a repair (nothing can show it); a callback
 * without its index entry is indexed again at its arrival time. Read in batches, never whole.
 */
import type { DoctorContext } from './context.js'
import { listSlices, pairBatches } from './scan.js'
import { REPAIR_UNMATCHED } from './scripts.js'
import { said } from './texts.js'

export { UNMATCHED_CAP } from './types.js'

function parsed (s: string): { at: number, id: string } | undefined {
  try {
    const e = JSON.parse(s) as Record<string, unknown>
    if (typeof e !== 'object' || e === null || typeof e.at !== 'string' || typeof e.reason !== 'string' || typeof e.maHoSo !== 'string') return undefined
    const at = Date.parse(e.at)
    return Number.isFinite(at) ? { at, id: typeof e.maSuKien === 'string' ? e.maSuKien : '' } : undefined
  } catch { return undefined }
}

async function wrongType (ctx: DoctorContext, agency: string, key: string, want: string): Promise<boolean> {
  const type = await ctx.redis.type(key)
  if (type === 'none' || type === want) return false
  await ctx.found({ agency, structure: key.slice(key.lastIndexOf(':') + 1), problem: 'wrong-type', why: said('keyType', { key, type }), repairable: false })
  return true
}

export async function checkUnmatched (ctx: DoctorContext, agency: string): Promise<void> {
  const k = ctx.keys
  const idx = k.unmatchedIndex(agency)
  const data = k.unmatchedData(agency)
  const fix = (id: string, score: number) => async () => await ctx.redis.ltDoctorUnmatched(...REPAIR_UNMATCHED.argv({ unmatchedIndex: idx, unmatchedData: data }, { id, score })) as 'repaired' | 'changed'
  await checkLegacy(ctx, agency)
  if (await wrongType(ctx, agency, idx, 'zset') || await wrongType(ctx, agency, data, 'hash')) return
  const size = await ctx.redis.zcard(idx)
  if (size > ctx.unmatchedCap) {
    await ctx.found({ agency, structure: 'unm', problem: 'over-cap', why: said('overCap', { size, cap: ctx.unmatchedCap }), repairable: false })
  }
  let bad = 0
  let firstBad = ''
  for await (const pairs of pairBatches(ctx.redis, 'hash', data, ctx.batch)) {
    const scores = await ctx.values(pairs.map(([id]) => ['zscore', idx, id]))
    for (let i = 0; i < pairs.length; i++) {
      const [id, entry] = pairs[i] as [string, string]
      const e = parsed(entry)
      if (e === undefined) {
        bad++
        if (firstBad === '') firstBad = id
      }
      if (scores[i] === null) {
        await ctx.found({ agency, structure: 'unm', problem: 'missing-entry', why: said('callbackNotListed', { id }), repairable: e !== undefined },
          e === undefined ? undefined : fix(id, e.at))
      }
    }
  }
  if (bad > 0) await ctx.found({ agency, structure: 'unmdata', problem: 'malformed', why: said('callbacksUnreadable', { n: bad, first: firstBad }), repairable: false })
  for await (const pairs of pairBatches(ctx.redis, 'zset', idx, ctx.batch)) {
    const kept = await ctx.values(pairs.map(([id]) => ['hexists', data, id]))
    for (let i = 0; i < pairs.length; i++) {
      const [id, score] = pairs[i] as [string, string]
      if (kept[i] !== 1) await ctx.found({ agency, structure: 'unm', problem: 'orphan-entry', why: said('callbackNotKept', { id }), repairable: true }, fix(id, Number(score)))
    }
  }
}

/** The list written before `unm`: a notice; its unreadable entries will be moved as they are. */
async function checkLegacy (ctx: DoctorContext, agency: string): Promise<void> {
  const key = ctx.keys.unmatched(agency)
  if (await wrongType(ctx, agency, key, 'list')) return
  const length = await ctx.redis.llen(key)
  if (length === 0) return
  ctx.notice(said('legacyUnmatched', { agency, n: length }))
  let bad = 0
  let first = -1
  for await (const { from, items } of listSlices(ctx.redis, key, ctx.batch)) {
    items.forEach((s, i) => {
      if (parsed(s) !== undefined) return
      bad++
      if (first === -1) first = from + i
    })
  }
  if (bad > 0) await ctx.found({ agency, structure: 'unmatched', problem: 'malformed', why: said(bad === 1 ? 'entriesUnreadableOne' : 'entriesUnreadableMany', { n: bad, first }), repairable: false })
}
