/**
 * Portal → gateway: signed callbacks, online dossiers routed to the sector system's webhook,
 * and the sector's link back to the portal's code.
 */
import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHmac } from 'node:crypto'
import { Redis } from 'ioredis'
import { startGateway, type InProcessGateway } from '../helpers/gateway.js'
import { useStack } from '../helpers/fixture.js'
import { civilStatus, getDossier, post } from '../../support/samples.js'
import { newKey, newWebhookSecret } from '../../support/clients-file.js'
import { waitFor } from '../../support/wait.js'
import { scanDeadlines } from '../../src/queue/deadlines.js'
import { onlineHoSo } from '../../simulator/online.js'

const AGENCY = '000.00.31.H42'
const SECRET = 'portal-callback-secret-for-tests'
const hotichKey = newKey()
const webhookSecret = newWebhookSecret()
const routing = join(mkdtempSync(join(tmpdir(), 'lt-routing-')), 'routing.json')
writeFileSync(routing, JSON.stringify({ routes: [{ procedure: '1.001193', system: 'civil-status' }, { procedure: '1.004227*', system: 'land' }] }))
const { redis, sim, stub, gw, gw2 } = useStack(t, {
  simulator: { callbackSecret: SECRET },
  stub: { secret: webhookSecret },
  env: {
    PORTAL_CALLBACK_SECRET: SECRET,
    ROUTING_FILE: routing,
    WEBHOOK_RETRY_SCHEDULE_MS: '100,200,300,400,500,600',
    WEBHOOK_TIMEOUT_MS: '1000',
    DELIVERY_SWEEP_INTERVAL_MS: '1000'
  },
  extraClients: ({ stub }) => [{ id: 'hotich-31', key: hotichKey, system: 'civil-status', agencies: [AGENCY], webhook: { url: stub.url, secret: webhookSecret } }],
  second: true
})
t.beforeEach(() => { stub.setBehaviour({}) })

const callbacks = (g: InProcessGateway = gw): string => `${g.url}/v1/portal/callbacks`

async function admin (path: string, init: RequestInit = {}): Promise<{ status: number, json: any }> {
  const res = await fetch(`${gw.url}${path}`, { ...init, headers: { 'x-api-key': gw.keys.admin, 'content-type': 'application/json', ...init.headers } })
  return { status: res.status, json: await res.json() }
}

/** An online dossier submitted on the portal, announced to the gateway; its code. */
async function online (hoSo: Record<string, unknown> = {}): Promise<string> {
  const r = await sim.submitOnline({ url: callbacks(), agency: AGENCY, hoSo: { MaTTHC: '1.001193', MaXa: '18754', ...hoSo } })
  t.ok(r.callback.delivered, `HoSoMoi accepted (${String(r.callback.finalStatus)})`)
  return r.maHoSo
}

function eventsFor (code: string): Array<{ id: string, type: string, data: any }> {
  return stub.received.filter(r => (r.data as { maHoSo?: string }).maHoSo === code) as never
}

/** Standard Webhooks, checked by hand from the specification (not by the library that signed). */
function verifyBySpec (secret: string, id: string, ts: number, body: string, header: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')
  return header.split(' ').some(s => s === `v1,${expected}`)
}

