/**
 * `codes` (MaHoSo → reference) against the records, and each day's sequence against the highest
 * code issued that day: a sequence behind it would hand out codes again (the intake script skips
 * a taken one, but only because `codes` still has it). Memory: one number per day with codes.
 */
import type { DoctorContext } from './context.js'
import { pairBatches } from './scan.js'
import { REPAIR_SEQ } from './scripts.js'
import { said } from './texts.js'

export async function checkCodes (ctx: DoctorContext, agency: string): Promise<void> {
  const highest = new Map<string, { seq: number, code: string }>()
  const pattern = /^(.+)-(\d{6})-(\d{5})$/
  for await (const pairs of pairBatches(ctx.redis, 'hash', ctx.keys.codes(agency), ctx.batch)) {
    const codes = await ctx.values(pairs.map(([, ref]) => ['hmget', ctx.keys.dossier(agency, ref).dossier, 'maHoSo', 'origin']))
    for (let i = 0; i < pairs.length; i++) {
      const [code, ref] = pairs[i] as [string, string]
      const [onRecord, origin] = codes[i] as [string | null, string | null]
      const m = pattern.exec(code)
      if (m === null || m[1] !== agency) {
        await ctx.found({ agency, code, ref, structure: 'codes', problem: 'malformed', why: said('notACode', { code, agency }), repairable: false })
      } else if (origin !== 'online') {
        // Online dossiers carry the portal's codes, not ones this sequence issued.
        const day = m[2] as string
        const seq = Number(m[3])
        if ((highest.get(day)?.seq ?? 0) < seq) highest.set(day, { seq, code })
      }
      if (onRecord === null) {
        await ctx.found({ agency, code, ref, structure: 'codes', problem: 'orphan-entry', why: said('codeNoRecord', { code, ref }), repairable: false })
      } else if (onRecord !== code) {
        await ctx.found({ agency, code, ref, structure: 'codes', problem: 'code-mismatch', why: said('codeOtherRecord', { code, ref, onRecord }), repairable: false })
      }
    }
  }
  // Read after the codes: a sequence only rises, so one read later is at least what it was then.
  const days = [...highest.keys()]
  for (let i = 0; i < days.length; i += ctx.batch) {
    const part = days.slice(i, i + ctx.batch)
    const seqs = await ctx.values(part.map(day => ['get', ctx.keys.sequence(agency, day)]))
    for (let j = 0; j < part.length; j++) {
      const day = part[j] as string
      const cur = seqs[j] as string | null
      const top = highest.get(day) as { seq: number, code: string }
      // An expired sequence restarts at 1 and skips the taken codes (HSETNX on codes): not drift.
      if (cur === null || Number(cur) >= top.seq) continue
      const key = ctx.keys.sequence(agency, day)
      await ctx.found({ agency, code: top.code, structure: `seq:${day}`, problem: 'sequence-behind', why: said('sequenceBehind', { cur, code: top.code }), repairable: true },
        async () => await ctx.redis.ltDoctorSeq(...REPAIR_SEQ.argv({ seq: key }, { observed: cur, highest: top.seq })) as 'repaired' | 'changed')
    }
  }
}
