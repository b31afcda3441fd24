import t, { type Test } from 'tap'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  FIRST_ONLINE_SEQ, InvalidDossierError, PortalClient, portalDate, sampleHoSo, startSimulator, type OnlineResult
} from '../../simulator/index.js'

const SECRET = 'test-callback-secret'
const AGENCY = '000.00.12.H42'

/** The gateway's callback endpoint as the contract has it: signature over "<timestamp>.<raw body>", ±300 s. */
async function receiver (t: Test) {
  const calls: Array<{ verified: boolean, body: Record<string, unknown> }> = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      const ts = String(req.headers['x-portal-timestamp'])
      const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(`${ts}.`).update(raw).digest('hex')}`)
      const given = Buffer.from(String(req.headers['x-portal-signature']))
      const verified = Math.abs(Date.now() / 1000 - Number(ts)) <= 300 && given.length === expected.length && timingSafeEqual(given, expected)
      calls.push({ verified, body: JSON.parse(raw.toString('utf8')) as Record<string, unknown> })
      res.writeHead(verified ? 204 : 401).end()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise(resolve => server.close(resolve)))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/portal/callbacks`, calls }
}

t.test('submitOnline: the dossier exists on the portal and its HoSoMoi callback arrives signed', async t => {
  const sim = await startSimulator({ callbackSecret: SECRET })
  t.teardown(() => sim.close())
  const rx = await receiver(t)
  const before = portalDate(Date.now()).slice(2, 8)
  const res = await sim.submitOnline({ url: rx.url, agency: AGENCY, hoSo: { MaTTHC: '1.000656', MaXa: '00007' }, maSuKien: 'ev-online-1' })
  const day = portalDate(Date.now()).slice(2, 8)

  t.equal(FIRST_ONLINE_SEQ, 50001)
  t.ok(res.maHoSo === `${AGENCY}-${day}-50001` || res.maHoSo === `${AGENCY}-${before}-50001`, `code ${res.maHoSo}: agency, today in UTC+07:00, 50001`)
  t.match(res.hoSo, { MaHoSo: res.maHoSo, MaTTHC: '1.000656', MaXa: '00007', KenhThucHien: '2', TrangThaiHoSo: '1' })
  t.match(res.hoSo.NgayNopHoSo, /^\d{14}$/)
  t.match(res.callback, { delivered: true, MaSuKien: 'ev-online-1', finalStatus: 204 })

  t.equal(rx.calls.length, 1)
  t.ok(rx.calls[0]?.verified, 'X-Portal-Signature verifies')
  t.match(rx.calls[0]?.body, { MaSuKien: 'ev-online-1', LoaiSuKien: 'HoSoMoi', MaHoSo: res.maHoSo })
  t.same(rx.calls[0]?.body.DuLieu, res.hoSo, 'DuLieu is the whole HoSo as stored')

  t.match(sim.state.dossier(res.maHoSo), { madonvi: AGENCY, creates: 0, updates: 0, duplicateCreates: 0, currentStatus: '1', stepsAccepted: 0 })
  t.same(sim.state.dossier(res.maHoSo)?.hoSo, res.hoSo)
  t.match(sim.state.counts(), { dossiers: 1, creates: 0, updates: 0, callbacks: 1 })
  t.match(sim.state.callbacks(), [{ MaSuKien: 'ev-online-1', LoaiSuKien: 'HoSoMoi', MaHoSo: res.maHoSo, delivered: true }])

  // What the gateway may do with it afterwards.
  const portal = new PortalClient(sim.url)
  await portal.login()
  t.match(await portal.lookup(res.maHoSo), { error_code: '0', result: { MaHoSo: res.maHoSo, KenhThucHien: '2' } })
  const create = await portal.create([{ ...res.hoSo, TrangThaiHoSo: '2' }])
  t.equal(create.error_code, '-3', 'a create of the online dossier is a duplicate')
  t.match(create.message, /đã tồn tại/)
  t.match(sim.state.dossier(res.maHoSo), { creates: 0, updates: 0, duplicateCreates: 1, currentStatus: '1' })
  t.equal((await portal.update([{ ...res.hoSo, TrangThaiHoSo: '2' }])).error_code, '0', 'an update is accepted')
  t.match(sim.state.dossier(res.maHoSo), { creates: 0, updates: 1, currentStatus: '2' })
  t.match(sim.state.counts(), { creates: 0, updates: 1, duplicates: 1 })
})

