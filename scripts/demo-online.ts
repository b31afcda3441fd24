/**
 * The demo's other half: a dossier submitted online on the portal goes portal → gateway →
 * the sector system's webhook → the sector posts it back with `X-Ma-Ho-So` → the portal gets
 * an update and a step of that same code, with no second create.
 */
import { readFileSync } from 'node:fs'
import type { RunningSimulator, SectorStub } from '../simulator/index.js'
import { waitFor } from '../support/wait.js'
import { datedToday } from './demo-dates.js'

export const DEMO_AGENCY = '000.00.31.H42'

export async function onlineRoundTrip (a: { base: string, sim: RunningSimulator, stub: SectorStub, sectorKey: string, adminKey: string }): Promise<void> {
  console.log('\n— Online dossier: portal → gateway → sector system → portal —\n')
  const sub = await a.sim.submitOnline({ url: `${a.base}/v1/portal/callbacks`, agency: DEMO_AGENCY, hoSo: { MaTTHC: '1.001193', TenTTHC: 'Đăng ký khai sinh', MaXa: '18754' } })
  console.log(`1. An applicant submits online on the portal: ${sub.maHoSo}; the portal calls back HoSoMoi (signed)\n   → ${String(sub.callback.finalStatus)} ${sub.callback.attempts.length} attempt(s)`)

  await a.stub.waitFor(r => r.some(e => (e.data as { maHoSo?: string }).maHoSo === sub.maHoSo), 30_000)
  const ev = a.stub.received.find(e => (e.data as { maHoSo?: string }).maHoSo === sub.maHoSo)
  console.log(`2. The gateway routes it (procedure 1.001193 → civil-status) and delivers a webhook to the sector system:\n   ${ev?.type ?? '?'} webhook-id=${ev?.id ?? '?'} (signature verified by the stub with standardwebhooks; ${a.stub.rejected} rejected)`)

  const doc = JSON.parse(datedToday(readFileSync('fixtures/samples/civil-status.json', 'utf8'))) as Record<string, unknown>
  doc.soBienNhan = 'HT-18754-2025-ONLINE1'
  const r = await fetch(`${a.base}/v1/inbound/civil-status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': a.sectorKey, 'x-ma-ho-so': sub.maHoSo },
    body: JSON.stringify(doc)
  })
  console.log(`3. The officer receives it in the sector program, which posts it back with X-Ma-Ho-So: ${sub.maHoSo}\n   → ${r.status} ${await r.text()}`)

  await waitFor(async () => a.sim.state.dossier(sub.maHoSo)?.stepsAccepted === 1 && (a.sim.state.dossier(sub.maHoSo)?.updates ?? 0) >= 1,
    { what: 'the update and the step on the portal', timeoutMs: 60_000, intervalMs: 100 })
  console.log('4. What the portal received for that code:')
  for (const c of a.sim.state.received({ path: '/service', maHoSo: sub.maHoSo })) {
    console.log(`   ${c.service}${c.isUpdating === undefined ? '' : ` isUpdating=${c.isUpdating}`} → error_code ${c.errorCode ?? '-'}`)
  }
  const p = a.sim.state.dossier(sub.maHoSo)
  console.log(`   ${sub.maHoSo}: creates=${p?.creates ?? '?'} updates=${p?.updates ?? '?'} steps=${p?.stepsAccepted ?? '?'} status ${p?.currentStatus ?? '?'} (no second create)`)

  await a.sim.sendCallback({ url: `${a.base}/v1/portal/callbacks`, event: { LoaiSuKien: 'ThanhToan', MaHoSo: sub.maHoSo, DuLieu: { SoTien: 8000, MaGiaoDich: 'DEMO-GD-1', NganHang: 'VCB' } } })
  await a.stub.waitFor(rs => rs.some(e => e.type === 'dossier.payment-received'), 30_000)
  const paid = a.stub.received.find(e => e.type === 'dossier.payment-received')
  console.log(`5. The applicant pays the fee online; the portal calls back ThanhToan; the sector system hears:\n   ${paid?.type ?? '?'} ${JSON.stringify((paid?.data as { payment?: unknown }).payment)} for its dossier ${String((paid?.data as { sourceId?: string }).sourceId)}`)
}
