/**
 * The ZNS client against the simulator's provider: every error of the contract's table to its
 * outcome, the checks made before sending, the token refresh on -124, a lost answer.
 */
import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifyZnsEvent } from '../../src/adapters/notices/zns-events.js'
import { DEV_ZNS } from '../../simulator/index.js'
import { waitFor } from '../../support/wait.js'
import { RECEIVED_DATA, RECEIVED_TEMPLATE, znsRig } from './helpers.js'

const rig = await znsRig()
t.teardown(rig.close)
const { sim, zns, store } = rig
const send = (over: Partial<Parameters<typeof zns.send>[0]> = {}): ReturnType<typeof zns.send> =>
  zns.send({ phone: '0912345678', template: RECEIVED_TEMPLATE, data: RECEIVED_DATA, trackingId: 'n-000.00.31.H42-250702-00017-received', ...over })

t.test('sent: 84… phone, declared data, tracking_id, quota read from the reply', async t => {
  const before = sim.zns.sent.length
  const r = await send()
  t.equal(r.kind, 'sent')
  if (r.kind !== 'sent') return
  t.match(r.providerId, /^[0-9a-f]{40}$/)
  t.same(r.quota, { daily: 5000, remaining: sim.zns.remainingQuota })
  const got = sim.zns.sent[before]
  t.equal(got?.phone, '84912345678')
  t.same(got?.data, RECEIVED_DATA)
  t.equal(got?.templateId, '310001')
})

t.test('a Date parameter is sent as dd/MM/yyyy in local time', async t => {
  const r = await send({ data: { ...RECEIVED_DATA, ngay_hen_tra: new Date('2025-07-04T18:30:00Z') } })
  t.equal(r.kind, 'sent')
  t.equal(sim.zns.sent.at(-1)?.data.ngay_hen_tra, '05/07/2025')
})

t.test('each error of the table to its outcome', async t => {
  const cases: Array<[number, string, Record<string, unknown>]> = [
    [-100, 'retry', { code: '-100' }],
    [-108, 'next-channel-applicant', { code: '-108' }],
    [-109, 'stop-channel-config', { scope: 'channel', then: 'hold' }],
    [-111, 'stop-channel-config', { scope: 'template', then: 'hold' }],
    [-112, 'stop-channel-config', { scope: 'template', then: 'hold' }],
    [-122, 'stop-channel-config', { scope: 'message', then: 'next-channel' }],
    [-114, 'next-channel-applicant', {}],
    [-115, 'next-channel-today', {}],
    [-118, 'next-channel-applicant', {}],
    [-201, 'retry', { counted: true }]
  ]
  for (const [code, kind, extra] of cases) {
    sim.zns.setFaults({ script: [code] })
    const r = await send()
    t.equal(r.kind, kind, `${code} → ${kind}`)
    t.match(r, extra)
  }
})

t.test('-115 passes on until local midnight', async t => {
  sim.zns.setFaults({ script: [-115] })
  const r = await send()
  if (r.kind !== 'next-channel-today') return t.fail(r.kind)
  t.ok(r.until > Date.now())
  t.equal((r.until + 7 * 3_600_000) % 86_400_000, 0, 'midnight in Asia/Ho_Chi_Minh')
})

t.test('the provider\'s own refusals: no Zalo account, blocked, quota used up', async t => {
  sim.zns.setFaults({ noZalo: ['84912345678'], blocked: ['84987654321'] })
  t.match(await send(), { kind: 'next-channel-applicant', code: '-118' })
  t.match(await send({ phone: '+84 987 654 321' }), { kind: 'next-channel-applicant', code: '-114' })
  sim.zns.setFaults({ noZalo: [], blocked: [], remainingQuota: 0 })
  t.match(await send(), { kind: 'next-channel-today', code: '-115' })
  sim.zns.setFaults({ remainingQuota: 100 })
})