t.test('codes: the portal sequence skips codes already there, and starts again after reset', async t => {
  const sim = await startSimulator({ callbackSecret: SECRET, now: () => Date.parse('2025-06-30T18:30:00Z') })
  t.teardown(() => sim.close())
  // 18:30 UTC is 01:30 the next day in Hà Nội.
  const taken = `${AGENCY}-250701-50002`
  const portal = new PortalClient(sim.url)
  await portal.login()
  t.equal((await portal.create([sampleHoSo(1, { MaHoSo: taken })])).error_code, '0')

  const a = sim.state.submitOnline(AGENCY)
  const b = sim.state.submitOnline(AGENCY, { MaHoSo: 'ignored', KenhThucHien: '1', TrangThaiHoSo: '4' })
  const c = sim.state.submitOnline('000.00.13.H42')
  t.same([a.MaHoSo, b.MaHoSo, c.MaHoSo], [`${AGENCY}-250701-50001`, `${AGENCY}-250701-50003`, '000.00.13.H42-250701-50004'])
  t.match(b, { KenhThucHien: '2', TrangThaiHoSo: '1' }, 'the portal\'s own fields win over overrides')
  t.match(a, { NgayNopHoSo: '20250701013000', NgayTiepNhan: '20250701013000', NgayHenTra: '20250704013000' })
  t.equal(sim.state.dossier(taken)?.creates, 1, 'the gateway\'s dossier is untouched')

  sim.reset()
  t.equal(sim.state.submitOnline(AGENCY).MaHoSo, `${AGENCY}-250701-50001`)
})

t.test('an invalid online dossier is refused and stores nothing', async t => {
  const sim = await startSimulator({ callbackSecret: SECRET })
  t.teardown(() => sim.close())
  t.throws(() => sim.state.submitOnline(AGENCY, { MaXa: '7' }), new InvalidDossierError('Dữ liệu không hợp lệ: hoSo.MaXa phải có dạng 5 chữ số'))
  t.throws(() => sim.state.submitOnline(AGENCY, { Email: null }), InvalidDossierError)
  t.throws(() => sim.state.submitOnline('bad agency!'), /agency/)
  t.equal(sim.state.counts().dossiers, 0)
  t.match(sim.state.submitOnline(AGENCY).MaHoSo, /-50001$/, 'refused dossiers used up no code')
})

t.test('POST /_sim/online does the same over HTTP', async t => {
  const sim = await startSimulator({ callbackSecret: SECRET })
  t.teardown(() => sim.close())
  const rx = await receiver(t)
  const post = (body: unknown): Promise<Response> =>
    fetch(`${sim.url}/_sim/online`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

  const res = await post({ url: rx.url, agency: AGENCY, hoSo: { MaTTHC: '1.001193', MaXa: '00004' } })
  t.equal(res.status, 200)
  const out = await res.json() as OnlineResult
  t.match(out, { maHoSo: new RegExp(`^${AGENCY.replaceAll('.', '\\.')}-\\d{6}-50001$`), hoSo: { KenhThucHien: '2' }, callback: { delivered: true } })
  t.type(out.callback.MaSuKien, 'string')
  t.ok(sim.state.has(out.maHoSo))
  t.match(rx.calls, [{ verified: true, body: { LoaiSuKien: 'HoSoMoi', MaHoSo: out.maHoSo } }])

  t.equal((await post({ url: rx.url, agency: 'x y' })).status, 400, 'agency checked by the schema')
  const bad = await post({ url: rx.url, agency: AGENCY, hoSo: { LoaiDoiTuong: '9' } })
  t.equal(bad.status, 400)
  t.match(await bad.json(), { message: /LoaiDoiTuong/ })
  t.equal(rx.calls.length, 1, 'no callback for a refused dossier')
})

t.test('a callback that is never accepted still leaves the dossier on the portal', async t => {
  const sim = await startSimulator({ callbackSecret: 'another-secret', callbackBackoffMs: 1 })
  t.teardown(() => sim.close())
  const rx = await receiver(t)
  const res = await sim.submitOnline({ url: rx.url, agency: AGENCY, maxAttempts: 2 })
  t.match(res.callback, { delivered: false, finalStatus: 401 })
  t.equal(rx.calls.length, 2, 'retried')
  t.ok(sim.state.has(res.maHoSo), 'it was submitted on the portal all the same')
})