t.test('unsigned, forged and stale callbacks are refused with 401, change nothing and are counted', async t => {
  const before = await (await fetch(`${gw.url}/metrics`)).text()
  const unsigned = await fetch(callbacks(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"MaSuKien":"x"}' })
  t.equal(unsigned.status, 401)
  t.equal(((await unsigned.json()) as { code: string }).code, 'CALLBACK_UNSIGNED')
  const event = { MaSuKien: 'forged-1', LoaiSuKien: 'DanhGia', MaHoSo: `${AGENCY}-250701-09999`, DuLieu: { DiemDanhGia: 5 } }
  const forged = await sim.sendCallback({ url: callbacks(), event, badSignature: true, maxAttempts: 1 })
  t.equal(forged.finalStatus, 401)
  const stale = await sim.sendCallback({ url: callbacks(), event, timestampSkewSeconds: -301, maxAttempts: 1 })
  t.equal(stale.finalStatus, 401)
  const metrics = await (await fetch(`${gw.url}/metrics`)).text()
  for (const reason of ['unsigned', 'bad-signature', 'stale']) {
    const count = (text: string): number => Number(new RegExp(`lienthong_portal_callbacks_refused_total\\{reason="${reason}"\\} (\\d+)`).exec(text)?.[1] ?? 0)
    t.equal(count(metrics), count(before) + 1, `${reason} counted`)
  }
  const c = new Redis(redis.url)
  t.same(await c.keys('*forged-1*'), [], 'no event was recorded')
  t.same(await c.keys('*unm*'), [], 'nothing was kept')
  c.disconnect()
})

t.test('a malformed callback body is a 400 naming the field, after the signature check', async t => {
  const r = await sim.sendCallback({ url: callbacks(), event: { LoaiSuKien: 'DanhGia', MaHoSo: `${AGENCY}-250701-09998`, DuLieu: { DiemDanhGia: 7 } }, maxAttempts: 1 })
  t.equal(r.finalStatus, 400)
  const res = await fetch(callbacks(), { method: 'POST', body: r.body, headers: { 'x-portal-timestamp': String(Math.floor(Date.now() / 1000)), 'x-portal-signature': sign(r.body) } })
  const body = await res.json() as { code: string, field: string }
  t.equal(body.code, 'INVALID_CALLBACK')
  t.equal(body.field, 'DuLieu.DiemDanhGia')
})

function sign (body: string, ts = Math.floor(Date.now() / 1000)): string {
  return `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`
}

t.test('a HoSoMoi reaches the routed client\'s webhook, signed so that any Standard Webhooks verifier accepts it', async t => {
  const code = await online()
  await stub.waitFor(() => eventsFor(code).length === 1)
  const [ev] = eventsFor(code)
  t.equal(ev?.type, 'dossier.submitted-online')
  t.equal(ev?.data.maHoSo, code)
  t.equal(ev?.data.system, 'civil-status')
  t.equal(ev?.data.dossier.maHoSo, code)
  t.equal(ev?.data.dossier.channel, 'online')
  t.equal(ev?.data.hoSo.MaHoSo, code, 'the portal\'s HoSo as received')
  const raw = stub.received.find(r => r.id === ev?.id)
  t.ok(raw !== undefined && verifyBySpec(webhookSecret, raw.id, raw.timestamp, raw.body, raw.signature), 'verifies by the specification')
  const d = await getDossier(gw.url, gw.keys.admin, code)
  t.equal(d.json.sync.state, 'delivered')
  t.equal(d.json.origin, 'online')
  t.equal(d.json.routing.client, 'hotich-31')
  t.equal(sim.state.dossier(code)?.creates, 0, 'the gateway sent no create')
})

t.test('an unroutable HoSoMoi is visible as unrouted with its reason, and an admin can route it', async t => {
  const code = await online({ MaTTHC: '2.000001' })
  const list = await admin('/v1/admin/dossiers?state=unrouted')
  const item = list.json.items.find((i: { maHoSo: string }) => i.maHoSo === code)
  t.equal(item?.state, 'unrouted')
  t.equal(item?.routing.reason.code, 'NO_ROUTE')
  t.equal(eventsFor(code).length, 0)
  const r = await admin(`/v1/admin/dossiers/${code}/route`, { method: 'POST', body: JSON.stringify({ clientId: 'hotich-31' }) })
  t.equal(r.status, 202)
  await stub.waitFor(() => eventsFor(code).length === 1)
  t.equal(eventsFor(code)[0]?.type, 'dossier.submitted-online')
  const again = await admin(`/v1/admin/dossiers/${code}/route`, { method: 'POST', body: JSON.stringify({ clientId: 'hotich-31' }) })
  t.equal(again.status, 409)
  t.equal(again.json.code, 'NOT_UNROUTED')
})

t.test('a replayed callback takes effect once, also when it arrives at two gateways at the same moment', async t => {
  const code = await online()
  await stub.waitFor(() => eventsFor(code).length === 1)
  const event = { MaSuKien: `pay-${code}`, LoaiSuKien: 'ThanhToan', MaHoSo: code, DuLieu: { SoTien: 50000, MaGiaoDich: 'GD-001', NganHang: 'VCB' } }
  const replies = await Promise.all(Array.from({ length: 10 }, async (_, i) => await sim.sendCallback({ url: callbacks(i % 2 === 0 ? gw : gw2), event, maxAttempts: 3 })))
  t.ok(replies.every(r => r.finalStatus === 200), 'every copy is answered 2xx')
  await stub.waitFor(() => eventsFor(code).length >= 2)
  // Later copies, as the portal would send after a lost answer.
  await sim.sendCallback({ url: callbacks(gw2), event, maxAttempts: 1 })
  const d = await getDossier(gw.url, gw.keys.admin, code)
  t.equal(d.json.history.filter((h: { maSuKien?: string }) => h.maSuKien === event.MaSuKien).length, 1, 'one history line')
  t.equal(d.json.portal.payment.transactionId, 'GD-001')
  t.equal(d.json.dossier.paidOnline, true, 'the fee is marked paid online')
  const payments = eventsFor(code).filter(e => e.type === 'dossier.payment-received')
  t.equal(payments.length, 1, 'one webhook event')
  t.same(payments[0]?.data.payment, { amount: 50000, transactionId: 'GD-001', bank: 'VCB' })
  const c = new Redis(redis.url)
  const ttl = await c.pttl(`lt:{${AGENCY}}:evt:${event.MaSuKien}`)
  t.ok(ttl > 179 * 86_400_000, 'the event id is remembered for the retention period, so a copy days later has no effect either')
  c.disconnect()
})

t.test('the sector posts the dossier back with X-Ma-Ho-So: one dossier on the portal, updated, with its steps in order', async t => {
  const code = await online()
  await stub.waitFor(() => eventsFor(code).length === 1)
  const doc = civilStatus('ONL-1')
  const linked = await postLinked(doc, code)
  t.equal(linked.status, 202, linked.text)
  t.equal(linked.json.maHoSo, code, 'the portal\'s code, never a new one')
  t.equal(linked.json.linked, true)
  for (const s of ['DANG_XU_LY', 'DA_CO_KET_QUA']) t.equal((await post(gw.url, hotichKey, 'civil-status', { ...doc, trangThai: s })).json.maHoSo, code)
  await waitFor(async () => (await getDossier(gw.url, gw.keys.admin, code)).json.sync.state === 'delivered' && sim.state.dossier(code)?.currentStatus === '9',
    { what: 'the steps on the portal' })
  const p = sim.state.dossier(code)
  t.equal(p?.creates, 0, 'no create')
  t.equal(p?.duplicateCreates, 0, 'no second create refused as existing')
  t.ok((p?.updates ?? 0) >= 1, 'updated')
  t.same(p?.steps.map(s => s.tienDo.TrangThai), ['2', '4', '9'], 'steps in the order they happened')
  t.equal(p?.hoSo.KenhThucHien, '2', 'still an online dossier on the portal')
  const again = await postLinked(doc, code)
  t.equal(again.status, 202, 'linking again is idempotent')
  t.notOk(again.json.linked)

  const other = await postLinked(civilStatus('ONL-2'), code)
  t.equal(other.status, 409)
  t.equal(other.json.code, 'MA_HO_SO_ALREADY_LINKED')
  t.equal(other.json.field, 'X-Ma-Ho-So')
  const unknown = await postLinked(civilStatus('ONL-3'), `${AGENCY}-250701-77777`)
  t.equal(unknown.json.code, 'UNKNOWN_MA_HO_SO')
  const elsewhere = await postLinked(civilStatus('ONL-4'), '000.00.12.H42-250701-50001')
  t.equal(elsewhere.json.code, 'MA_HO_SO_OTHER_AGENCY')
  for (const n of ['ONL-2', 'ONL-3', 'ONL-4']) {
    const c = new Redis(redis.url)
    t.equal(await c.exists(`lt:{${AGENCY}}:d:civil-status:HT-18754-2025-000${n}`), 0, `refused ${n} wrote nothing`)
    c.disconnect()
  }

  // The portal's later events reach the sector with the sector's own number.
  await sim.sendCallback({ url: callbacks(), event: { LoaiSuKien: 'DanhGia', MaHoSo: code, DuLieu: { DiemDanhGia: 5, NoiDung: 'Nhanh' } } })
  await stub.waitFor(() => eventsFor(code).some(e => e.type === 'dossier.rated'))
  const rated = eventsFor(code).find(e => e.type === 'dossier.rated')
  t.equal(rated?.data.sourceId, doc.soBienNhan)
  t.same(rated?.data.rating, { score: 5, comment: 'Nhanh' })
})

t.test('a callback after its code was linked reaches the sector\'s record, though this process last saw the code elsewhere', async t => {
  const code = await online()
  await stub.waitFor(() => eventsFor(code).length === 1)
  // This process now remembers the code under the portal's reference; linking moves the record.
  await sim.sendCallback({ url: callbacks(), event: { LoaiSuKien: 'DanhGia', MaHoSo: code, DuLieu: { DiemDanhGia: 3 } } })
  await stub.waitFor(() => eventsFor(code).some(e => e.type === 'dossier.rated'))
  const doc = civilStatus('ONL-MOVED')
  t.equal((await postLinked(doc, code)).status, 202)
  await sim.sendCallback({ url: callbacks(), event: { LoaiSuKien: 'DanhGia', MaHoSo: code, DuLieu: { DiemDanhGia: 5 } } })
  await stub.waitFor(() => eventsFor(code).filter(e => e.type === 'dossier.rated').length === 2)
  const rated = eventsFor(code).filter(e => e.type === 'dossier.rated')
  t.equal(rated[1]?.data.sourceId, doc.soBienNhan, 'sent with the sector\'s own number')
  t.same(rated[1]?.data.rating, { score: 5 })
})

async function postLinked (doc: object, code: string): Promise<{ status: number, json: any, text: string }> {
  const res = await fetch(`${gw.url}/v1/inbound/civil-status`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': hotichKey, 'x-ma-ho-so': code }, body: JSON.stringify(doc)
  })
  const text = await res.text()
  return { status: res.status, json: JSON.parse(text), text }
}

