/**
 * Record → indexes: for each dossier record the SCAN finds, one INSPECT (record and memberships
 * at one instant), then the rules of expect.ts. A dossier with drift is repaired by one
 * REPAIR_DOSSIER, a compare-and-set on every field the rules read.
 */
import type { DoctorContext } from './context.js'
import type { Command } from '../../store/redis/by-slot.js'
import { defaultScore, expectedIndexes, type Want } from './expect.js'
import { INDEXES, RECORD_FIELDS, STATE_INDEXES, indexKey, type IndexName, type RecordView } from './structures.js'
import type { GaugeCounts } from './check-gauges.js'
import { INSPECT, REPAIR_DOSSIER } from './scripts.js'
import { said, type Said } from './texts.js'

interface Inspected { agency: string, ref: string, record: RecordView, member: Record<IndexName, string>, codeRef: string, steps: number, legacy: Set<IndexName> }

function parse (agency: string, ref: string, v: string[]): Inspected {
  const record = {} as RecordView
  RECORD_FIELDS.forEach((f, i) => { record[f] = v[i] ?? '' })
  const member = {} as Record<IndexName, string>
  INDEXES.forEach((name, i) => { member[name] = v[RECORD_FIELDS.length + i] ?? '' })
  const rest = RECORD_FIELDS.length + INDEXES.length
  const legacy = new Set<IndexName>(STATE_INDEXES.filter((_, i) => v[rest + 2 + i] === '1').map(([name]) => name))
  return { agency, ref, record, member, codeRef: v[rest] ?? '', steps: Number(v[rest + 1] ?? 0), legacy }
}

export async function checkDossiers (ctx: DoctorContext, refs: Array<{ agency: string, ref: string }>, gauges: GaugeCounts): Promise<void> {
  const commands: Command[] = refs.map(({ agency, ref }) => {
    const k = ctx.keys.dossier(agency, ref)
    return [INSPECT.command, ...INSPECT.argv({
      dossier: k.dossier,
      indexes: INDEXES.map(n => indexKey(ctx.keys, agency, n)),
      codes: ctx.keys.codes(agency),
      steps: k.steps,
      legacy: STATE_INDEXES.map(([, state]) => ctx.keys.legacyStateIndex(agency, state))
    }, { ref, fields: RECORD_FIELDS })]
  })
  const values = await ctx.values(commands)
  for (let i = 0; i < refs.length; i++) {
    const { agency, ref } = refs[i] as { agency: string, ref: string }
    const d = parse(agency, ref, values[i] as string[])
    // A record that vanished (compaction rewrote it, linking moved it) between SCAN and INSPECT.
    if (d.record.maHoSo === '') continue
    ctx.report.dossiers++
    gauges.count(agency, d.record)
    await compare(ctx, d)
  }
}

type Action = '' | '-' | `=${number}` | `+${number}`

async function compare (ctx: DoctorContext, d: Inspected): Promise<void> {
  const { record: r, agency, ref } = d
  const code = r.maHoSo
  const want = expectedIndexes(r, ctx.now)
  const actions = {} as Record<IndexName, Action>
  const problems: Array<{ structure: string, problem: 'missing-entry' | 'stale-entry' | 'wrong-score' | 'wrong-type' | 'code-mismatch' | 'malformed', why: Said, repairable: boolean }> = []
  for (const name of INDEXES) {
    const w: Want = want[name]
    const has = d.member[name]
    actions[name] = ''
    if (has.startsWith('!')) {
      problems.push({ structure: name, problem: 'wrong-type', why: said('indexType', { type: has.slice(1) }), repairable: false })
    } else if (w.is === 'present' && has === '' && d.legacy.has(name)) {
      // Still in the set written before the sorted indexes: the first list read moves it
      // (WaitingStore.upgrade, at the time it entered the state). Not drift.
    } else if (w.is === 'present' && has === '') {
      const score = w.score ?? defaultScore(name, r, ctx.now)
      actions[name] = w.score === undefined ? `+${score}` : `=${score}`
      problems.push({ structure: name, problem: 'missing-entry', why: w.score === undefined ? said('recordState', { state: r.state || '-', status: r.status || '-' }) : said('recordStateScore', { state: r.state || '-', status: r.status || '-', score: w.score }), repairable: true })
    } else if (w.is === 'present' && w.score !== undefined && Number(has) !== w.score) {
      actions[name] = `=${w.score}`
      problems.push({ structure: name, problem: 'wrong-score', why: said('otherScore', { has, score: w.score }), repairable: true })
    } else if (w.is === 'absent' && has !== '') {
      actions[name] = '-'
      problems.push({ structure: name, problem: 'stale-entry', why: said(r.compactedAt === '' ? 'recordState' : 'recordStateCompacted', { state: r.state || '-', status: r.status || '-' }), repairable: true })
    }
  }
  let fixCode = false
  if (d.codeRef === '') {
    fixCode = true
    problems.push({ structure: 'codes', problem: 'missing-entry', why: said('notInCodes', { code }), repairable: true })
  } else if (d.codeRef !== ref) {
    problems.push({ structure: 'codes', problem: 'code-mismatch', why: said('codesSay', { code, ref: d.codeRef }), repairable: false })
  }
  // ACK marks a dossier delivered only once nothing is left to send.
  if (r.state === 'delivered' && d.steps > 0) {
    problems.push({ structure: 'steps', problem: 'stale-entry', why: said('stepsNotSent', { n: d.steps }), repairable: false })
  }
  if (problems.length === 0) return
  let once: Promise<'repaired' | 'changed'> | undefined
  const repair = async (): Promise<'repaired' | 'changed'> => {
    once ??= repairDossier(ctx, d, actions, fixCode)
    return await once
  }
  for (const p of problems) await ctx.found({ agency, code, ref, ...p }, repair)
}

async function repairDossier (ctx: DoctorContext, d: Inspected, actions: Record<IndexName, Action>, fixCode: boolean): Promise<'repaired' | 'changed'> {
  const k = ctx.keys.dossier(d.agency, d.ref)
  const fingerprint = RECORD_FIELDS.map(f => d.record[f]).join('\x1f')
  return await ctx.redis.ltDoctorRepair(...REPAIR_DOSSIER.argv(
    { dossier: k.dossier, indexes: INDEXES.map(n => indexKey(ctx.keys, d.agency, n)), codes: ctx.keys.codes(d.agency) },
    { ref: d.ref, fingerprint, actions: INDEXES.map(n => actions[n]), fixCode: fixCode ? '1' : '', fields: RECORD_FIELDS })) as 'repaired' | 'changed'
}
