/**
 * What each command requires of the model (`precondition`) and what it does, to the gateway
 * and to the model at once (`execute`): each reply is checked against the model as it comes.
 */
import { compactAll } from '../../src/queue/compact.js'
import { scanDeadlines } from '../../src/queue/deadlines.js'
import { waitFor } from '../../support/wait.js'
import type { Cmd } from './commands.js'
import { classifyResend, HOUR, localIso, type MDossier, type Model } from './model.js'
import { canonicalDoc, commune, dueOf, landReviewXml, LAND_AGENCY, LAND_COMMUNE, SPLIT_CANDIDATES } from './payloads.js'
import { portalPrecondition, runPortal } from './run-portal.js'
import { eventPrecondition, runEvent } from './run-events.js'
import { RETENTION_MS, type World } from './world.js'

export function expect (ok: boolean, what: string, got?: unknown): void {
  if (!ok) throw new Error(`${what}${got === undefined ? '' : `: got ${JSON.stringify(got).slice(0, 600)}`}`)
}

/** Sector dossiers the sector can resend (the canonical ones, alive and not held). */
export const resendable = (d: MDossier): boolean => d.doc !== undefined && !d.compacted && (d.state === 'pending' || d.state === 'delivered')

/** Failed or held for review: what an admin may discard. */
const held = (d: MDossier): boolean => d.state === 'failed' || d.state === 'needs-review'
/** What an admin may correct as a canonical record (the test's own canonical dossiers). */
const editable = (d: MDossier): boolean => held(d) && d.system === 'canonical'

export function precondition (m: Model, c: Cmd): boolean {
  switch (c.k) {
    case 'dup': return m.pick(c.i, resendable) !== undefined
    case 'update':
    case 'resend': return m.pick(c.i, resendable) !== undefined
    case 'reject': return !m.outage
    case 'replay': return m.pick(c.i, d => d.state === 'failed') !== undefined
    case 'edit': return m.pick(c.i, editable) !== undefined
    case 'discard': return m.pick(c.i, held) !== undefined
    case 'settle': return m.pick(c.i, d => d.state === 'needs-review') !== undefined
    case 'event': return eventPrecondition(m, c)
    case 'outage': return m.outage !== c.on
    default: return portalPrecondition(m, c)
  }
}

/** How many of each command ran, for the test's summary (a kind that never runs tests nothing). */
export const tally = new Map<string, number>()