t.test('a callback for a dossier nobody here knows is accepted, kept and shown to admins', async t => {
  const code = `${AGENCY}-250701-08888`
  const r = await sim.sendCallback({ url: callbacks(), event: { MaSuKien: 'orphan-1', LoaiSuKien: 'RutHoSo', MaHoSo: code, DuLieu: { LyDo: 'Nộp nhầm' } }, maxAttempts: 1 })
  t.equal(r.finalStatus, 200)
  const list = await admin('/v1/admin/callbacks/unmatched')
  const item = list.json.items.find((i: { maSuKien: string }) => i.maSuKien === 'orphan-1')
  t.equal(item?.reason, 'UNKNOWN_DOSSIER')
  t.equal(item?.body, r.body, 'kept exactly as sent')
})

t.test('a signed HoSoMoi that lacks a field is kept as sent for admins and answered 2xx, once', async t => {
  const code = `${AGENCY}-250701-06666`
  const { ChuHoSo: _dropped, ...hoSo } = onlineHoSo(code, Date.now(), { MaTTHC: '1.001193', MaXa: '18754' })
  const event = { MaSuKien: 'incomplete-1', LoaiSuKien: 'HoSoMoi', MaHoSo: code, DuLieu: hoSo }
  const r = await sim.sendCallback({ url: callbacks(), event, maxAttempts: 1 })
  t.equal(r.finalStatus, 200, 'answered 2xx: the portal stops resending')
  const copy = await sim.sendCallback({ url: callbacks(gw2), event, maxAttempts: 1 })
  t.equal(copy.finalStatus, 200)
  const list = await admin('/v1/admin/callbacks/unmatched')
  const kept = list.json.items.filter((i: { maSuKien: string }) => i.maSuKien === 'incomplete-1')
  t.equal(kept.length, 1, 'kept once')
  t.equal(kept[0]?.reason, 'INCOMPLETE_DOSSIER')
  t.equal(kept[0]?.maHoSo, code)
  t.equal(kept[0]?.body, r.body, 'kept exactly as sent')
  t.same(kept[0]?.issues, [{ field: 'DuLieu.ChuHoSo', code: 'REQUIRED' }], 'the field at fault, without its value')
  t.equal((await getDossier(gw.url, gw.keys.admin, code)).status, 404, 'no dossier was made of it')
  t.equal(eventsFor(code).length, 0, 'nothing forwarded')
  const res = await fetch(callbacks(), { method: 'POST', body: r.body, headers: { 'x-portal-timestamp': String(Math.floor(Date.now() / 1000)), 'x-portal-signature': sign(r.body) } })
  t.same(await res.json(), { maSuKien: 'incomplete-1', maHoSo: code, result: 'duplicate' })
})

