import t from 'tap'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { portalDate, sampleHoSo, sampleMaHoSo, signCallback, startSimulator } from '../../simulator/index.js'

const SECRET = 'test-callback-secret'

interface Received {
  headers: IncomingHttpHeaders
  raw: string
  verified: boolean
  status: number
}

/**
 * A receiver that verifies as the gateway must: HMAC over "<timestamp>.<raw body>" and a
 * timestamp within 300 s. It answers `failures` times 503 before it accepts.
 */
async function receiver (t: { teardown: (fn: () => unknown) => void }, failures = 0) {
  const calls: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      const ts = String(req.headers['x-portal-timestamp'])
      const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(`${ts}.`).update(raw).digest('hex')}`)
      const given = Buffer.from(String(req.headers['x-portal-signature']))
      const fresh = Math.abs(Date.now() / 1000 - Number(ts)) <= 300
      const verified = fresh && given.length === expected.length && timingSafeEqual(given, expected)
      const status = !verified ? 401 : calls.filter(c => c.verified).length < failures ? 503 : 204
      calls.push({ headers: req.headers, raw: raw.toString('utf8'), verified, status })
      res.writeHead(status).end()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise(resolve => server.close(resolve)))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/portal/callbacks`, calls }
}

t.test('signCallback: sha256= hex HMAC over "<timestamp>.<raw body>"', async t => {
  const body = '{"MaSuKien":"e1"}'
  const sig = signCallback('k', 1751331300, body)
  t.equal(sig, `sha256=${createHmac('sha256', 'k').update(`1751331300.${body}`).digest('hex')}`)
  t.equal(signCallback('k', '1751331300', Buffer.from(body)), sig, 'string or Buffer give the same')
  t.not(signCallback('k', 1751331301, body), sig)
  t.equal(portalDate(Date.parse('2025-07-01T01:15:00Z')), '20250701081500', 'dates in UTC+07:00')
})

t.test('POST /_sim/callbacks sends a signed callback that verifies', async t => {
  const sim = await startSimulator({ callbackSecret: SECRET })
  t.teardown(() => sim.close())
  const rx = await receiver(t)
  const event = { LoaiSuKien: 'HoSoMoi', MaHoSo: sampleMaHoSo(1), DuLieu: sampleHoSo(1, { TrangThaiHoSo: '1' }) }
  const res = await fetch(`${sim.url}/_sim/callbacks`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: rx.url, event })
  })
  t.equal(res.status, 200)
  const result = await res.json() as { delivered: boolean, MaSuKien: string, finalStatus: number, attempts: unknown[] }
  t.match(result, { delivered: true, finalStatus: 204, attempts: [{ attempt: 1, status: 204 }] })
  t.type(result.MaSuKien, 'string')
  t.equal(rx.calls.length, 1)
  const call = rx.calls[0]
  t.ok(call?.verified, 'the receiver verified the signature')
  t.match(call?.headers['content-type'], /^application\/json/)
  const sent = JSON.parse(call?.raw ?? '{}') as Record<string, unknown>
  t.match(sent, { MaSuKien: result.MaSuKien, LoaiSuKien: 'HoSoMoi', MaHoSo: sampleMaHoSo(1), DuLieu: { TrangThaiHoSo: '1' } })
  t.match(sent.ThoiDiem, /^\d{14}$/, 'ThoiDiem generated')
  t.match(sim.state.callbacks(), [{ MaSuKien: result.MaSuKien, delivered: true, attempts: 1 }])
})

t.test('retries with the same MaSuKien until a 2xx', async t => {
  const sim = await startSimulator({ callbackSecret: SECRET, callbackBackoffMs: 10 })
  t.teardown(() => sim.close())
  const rx = await receiver(t, 2)
  const result = await sim.sendCallback({
    url: rx.url, event: { MaSuKien: 'ev-42', LoaiSuKien: 'ThanhToan', MaHoSo: sampleMaHoSo(1), ThoiDiem: '20250701090000', DuLieu: { SoTien: 30000, MaGiaoDich: 'GD1' } }
  })
  t.match(result, { delivered: true, MaSuKien: 'ev-42', finalStatus: 204 })
  t.same(result.attempts.map(a => a.status), [503, 503, 204])
  t.same(rx.calls.map(c => c.verified), [true, true, true], 'every attempt is signed')
  t.same(new Set(rx.calls.map(c => c.raw)).size, 1, 'the same body each time')
  t.match(JSON.parse(rx.calls[0]?.raw ?? '{}'), { MaSuKien: 'ev-42', ThoiDiem: '20250701090000' })
})

t.test('gives up after maxAttempts; bad signature and skewed timestamp are refused', async t => {
  const sim = await startSimulator({ callbackSecret: SECRET, callbackBackoffMs: 1 })
  t.teardown(() => sim.close())
  const rx = await receiver(t, 10)
  const event = { LoaiSuKien: 'RutHoSo', MaHoSo: sampleMaHoSo(1), DuLieu: { LyDo: 'Không cần nữa' } }
  const failing = await sim.sendCallback({ url: rx.url, event, maxAttempts: 3 })
  t.match(failing, { delivered: false, finalStatus: 503 })
  t.equal(failing.attempts.length, 3)

  const rxOk = await receiver(t)
  const bad = await sim.sendCallback({ url: rxOk.url, event, maxAttempts: 1, badSignature: true })
  t.match(bad, { delivered: false, finalStatus: 401 })
  const skewed = await sim.sendCallback({ url: rxOk.url, event, maxAttempts: 1, timestampSkewSeconds: -301 })
  t.match(skewed, { delivered: false, finalStatus: 401 })
  t.equal(Number(rxOk.calls[1]?.headers['x-portal-timestamp']), skewed.attempts[0]?.timestamp)
  const within = await sim.sendCallback({ url: rxOk.url, event, maxAttempts: 1, timestampSkewSeconds: 290 })
  t.match(within, { delivered: true })

  const other = await sim.sendCallback({ url: rxOk.url, event, maxAttempts: 1, secret: 'other' })
  t.match(other, { delivered: false, finalStatus: 401 }, 'a per-call secret overrides the configured one')

  const unreachable = await sim.sendCallback({ url: 'http://127.0.0.1:1/v1/portal/callbacks', event, maxAttempts: 2 })
  t.match(unreachable, { delivered: false, finalStatus: null, attempts: [{ status: null }, { status: null }] })
  t.match(unreachable.attempts[0]?.error, /\w/)
  t.equal(sim.state.counts().callbacks, 6)
})

t.test('POST /_sim/callbacks refuses a malformed request', async t => {
  const sim = await startSimulator()
  t.teardown(() => sim.close())
  const res = await fetch(`${sim.url}/_sim/callbacks`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: 'ftp://x', event: {} })
  })
  t.equal(res.status, 400)
})
