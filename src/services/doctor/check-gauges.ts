/**
 * Gauges (src/store/stats: the `open` hash of each agency) against a count over the records. The count
 * is made during the one pass over the records, which is not an instant: the gauge is read before
 * and after, and an agency whose gauge moved meanwhile is skipped (run again) rather than judged.
 * Memory: one number per agency and dimension combination in use, never per dossier.
 */
import type { DoctorContext } from './context.js'
import type { RecordView } from './structures.js'
import { GAUGES } from './expect.js'
import { statsKeys } from '../../store/stats/stats-store.js'
import { REPAIR_GAUGE } from './scripts.js'
import { said } from './texts.js'
import { DIM_NAMES, KEPT_SETS, type DimName } from '../../domain/stats-dimensions.js'

/** The fields one counted record adds 1 to, as lua/shared/stats-apply.lua writes a bump of `metric` under `dims`. */
export function gaugeFields (dims: string, metric: string): string[] {
  const out = [`${dims}|${metric}`, metric]
  const parts = dims.split('|')
  if (parts.length === 4) {
    const value = (d: DimName): string => `${d}=${parts[DIM_NAMES.indexOf(d)] ?? ''}`
    for (const d of DIM_NAMES) out.push(`${value(d)}|${metric}`)
    for (const set of KEPT_SETS) out.push(`${set.map(value).join('|')}|${metric}`)
  }
  return out
}

function isGaugeField (field: string): boolean {
  return GAUGES.some(g => field === g.metric || field.endsWith(`|${g.metric}`))
}

export class GaugeCounts {
  private readonly counts = new Map<string, Map<string, number>>()
  private readonly before = new Map<string, Record<string, string>>()

  constructor (private readonly ctx: DoctorContext) {}

  private key (agency: string): string { return statsKeys.open(this.ctx.keys.statsPrefix(agency)) }

  async snapshot (agencies: string[]): Promise<void> {
    for (let i = 0; i < agencies.length; i += this.ctx.batch) {
      const part = agencies.slice(i, i + this.ctx.batch)
      const values = await this.ctx.values(part.map(a => ['hgetall', this.key(a)]))
      part.forEach((a, j) => this.before.set(a, values[j] as Record<string, string>))
    }
  }

  count (agency: string, r: RecordView): void {
    for (const g of GAUGES) {
      if (!g.counts(r)) continue
      let m = this.counts.get(agency)
      if (m === undefined) this.counts.set(agency, m = new Map())
      for (const f of gaugeFields(r.statsDims, g.metric)) m.set(f, (m.get(f) ?? 0) + 1)
    }
  }

  async check (agency: string): Promise<void> {
    const ctx = this.ctx
    const key = this.key(agency)
    const after = await ctx.redis.hgetall(key)
    const before = this.before.get(agency)
    if (before === undefined) return
    const gauge = (h: Record<string, string>): string => JSON.stringify(Object.entries(h).filter(([f]) => isGaugeField(f)).sort())
    if (gauge(before) !== gauge(after)) {
      ctx.skip(said('movedDuringCheck', { key }))
      return
    }
    const counted = this.counts.get(agency) ?? new Map<string, number>()
    const fields = new Set([...Object.keys(after).filter(isGaugeField), ...counted.keys()])
    const wrong: Array<[string, string, string]> = []
    for (const f of [...fields].sort()) {
      const have = after[f] ?? ''
      const want = String(counted.get(f) ?? 0)
      if ((have === '' ? '0' : have) !== want) wrong.push([f, have, want])
    }
    if (wrong.length === 0) return
    // The totals move with every bump: compared too, so a bump in between makes the repair skip.
    const cas = [...wrong]
    for (const g of GAUGES) if (!wrong.some(w => w[0] === g.metric)) cas.push([g.metric, after[g.metric] ?? '', String(counted.get(g.metric) ?? 0)])
    let once: Promise<'repaired' | 'changed'> | undefined
    const repair = async (): Promise<'repaired' | 'changed'> => {
      once ??= ctx.redis.ltDoctorGauge(...REPAIR_GAUGE.argv({ gauge: key }, { triples: cas.flat() })) as Promise<'repaired' | 'changed'>
      return await once
    }
    for (const [f, have, want] of wrong) {
      await ctx.found({ agency, structure: 'stats:open', problem: 'gauge-mismatch', why: have === '' ? said('gaugeAbsent', { field: f, want }) : said('gaugeDiffers', { field: f, have, want }), repairable: true }, repair)
    }
  }
}
