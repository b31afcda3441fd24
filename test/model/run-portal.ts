/**
 * The portal's side in the model-based test: online dossiers (HoSoMoi), routing by an admin,
 * linking by the sector system, the applicant's callbacks and their copies, and callbacks for
 * codes nobody knows (architecture.md, "Portal callbacks, online dossiers and webhooks").
 */
import { randomUUID } from 'node:crypto'
import type { Cmd, PortalEventType } from './commands.js'
import { HOUR, type MDossier, type Model } from './model.js'
import { commune, dueOf, linkedDoc, portalDate } from './payloads.js'
import { expect } from './run.js'
import { onlineHoSo } from '../../simulator/online.js'
import { AGENCIES, ROUTED_PROCEDURE, UNROUTED_PROCEDURE, type World } from './world.js'

type PortalCmd = Extract<Cmd, { k: 'online' | 'route' | 'link' | 'portal' | 'copy' | 'orphan' | 'incomplete' }>

const unrouted = (d: MDossier): boolean => d.state === 'unrouted' && d.agency === AGENCIES[0]
const linkable = (d: MDossier): boolean => d.origin === 'online' && d.system === 'portal' && d.agency === AGENCIES[0] && d.state === 'delivered' && d.status === '1'
/** Known, not compacted, not held: what the applicant's callbacks are about. */
const known = (d: MDossier): boolean => !d.compacted && (d.state === 'pending' || d.state === 'delivered' || d.state === 'unrouted')

export function portalPrecondition (m: Model, c: Cmd): boolean {
  switch (c.k) {
    case 'route': return m.pick(c.i, unrouted) !== undefined
    case 'link': return m.pick(c.i, linkable) !== undefined
    case 'portal': return m.pick(c.i, known) !== undefined
    case 'copy': return m.sent.length > 0
    default: return true
  }
}

function duLieu (type: PortalEventType, score: number, n: number): Record<string, unknown> {
  switch (type) {
    case 'ThanhToan': return { SoTien: 30000 + n, MaGiaoDich: `GD-${n}` }
    case 'DanhGia': return { DiemDanhGia: score, NoiDung: 'Nhanh' }
    case 'RutHoSo': return { LyDo: 'Nộp nhầm' }
    case 'NopBoSung': return { NoiDungBoSung: 'Bản sao', TaiLieuNop: [] }
  }
}

async function send (w: World, event: Record<string, unknown>): Promise<void> {
  const r = await w.sim.sendCallback({ url: `${w.g.url}/v1/portal/callbacks`, event: event as never, maxAttempts: 3 })
  expect(r.finalStatus === 200, `callback ${String(event.LoaiSuKien)} ${String(event.MaHoSo)} answered 200`, { status: r.finalStatus, body: r.attempts })
}

export async function runPortal (m: Model, w: World, c: PortalCmd): Promise<void> {
  switch (c.k) {
    case 'online': {
      const agency = AGENCIES[c.agency] ?? AGENCIES[0]
      const routed = c.routed && agency === AGENCIES[0]
      const receivedAt = m.wall - 4 * 24 * HOUR + m.dossiers.length * 60_000
      const { due, iso } = dueOf(m.wall, c.due)
      const r = await w.sim.submitOnline({
        url: `${w.g.url}/v1/portal/callbacks`,
        agency,
        maxAttempts: 3,
        hoSo: { MaTTHC: c.routed ? ROUTED_PROCEDURE : UNROUTED_PROCEDURE, MaXa: commune(c.commune), NgayTiepNhan: portalDate(receivedAt), NgayNopHoSo: portalDate(receivedAt), NgayHenTra: portalDate(due) }
      })
      expect(r.callback.delivered, `HoSoMoi ${r.maHoSo} accepted`, r.callback.attempts)
      m.add({
        code: r.maHoSo,
        agency,
        commune: commune(c.commune),
        procedure: c.routed ? ROUTED_PROCEDURE : UNROUTED_PROCEDURE,
        channel: 'online',
        system: 'portal',
        statsSystem: 'portal',
        origin: 'online',
        sourceId: r.maHoSo,
        summary: '',
        status: '1',
        receivedAt,
        due,
        dueIso: iso,
        state: routed ? 'delivered' : 'unrouted',
        big: false,
        onPortal: true
      }, Date.now())
      return
    }
    case 'route': {
      const d = m.pick(c.i, unrouted) as MDossier
      const r = await w.admin('POST', `/v1/admin/dossiers/${d.code}/route`, { clientId: 'hotich-model' })
      expect(r.status === 202, `${d.code}: routed by an admin`, r)
      d.state = 'delivered'
      return
    }
    case 'link': {
      const d = m.pick(c.i, linkable) as MDossier
      const doc = linkedDoc(d.n, d.commune, d.receivedAt, d.dueIso)
      const r = await w.call('POST', '/v1/inbound/civil-status', w.hotichKey, doc, { 'x-ma-ho-so': d.code })
      expect(r.status === 202 && r.json.maHoSo === d.code && r.json.linked === true, `${d.code}: linked by the sector system`, r)
      d.system = 'civil-status'
      d.summary = ''
      m.setStatus(d, '2', Date.now(), undefined)
      m.step(d)
      // The sector's copy restates the due date: unchanged, but an overdue one stays listed only while it is past.
      m.setDue(d, d.due, d.dueIso)
      return
    }
    case 'portal': {
      const d = m.pick(c.i, known) as MDossier
      const n = m.seq++
      const at = Date.now()
      const event = { MaSuKien: randomUUID(), LoaiSuKien: c.type, MaHoSo: d.code, ThoiDiem: portalDate(at), DuLieu: duLieu(c.type, c.score, n) }
      await send(w, event)
      m.sent.push(event)
      if (c.type === 'ThanhToan') d.paidOnline = true
      if (c.type === 'DanhGia') d.rating = c.score
      if (c.type === 'NopBoSung' && d.supplementOpen) {
        d.supplementOpen = false
        m.setStatus(d, '4', at - (at % 1000), at - (at % 1000))
        m.step(d)
      }
      if (c.type === 'ThanhToan') m.touch(d)
      return
    }
    case 'copy': {
      const event = m.sent[c.j % m.sent.length] as Record<string, unknown>
      await send(w, event)
      return
    }
    case 'orphan': {
      const agency = AGENCIES[c.agency] ?? AGENCIES[0]
      const code = `${agency}-250701-9${String(m.seq++).padStart(4, '0')}`
      const event = { MaSuKien: randomUUID(), LoaiSuKien: c.type, MaHoSo: code, DuLieu: duLieu(c.type, 4, 0) }
      await send(w, event)
      m.unmatched.push({ maSuKien: event.MaSuKien, code, agency, type: c.type })
      return
    }
    case 'incomplete': {
      // A signed HoSoMoi lacking a field: kept as sent on the unmatched list, no dossier made of it;
      // a copy of it is a duplicate (m.sent).
      const agency = AGENCIES[c.agency] ?? AGENCIES[0]
      const code = `${agency}-250701-8${String(m.seq++).padStart(4, '0')}`
      const { [c.drop]: _dropped, ...hoSo } = onlineHoSo(code, Date.now(), { MaTTHC: ROUTED_PROCEDURE, MaXa: commune(0) })
      const event = { MaSuKien: randomUUID(), LoaiSuKien: 'HoSoMoi', MaHoSo: code, DuLieu: hoSo }
      await send(w, event)
      m.sent.push(event)
      m.unmatched.push({ maSuKien: event.MaSuKien, code, agency, type: 'HoSoMoi' })
    }
  }
}