export async function execute (m: Model, w: World, c: Cmd): Promise<void> {
  tally.set(c.k, (tally.get(c.k) ?? 0) + 1)
  switch (c.k) {
    case 'new': { await intakeNew(m, w, c); return }
    case 'batch': {
      for (let k = 0; k < c.n; k++) await intakeNew(m, w, { k: 'new', agency: c.agency, commune: k, status: '2', due: { hours: c.days * 24, dateOnly: true }, online: false, sid: `${c.sid}${k % 2 === 0 ? 'a' : 'B'}` })
      return
    }
    case 'dup': {
      // The sector's last payload again: a duplicate while the dossier is at its status; once an
      // event moved it on, a resend classified against the current status (lifecycle.md).
      const d = m.pick(c.i, resendable) as MDossier
      await post(m, w, d, d.doc as Record<string, unknown>)
      return
    }
    case 'update': {
      // The payload as the sector has it: its status may be behind what events made of the dossier.
      const d = m.pick(c.i, resendable) as MDossier
      await post(m, w, d, { ...d.doc, summary: `${c.summary} ${m.seq++}`, ...(c.commune === undefined ? {} : { agency: { ...(d.doc?.agency as object), communeCode: commune(c.commune) } }) })
      return
    }
    case 'resend': return await resend(m, w, c)
    case 'event': return await runEvent(m, w, c)
    case 'outage': {
      // The portal goes down with nothing in flight: a change the gateway delivered in the moment
      // before would otherwise still be pending in the model (it cannot see that race). Work
      // caught in flight by an outage is test/integration/outage.test.ts's.
      if (c.on) await settled(m, w, 'everything sent before the portal goes down')
      await w.outage(c.on)
      m.outage = c.on
      if (!c.on) await settled(m, w, 'the portal back')
      return
    }
    case 'reject': {
      // Alone in the outbox, so the one create the script refuses is this dossier's.
      await settled(m, w, 'the outbox empty before a refused create')
      w.sim.setFaults({ script: [{ service: 'DongBoHoSoMC', kind: 'error', code: '-1', message: 'Dữ liệu không hợp lệ' }] })
      const d = await intakeNew(m, w, { k: 'new', agency: c.agency, commune: 0, status: '2', due: { hours: 48, dateOnly: false }, online: false, sid: c.sid })
      await waitFor(async () => (await w.admin('GET', `/v1/dossiers/${d.code}`)).json?.sync?.state === 'failed', { what: `${d.code} refused with -1` })
      d.state = 'failed'
      d.failure = 'PORTAL_REJECTED'
      return
    }
    case 'big': {
      await intakeNew(m, w, { k: 'new', agency: c.agency, commune: 1, status: '2', due: { hours: 48, dateOnly: false }, online: false, sid: c.sid }, true)
      await settled(m, w, 'the big dossier refused with 413')
      return
    }
    case 'replay': {
      const d = m.pick(c.i, x => x.state === 'failed') as MDossier
      const r = await w.admin('POST', `/v1/admin/dossiers/${d.code}/replay`)
      expect(r.status === 202, `${d.code}: replayed`, r)
      d.state = 'pending'
      d.failure = undefined
      await settled(m, w, `${d.code} replayed`)
      return
    }
    case 'edit': {
      const d = m.pick(c.i, editable) as MDossier
      const view = await w.admin('GET', `/v1/dossiers/${d.code}`)
      const doc: Record<string, unknown> = { ...d.doc, summary: `${c.summary} ${m.seq++}` }
      const r = await w.admin('POST', `/v1/admin/dossiers/${d.code}/edit`, { revision: view.json.sync.revision, dossier: { ...doc, documents: [] }, reason: 'Sửa theo kiểm tra mô hình' })
      expect(r.status === 202, `${d.code}: edited`, r)
      d.doc = { ...doc, documents: [] }
      d.summary = doc.summary as string
      d.big = false
      d.state = 'pending'
      d.failure = undefined
      await settled(m, w, `${d.code} edited`)
      return
    }
    case 'discard': {
      const d = m.pick(c.i, held) as MDossier
      const r = await w.admin('POST', `/v1/admin/dossiers/${d.code}/discard`, { reason: 'Bỏ qua theo kiểm tra mô hình' })
      expect(r.status === 200, `${d.code}: discarded`, r)
      d.state = 'discarded'
      return
    }
    case 'review': {
      const n = m.dossiers.length
      const receivedAt = m.wall - 5 * 24 * HOUR + n * 60_000
      const { due, iso, short } = dueOf(m.wall, { hours: c.days * 24, dateOnly: true })
      const sourceId = `${c.sid}-${n}`
      const r = await w.call('POST', '/v1/inbound/land', w.g.keys.land as string, landReviewXml(sourceId, receivedAt, short), { 'content-type': 'application/xml' })
      expect(r.status === 202 && r.json.outcome === 'new' && r.json.state === 'needs-review', `land dossier ${sourceId} held for review`, r)
      m.add({
        code: r.json.maHoSo,
        agency: LAND_AGENCY,
        commune: LAND_COMMUNE,
        procedure: '1.004227.000.00.00.H42',
        channel: 'in-person',
        system: 'land',
        statsSystem: 'land',
        origin: 'sector',
        sourceId,
        summary: '',
        status: '2',
        receivedAt,
        due,
        dueIso: iso,
        state: 'needs-review',
        big: false,
        onPortal: false
      }, Date.now())
      return
    }
    case 'settle': {
      const d = m.pick(c.i, x => x.state === 'needs-review') as MDossier
      const r = await w.admin('POST', `/v1/admin/dossiers/${d.code}/review`, { communeCode: SPLIT_CANDIDATES[c.pick % SPLIT_CANDIDATES.length] })
      expect(r.status === 202, `${d.code}: review settled`, r)
      d.state = 'pending'
      return
    }
    case 'clock': {
      m.clock = Math.min(m.clock + c.hours * HOUR, m.wall)
      m.scan()
      await scanDeadlines(w.g.app.store, w.g.app.queues, 6 * HOUR, w.g.app.log, m.clock)
      return
    }
    case 'compact': {
      await settled(m, w, 'everything sent before compaction')
      // As a run a day after the sequence would: every change happened within minutes of its start.
      await compactAll(w.g.app.store, RETENTION_MS, { now: m.wall + RETENTION_MS + 2 * HOUR })
      m.compact()
      return
    }
    default: return await runPortal(m, w, c)
  }
}

