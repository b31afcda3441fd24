/**
 * A store made by the gateway's own flows, for the doctor's tests: sector dossiers delivered,
 * one failed by the portal, one moved through events to a final status, overdue ones marked by
 * the deadline scan, online dossiers routed and unrouted, callbacks applied and unmatched, a
 * webhook head failed for good, and one dossier waiting in the outbox through a portal outage.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RedisServer } from '../../support/redis-server.js'
import { startGateway, type InProcessGateway } from '../helpers/gateway.js'
import { civilStatus, getDossier, post } from '../../support/samples.js'
import { newKey, newWebhookSecret } from '../../support/clients-file.js'
import { waitFor } from '../../support/wait.js'
import { startSimulator, startSectorStub, type RunningSimulator, type SectorStub } from '../../simulator/index.js'
import { scanDeadlines } from '../../src/queue/deadlines.js'

export const AGENCY = '000.00.31.H42'
const SECRET = 'portal-callback-secret-for-doctor'

export interface World {
  redis: RedisServer
  sim: RunningSimulator
  stub: SectorStub
  gw: InProcessGateway
  hotichKey: string
  /** Codes by role in the scenario. */
  codes: { delivered: string[], failed: string, final: string, pending: string, online: string, unrouted: string, webhookFailed: string }
  close: () => Promise<void>
}

function isoIn (ms: number): string {
  return `${new Date(Date.now() + ms + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`
}

async function state (w: { gw: InProcessGateway }, code: string): Promise<string> {
  return (await getDossier(w.gw.url, w.gw.keys.admin, code)).json.sync?.state as string
}

export async function buildWorld (): Promise<World> {
  const redis = await RedisServer.start()
  const sim = await startSimulator({ callbackSecret: SECRET })
  const webhookSecret = newWebhookSecret()
  const stub = await startSectorStub({ secret: webhookSecret })
  const hotichKey = newKey()
  const dir = mkdtempSync(join(tmpdir(), 'lt-doctor-'))
  const routing = join(dir, 'routing.json')
  writeFileSync(routing, JSON.stringify({ routes: [{ procedure: '1.001193', system: 'civil-status' }] }))
  const gw = await startGateway({
    redisUrl: redis.url,
    portalUrl: sim.url,
    env: { PORTAL_CALLBACK_SECRET: SECRET, ROUTING_FILE: routing, WEBHOOK_RETRY_SCHEDULE_MS: '100,200', DEADLINE_SCAN_INTERVAL_MS: '3600000', DELIVERY_SWEEP_INTERVAL_MS: '1000' },
    extraClients: [{ id: 'hotich-31', key: hotichKey, system: 'civil-status', agencies: [AGENCY], webhook: { url: stub.url, secret: webhookSecret } }]
  })
  const w = { redis, sim, stub, gw }
  const intake = async (n: string, overrides: Record<string, unknown> = {}): Promise<string> => {
    const r = await post(gw.url, hotichKey, 'civil-status', civilStatus(n, overrides))
    if (r.status !== 202) throw new Error(`intake ${n}: ${r.status} ${r.text}`)
    return r.json.maHoSo as string
  }
  const event = async (code: string, body: object): Promise<void> => {
    const res = await fetch(`${gw.url}/v1/dossiers/${code}/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': hotichKey }, body: JSON.stringify(body) })
    if (res.status !== 202) throw new Error(`event on ${code}: ${res.status} ${await res.text()}`)
  }
  const callbacks = `${gw.url}/v1/portal/callbacks`

  const delivered = [await intake('DOC-1'), await intake('DOC-2'), await intake('DOC-3')]
  for (const code of delivered) await waitFor(async () => await state(w, code) === 'delivered', { what: `${code} delivered` })

  // The portal refuses this one alone: it fails for good.
  sim.setFaults({ script: [{ kind: 'error', code: '-1', message: 'Dữ liệu không hợp lệ' }] })
  const failed = await intake('DOC-4')
  await waitFor(async () => await state(w, failed) === 'failed', { what: `${failed} failed` })
  sim.setFaults({}, { replace: true })

  // Events to a final status: it leaves the deadline indexes and enters `closed`.
  const final = await intake('DOC-5')
  await event(final, { type: 'supplement-requested', at: isoIn(-4000), content: 'Bổ sung bản sao', requestedBy: 'Cán bộ một cửa' })
  await event(final, { type: 'supplement-received', at: isoIn(-3000), newDueAt: isoIn(10 * 86_400_000) })
  await event(final, { type: 'result', at: isoIn(-2000), documents: [{ name: 'Giấy chứng nhận', code: 'KQ-1', url: 'https://kq.example.vn/1' }] })
  await event(final, { type: 'status', at: isoIn(-1000), status: '10' })
  await waitFor(async () => await state(w, final) === 'delivered', { what: `${final} delivered` })

  // Online dossiers: one routed to the sector's webhook, one nobody handles.
  const online = (await sim.submitOnline({ url: callbacks, agency: AGENCY, hoSo: { MaTTHC: '1.001193', MaXa: '18754' } })).maHoSo
  const unrouted = (await sim.submitOnline({ url: callbacks, agency: AGENCY, hoSo: { MaTTHC: '2.000001', MaXa: '18754' } })).maHoSo
  await sim.sendCallback({ url: callbacks, event: { LoaiSuKien: 'DanhGia', MaHoSo: online, DuLieu: { DiemDanhGia: 5, NoiDung: 'Nhanh' } } })
  await sim.sendCallback({ url: callbacks, event: { LoaiSuKien: 'ThanhToan', MaHoSo: delivered[0] as string, DuLieu: { SoTien: 50000, MaGiaoDich: 'GD-1' } } })
  await sim.sendCallback({ url: callbacks, event: { LoaiSuKien: 'RutHoSo', MaHoSo: `${AGENCY}-250701-08888`, DuLieu: { LyDo: 'Nộp nhầm' } }, maxAttempts: 1 })
  await stub.waitFor(rs => rs.some(r => r.type === 'dossier.rated'))

  // Past due (the sample's due date is in 2025): the deadline scan marks the open ones overdue.
  await scanDeadlines(gw.app.store, gw.app.queues, 86_400_000, gw.app.log)

  // A receiver that answers 410: the head fails for good and holds the queue.
  stub.setBehaviour({ status: 410 })
  const webhookFailed = await intake('DOC-6')
  await waitFor(async () => await gw.app.redis.hexists(gw.app.store.keys.webhookFailed(AGENCY), webhookFailed) === 1, { what: `${webhookFailed}'s webhook failed` })
  stub.setBehaviour({})

  // Through a portal outage: stays pending, in the outbox.
  sim.setFaults({ outage: { status: 503 } })
  const pending = await intake('DOC-7')

  return {
    ...w,
    hotichKey,
    codes: { delivered, failed, final, pending, online, unrouted, webhookFailed },
    close: async () => {
      await gw.close()
      await stub.close()
      await sim.close()
      await redis.close()
    }
  }
}