t.test('webhook delivery survives the receiver being down for a while and keeps each dossier\'s order', async t => {
  stub.setBehaviour({ status: 503, times: 4, retryAfterSeconds: 0 })
  const codes = [await online(), await online()]
  for (const code of codes) {
    await sim.sendCallback({ url: callbacks(), event: { LoaiSuKien: 'NopBoSung', MaHoSo: code, DuLieu: { NoiDungBoSung: 'Bản sao', TaiLieuNop: [] } } })
    await sim.sendCallback({ url: callbacks(), event: { LoaiSuKien: 'RutHoSo', MaHoSo: code, DuLieu: { LyDo: 'Đổi ý' } } })
  }
  for (const code of codes) {
    await stub.waitFor(() => eventsFor(code).length >= 3, 30_000)
    t.same(eventsFor(code).map(e => e.type), ['dossier.submitted-online', 'dossier.supplement-received', 'dossier.withdrawal-requested'], `${code} in order`)
  }
})

t.test('a receiver that answers 410 fails the event at once; a failing receiver shows in /health/ready', async t => {
  stub.setBehaviour({ status: 410 })
  const code = await online()
  await waitFor(async () => (await getDossier(gw.url, gw.keys.admin, code)).json.webhooks.failed !== undefined, { what: 'the event failed' })
  const d = await getDossier(gw.url, gw.keys.admin, code)
  t.equal(d.json.webhooks.failed.code, 'RECEIVER_GONE')
  t.equal(d.json.webhooks.failed.attempts, 1)
  const failed = await admin('/v1/admin/webhooks/failed')
  t.ok(failed.json.items.some((i: { maHoSo: string }) => i.maHoSo === code))
  stub.setBehaviour({ status: 500 })
  await online()
  await online()
  await waitFor(async () => {
    const h = await (await fetch(`${gw.url}/health/ready`)).json() as { webhookReceiversFailing?: Array<{ client: string }> }
    return h.webhookReceiversFailing?.some(f => f.client === 'hotich-31') === true
  }, { what: 'the receiver shown as failing' })
  stub.setBehaviour({})
})