t.test('refused before sending: data not as the template declares, tracking_id, phone', async t => {
  const before = sim.zns.sent.length
  const { ten_thu_tuc: _drop, ...missing } = RECEIVED_DATA
  t.match(await send({ data: missing }), { kind: 'stop-channel-config', scope: 'template' })
  t.match(await send({ data: { ...RECEIVED_DATA, extra: 'x' } }), { kind: 'stop-channel-config', scope: 'template' })
  t.match(await send({ data: { ...RECEIVED_DATA, ngay_hen_tra: '2025-07-05' } }), { kind: 'stop-channel-config', scope: 'template' })
  t.match(await send({ data: { ...RECEIVED_DATA, ten_thu_tuc: '  ' } }), { kind: 'next-channel-applicant', reason: /empty ten_thu_tuc/ })
  t.match(await send({ data: { ...RECEIVED_DATA, ten_thu_tuc: 'đ'.repeat(101) } }), { kind: 'next-channel-applicant', reason: /too-long/ })
  const long = { ...RECEIVED_TEMPLATE, text: `${'Văn bản '.repeat(48)}<ma_ho_so>` }
  t.match(await send({ template: long }), { kind: 'next-channel-applicant', reason: /rendered-too-long/ })
  t.match(await send({ trackingId: 'x'.repeat(49) }), { kind: 'stop-channel-config', scope: 'message' })
  t.match(await send({ phone: '0212345' }), { kind: 'next-channel-applicant' })
  t.equal(sim.zns.sent.length, before, 'nothing reached the provider')
})

t.test('-124: one refresh, the call repeated once, the new pair stored first', async t => {
  sim.zns.expireTokens()
  const refreshes = sim.zns.refreshes
  t.equal((await send()).kind, 'sent')
  t.equal(sim.zns.refreshes, refreshes + 1)
  const again = await rig.client.hget('lt:{zns}:token', 'generation')
  t.equal(Number(again), 2)
  // -124 again after the refresh: token-expired, not a second refresh.
  sim.zns.setFaults({ script: [-124, -124] })
  t.match(await send(), { kind: 'token-expired' })
  t.equal(sim.zns.refreshes, refreshes + 2, 'a refresh for the first -124 only')
})

t.test('-124 on a token older than the stored one uses the stored one', async t => {
  const old = await store.current()
  if (!old.ok) return t.fail('no token')
  sim.zns.expireTokens()
  const fresh = await store.refreshAfterExpired(old.token.generation)
  const refreshes = sim.zns.refreshes
  const again = await store.refreshAfterExpired(old.token.generation)
  t.ok(fresh.ok && again.ok)
  if (fresh.ok && again.ok) t.equal(again.token.accessToken, fresh.token.accessToken)
  t.equal(sim.zns.refreshes, refreshes, 'no second refresh')
})

t.test('a lost answer is sent-unconfirmed, and the provider took it', async t => {
  const before = sim.zns.sent.length
  sim.zns.setFaults({ dropAnswers: 1 })
  t.match(await send(), { kind: 'sent-unconfirmed' })
  t.equal(sim.zns.sent.length, before + 1)
})

t.test('delivery events: signed, verified, repeated; a bad signature or an old timestamp refused', async t => {
  const seen: Array<{ ok: boolean, msgId?: string }> = []
  const server = createServer((req, res) => {
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => { raw += c })
    req.on('end', () => {
      const h = req.headers['x-zevent-signature']
      const v = verifyZnsEvent(raw, typeof h === 'string' ? h : undefined, { appId: DEV_ZNS.appId, oaSecretKey: DEV_ZNS.oaSecretKey, now: Date.now() })
      seen.push(v.ok ? { ok: true, ...(v.event.msgId === undefined ? {} : { msgId: v.event.msgId }) } : { ok: false })
      res.statusCode = v.ok ? 200 : 401
      res.end()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/zns-events`
  sim.zns.setFaults({ eventsUrl: url, eventRepeat: 2, eventDelayMs: 20 })
  const r = await send()
  if (r.kind !== 'sent') return t.fail(r.kind)
  await waitFor(() => seen.length >= 2, { what: 'two copies of the event' })
  t.same(seen.slice(0, 2), [{ ok: true, msgId: r.providerId }, { ok: true, msgId: r.providerId }])
  sim.zns.setFaults({ eventsUrl: null })
  t.equal(await sim.zns.postEvent(url, 'm1', { badSignature: true }), 401)
  t.equal(await sim.zns.postEvent(url, 'm1', { timestampSkewMs: -16 * 60_000 }), 401)
  t.equal(await sim.zns.postEvent(url, 'm1', { timestampSkewMs: -14 * 60_000 }), 200)
})

t.test('-14014: ZNS stops for every process until the OA is authorised again', async t => {
  const pair = sim.zns.authorise()
  await store.authorise({ ...pair, refreshToken: 'spent-refresh-token' })
  sim.zns.expireTokens()
  t.match(await send(), { kind: 'stop-channel-config', scope: 'channel', then: 'hold', code: '-14014' })
  t.match(await store.stopped(), /-14014/)
  t.match(await send(), { kind: 'stop-channel-config', code: '-14014' }, 'stays stopped')
  await store.authorise(sim.zns.authorise())
  t.equal(await store.stopped(), undefined)
  t.equal((await send()).kind, 'sent')
})