/** Waits until nothing is left to send (the portal up) or to hear (webhooks), then settles the model. */
export async function settled (m: Model, w: World, what: string): Promise<void> {
  await w.drained(what, !m.outage)
  m.settle()
}

export async function intakeNew (m: Model, w: World, c: Extract<Cmd, { k: 'new' }>, big = false): Promise<MDossier> {
  const n = m.dossiers.length
  const receivedAt = m.wall - 5 * 24 * HOUR + n * 60_000
  const { due, iso } = dueOf(m.wall, c.due)
  const stepAt = c.stepMinutes === undefined ? undefined : receivedAt + c.stepMinutes * 60_000
  const spec = { sourceId: `${c.sid}-${n}`, agency: c.agency, commune: commune(c.commune), channel: c.online ? 'online' as const : 'in-person' as const, status: c.status, receivedAt, dueIso: iso, summary: `Hồ sơ ${n}`, big, ...(stepAt === undefined ? {} : { stepAt }) }
  const doc = canonicalDoc(spec)
  const r = await w.call('POST', '/v1/inbound/canonical', w.g.keys.canonical as string, doc)
  expect(r.status === 202 && r.json.outcome === 'new', `new dossier ${spec.sourceId} taken in`, r)
  return m.add({
    code: r.json.maHoSo,
    agency: (doc.agency as { code: string }).code,
    commune: spec.commune,
    procedure: '1.001193',
    channel: spec.channel,
    system: 'canonical',
    statsSystem: 'canonical',
    origin: 'sector',
    sourceId: spec.sourceId,
    summary: spec.summary,
    status: c.status,
    ...(stepAt === undefined ? {} : { statusAt: stepAt }),
    receivedAt,
    due,
    dueIso: iso,
    state: 'pending',
    big,
    onPortal: false,
    doc
  }, stepAt ?? Date.now(), stepAt)
}

async function resend (m: Model, w: World, c: Extract<Cmd, { k: 'resend' }>): Promise<void> {
  const d = m.pick(c.i, resendable) as MDossier
  const toAt = c.stepMinutes === undefined ? undefined : d.receivedAt + c.stepMinutes * 60_000
  const doc: Record<string, unknown> = { ...d.doc, status: c.status, ...(toAt === undefined ? {} : { step: { at: localIso(toAt) } }) }
  // Without a time of its own, the resend carries no step (not the one of an earlier post).
  if (toAt === undefined || c.status === d.status) delete doc.step
  await post(m, w, d, doc)
}

/** The step time a payload carries. */
const stepTime = (doc: Record<string, unknown> | undefined): number | undefined => {
  const at = (doc?.step as { at?: string } | undefined)?.at
  return at === undefined ? undefined : Date.parse(at)
}

/** A sector payload for a dossier it has: duplicate, update, a status move, stale or illegal (lifecycle.md). */
async function post (m: Model, w: World, d: MDossier, doc: Record<string, unknown>): Promise<void> {
  const to = doc.status as string
  const toAt = stepTime(doc)
  const verdict = classifyResend(d.status, to, d.statusAt, toAt)
  const r = await w.call('POST', '/v1/inbound/canonical', w.g.keys.canonical as string, doc)
  const what = `${d.code}: resend ${d.status} → ${to} (${toAt === undefined ? 'no time' : 'sender time'}) is ${verdict}`
  if (verdict === 'illegal') { expect(r.status === 409 && r.json.code === 'ILLEGAL_TRANSITION', what, r); return }
  const outcome = verdict === 'stale' ? 'stale' : verdict === 'same' && JSON.stringify(doc) === JSON.stringify(d.doc) ? 'duplicate' : 'updated'
  expect(r.status === 202 && r.json.outcome === outcome, what, r)
  if (outcome !== 'updated') return
  d.doc = doc
  d.summary = doc.summary as string
  m.touch(d)
  if (verdict !== 'ok') return
  m.setStatus(d, to, toAt ?? Date.now(), toAt)
  m.step(d)
}