t.test('a sector client with a webhook hears when its dossier is first on the portal', async t => {
  const doc = civilStatus('DLV-1')
  const r = await post(gw.url, hotichKey, 'civil-status', doc)
  t.equal(r.status, 202)
  await stub.waitFor(() => eventsFor(r.json.maHoSo).some(e => e.type === 'dossier.delivered'))
  const ev = eventsFor(r.json.maHoSo).find(e => e.type === 'dossier.delivered')
  t.equal(ev?.data.sourceId, doc.soBienNhan)
  t.equal(ev?.data.system, 'civil-status')
})

t.test('without PORTAL_CALLBACK_SECRET the route answers 503 and says why', async t => {
  const g = await startGateway({ redisUrl: redis.url, portalUrl: sim.url, env: { ROLE: 'api' } })
  try {
    const r = await sim.sendCallback({ url: callbacks(g), event: { LoaiSuKien: 'DanhGia', MaHoSo: `${AGENCY}-250701-09997`, DuLieu: { DiemDanhGia: 4 } }, maxAttempts: 1 })
    t.equal(r.finalStatus, 503)
    const res = await fetch(callbacks(g), { method: 'POST', body: '{}' })
    const body = await res.json() as { code: string, message: { en: string } }
    t.equal(body.code, 'CALLBACKS_NOT_CONFIGURED')
    t.match(body.message.en, /PORTAL_CALLBACK_SECRET/)
  } finally {
    await g.close()
  }
})

