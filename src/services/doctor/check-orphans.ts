/**
 * Indexes → records: an entry whose dossier has no record (the record pass cannot see it: there
 * is no record to start from). Repaired by REPAIR_ORPHAN, which removes it only if the record is
 * still absent. A legacy `state:<state>` set (written before the sorted indexes) is no drift:
 * the first list read of the agency moves it (WaitingStore.upgrade); it is named in the notices.
 */
import type { DoctorContext } from './context.js'
import { membersOf } from './scan.js'
import { INDEXES, STATE_INDEXES, indexKey } from './structures.js'
import { REPAIR_ORPHAN } from './scripts.js'
import { said } from './texts.js'

export async function checkOrphans (ctx: DoctorContext, agency: string): Promise<void> {
  for (const name of INDEXES) {
    const key = indexKey(ctx.keys, agency, name)
    const type = await ctx.redis.type(key)
    if (type !== 'none' && type !== 'zset') {
      await ctx.found({ agency, structure: name, problem: 'wrong-type', why: said('keyType', { key, type }), repairable: false })
      continue
    }
    for await (const refs of membersOf(ctx.redis, key, ctx.batch)) {
      const exists = await ctx.values(refs.map(ref => ['exists', ctx.keys.dossier(agency, ref).dossier]))
      for (let i = 0; i < refs.length; i++) {
        if (exists[i] === 1) continue
        const ref = refs[i] as string
        await ctx.found({ agency, ref, structure: name, problem: 'orphan-entry', why: said('noRecord', { ref }), repairable: true },
          async () => await ctx.redis.ltDoctorOrphan(...REPAIR_ORPHAN.argv({ dossier: ctx.keys.dossier(agency, ref).dossier, index: key }, { ref })) === 1 ? 'repaired' : 'changed')
      }
    }
  }
}

/** The legacy state sets still waiting for their upgrade: a notice each, never drift. */
export async function noticeLegacy (ctx: DoctorContext, agency: string): Promise<void> {
  const sizes = await ctx.values(STATE_INDEXES.map(([, state]) => ['scard', ctx.keys.legacyStateIndex(agency, state)]))
  STATE_INDEXES.forEach(([name, state], i) => {
    const n = Number(sizes[i] ?? 0)
    if (n > 0) ctx.notice(said(n === 1 ? 'legacyStateOne' : 'legacyStateMany', { agency, state, n, name }))
  })
}