t.test('a receiver that never answers times out and is retried; the worker is not held', async t => {
  stub.setBehaviour({ hang: true, times: 2 })
  const code = await online()
  await sim.sendCallback({ url: callbacks(), event: { LoaiSuKien: 'DanhGia', MaHoSo: code, DuLieu: { DiemDanhGia: 3 } } })
  await stub.waitFor(() => eventsFor(code).length >= 2, 30_000)
  t.same(eventsFor(code).map(e => e.type), ['dossier.submitted-online', 'dossier.rated'])
})

/** Every set and sorted set of the agency that still names `ref`. */
async function indexesNaming (c: Redis, ref: string): Promise<string[]> {
  const out: string[] = []
  for (const k of await c.keys(`lt:{${AGENCY}}:*`)) {
    const type = await c.type(k)
    if (type === 'zset' && await c.zscore(k, ref) !== null) out.push(k)
    if (type === 'set' && await c.sismember(k, ref) === 1) out.push(k)
  }
  return out
}

t.test('linking an overdue online dossier keeps it on the overdue list: every index moves with the record', async t => {
  const code = await online({ NgayNopHoSo: '20250701080000', NgayTiepNhan: '20250701080000', NgayHenTra: '20250702235959' })
  // No due-soon window: only what is past its date changes (and it is this test's dossier and ONL-1).
  await scanDeadlines(gw.app.store, gw.app.queues, 0, gw.app.log)
  const overdue = async (): Promise<Array<{ maHoSo: string, sourceId: string }>> => {
    const r = await admin('/v1/dossiers?overdue=true&limit=500')
    t.equal(r.status, 200)
    return r.json.items.filter((i: { maHoSo: string }) => i.maHoSo === code)
  }
  t.equal((await overdue()).length, 1, 'overdue before the link')
  const c = new Redis(redis.url)
  t.teardown(() => { c.disconnect() })
  t.ok((await indexesNaming(c, `portal:${code}`)).length > 0, 'indexed under the portal reference before the link')
  const doc = civilStatus('ONL-OVERDUE')
  const linked = await postLinked(doc, code)
  t.equal(linked.status, 202, linked.text)
  const after = await overdue()
  t.equal(after.length, 1, 'still overdue after the link, listed once')
  t.equal(after[0]?.sourceId, doc.soBienNhan, 'under the sector\'s number')
  t.same(await indexesNaming(c, `portal:${code}`), [], 'no index names the old reference')
  const sector = `civil-status:${doc.soBienNhan}`
  t.ok((await indexesNaming(c, sector)).includes(`lt:{${AGENCY}}:overdue`), 'the overdue index names the sector reference')
  t.equal(await c.zscore(`lt:{${AGENCY}}:overdue`, sector), String(Date.parse('2025-07-02T23:59:59+07:00')), 'at the due date it missed')
})

t.test('no name, citizen ID, phone or e-mail of the online dossiers or the callbacks reaches the log', async t => {
  const pii = ['Nguyễn Văn An', '042186001234', '0912345678', 'an.nguyen@example.vn', 'Trần Văn Bình', '042090004321', 'binh.tv@example.vn', 'Nộp nhầm', 'Đổi ý']
  // The log is written asynchronously: wait for the last test's lines.
  await waitFor(() => gw.logs().includes('webhook delivered'), { what: 'the log' })
  const logs = gw.logs() + gw2.logs()
  t.ok(logs.includes('portal callback'), 'callbacks were logged')
  for (const s of pii) t.notOk(logs.includes(s), `${s.slice(0, 3)}… not in the log`)
})
