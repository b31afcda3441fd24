import t, { type Test } from 'tap'
import { randomBytes } from 'node:crypto'
import { WebhookSender, type WebhookRequest } from '../../src/adapters/webhooks/webhook-sender.js'
import { startSectorStub, type SectorStub, type StubBehaviour } from '../../simulator/index.js'

const SECRET = `whsec_${randomBytes(32).toString('base64')}`

async function stub (t: Test, opts: { secret?: string, path?: string, verify?: boolean } = {}): Promise<SectorStub> {
  const s = await startSectorStub({ secret: SECRET, ...opts })
  t.teardown(() => s.close())
  return s
}

function sender (t: Test, timeoutMs = 2000): WebhookSender {
  const s = new WebhookSender({ timeoutMs })
  t.teardown(() => s.close())
  return s
}

let n = 0
function delivery (url: string, over: Partial<WebhookRequest> = {}): WebhookRequest {
  n++
  const body = JSON.stringify({ type: 'dossier.delivered', timestamp: new Date().toISOString(), data: { maHoSo: `000.00.12.H42-250701-${String(n).padStart(5, '0')}`, n } })
  return { url, secret: SECRET, id: `msg_${n}`, timestamp: new Date(), body, ...over }
}

t.test('a verified delivery is recorded and answered 204', async t => {
  const s = await stub(t)
  t.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/webhooks$/)
  const req = delivery(s.url)
  const before = Date.now()
  const r = await sender(t).send(req)
  t.match(r, { outcome: 'delivered', status: 204 })
  t.equal(s.received.length, 1)
  const got = s.received[0]
  t.match(got, { id: req.id, timestamp: Math.floor(req.timestamp.getTime() / 1000), type: 'dossier.delivered', body: req.body })
  t.same(got?.data, (JSON.parse(req.body) as { data: unknown }).data)
  t.ok((got?.at ?? 0) >= before)
  t.equal(s.rejected, 0)
})

t.test('a bad signature or a stale timestamp: 401, counted, not recorded', async t => {
  const s = await stub(t)
  const send = sender(t)
  const other = `whsec_${randomBytes(32).toString('base64')}`
  t.match(await send.send(delivery(s.url, { secret: other })), { outcome: 'retry', status: 401 })
  t.match(await send.send(delivery(s.url, { timestamp: new Date(Date.now() - 10 * 60_000) })), { outcome: 'retry', status: 401 })
  t.equal(s.rejected, 2)
  t.equal(s.received.length, 0)
  const raw = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"x"}' })
  t.equal(raw.status, 401, 'no signature headers')
  t.equal(s.rejected, 3)
})

t.test('verify: false accepts what it gets', async t => {
  const s = await stub(t, { verify: false })
  const r = await sender(t).send(delivery(s.url, { secret: `whsec_${randomBytes(32).toString('base64')}` }))
  t.equal(r.outcome, 'delivered')
  t.equal(s.received.length, 1)
  t.equal(s.rejected, 0)
})

t.test('scripted status for the next N deliveries, with Retry-After, then normal again', async t => {
  const s = await stub(t)
  const send = sender(t)
  s.setBehaviour({ status: 503, times: 2, retryAfterSeconds: 7 })
  t.match(await send.send(delivery(s.url)), { outcome: 'retry', status: 503, retryAfterMs: 7000 })
  t.match(await send.send(delivery(s.url)), { outcome: 'retry', status: 503, retryAfterMs: 7000 })
  t.match(await send.send(delivery(s.url)), { outcome: 'delivered', status: 204 })
  t.equal(s.received.length, 1, 'non-2xx answers are not deliveries')

  s.setBehaviour({ status: 410 })
  t.match(await send.send(delivery(s.url)), { outcome: 'gone' })
  t.match(await send.send(delivery(s.url)), { outcome: 'gone' }, 'without times: until changed')
  s.setBehaviour({ status: 200 })
  t.match(await send.send(delivery(s.url)), { outcome: 'delivered', status: 200 })
  s.setBehaviour({})
  t.match(await send.send(delivery(s.url)), { outcome: 'delivered', status: 204 })
  t.equal(s.received.length, 3)
})

t.test('a signature failure does not use up a scripted reply', async t => {
  const s = await stub(t)
  const send = sender(t)
  s.setBehaviour({ status: 500, times: 1 })
  await send.send(delivery(s.url, { secret: `whsec_${randomBytes(32).toString('base64')}` }))
  t.match(await send.send(delivery(s.url)), { status: 500 })
  t.match(await send.send(delivery(s.url)), { status: 204 })
})

t.test('the same webhook-id twice is recorded twice, in arrival order', async t => {
  const s = await stub(t)
  const send = sender(t)
  const first = delivery(s.url, { id: 'msg_same' })
  await send.send(first)
  await send.send(delivery(s.url, { id: 'msg_other' }))
  await send.send({ ...first, timestamp: new Date() })
  t.same(s.received.map(r => r.id), ['msg_same', 'msg_other', 'msg_same'])
  t.equal(s.received[0]?.body, s.received[2]?.body)
})

t.test('slow answers: delayMs; a sender that gives up first is not recorded', async t => {
  const s = await stub(t)
  s.setBehaviour({ delayMs: 150, times: 1 })
  const r = await sender(t).send(delivery(s.url))
  t.equal(r.outcome, 'delivered')
  t.ok(r.durationMs >= 140, `${r.durationMs} ms`)

  s.setBehaviour({ delayMs: 200, times: 1 })
  const impatient = await sender(t, 50).send(delivery(s.url))
  t.match(impatient, { outcome: 'retry', error: 'timeout after 50 ms' })
  // Once the delay is over, the stub finds the connection gone and records nothing.
  await t.rejects(s.waitFor(r => r.length > 1, 500), /not met/, 'nothing recorded well after the delay')
  const fresh = await sender(t).send(delivery(s.url))
  t.equal(fresh.outcome, 'delivered')
  t.equal(s.received.length, 2)
})

t.test('hang: never answers; close() ends the hung connection at once', async t => {
  const s = await startSectorStub({ secret: SECRET })
  s.setBehaviour({ hang: true })
  const send = sender(t, 60_000)
  const pending = send.send(delivery(s.url))
  const short = await sender(t, 150).send(delivery(s.url))
  t.match(short, { outcome: 'retry', error: 'timeout after 150 ms' })
  const started = performance.now()
  await s.close()
  const r = await pending
  t.ok(performance.now() - started < 2000, 'close did not wait for the hung request')
  t.equal(r.outcome, 'retry')
  t.notOk('status' in r, 'no answer ever came')
  t.equal(s.received.length, 0)
  await s.close()
  t.pass('close() twice is fine')
})

t.test('waitFor: resolves on arrival, rejects on timeout and on close', async t => {
  const s = await stub(t)
  const send = sender(t)
  const waiting = s.waitFor(r => r.length >= 2)
  await send.send(delivery(s.url))
  await send.send(delivery(s.url))
  await waiting
  t.equal(s.received.length, 2)
  await s.waitFor(r => r.length === 2)
  t.pass('already true: resolves at once')
  await t.rejects(s.waitFor(r => r.length > 5, 50), /not met after 50 ms \(2 received, 0 rejected\)/)
  const never = s.waitFor(r => r.length > 5)
  await s.close()
  await t.rejects(never, /closed/)
})

t.test('a custom path; other paths 404, other methods 405', async t => {
  const s = await stub(t, { path: '/hooks/lienthong' })
  t.match(s.url, /\/hooks\/lienthong$/)
  t.equal((await sender(t).send(delivery(s.url))).outcome, 'delivered')
  t.equal((await fetch(s.url.replace('/hooks/lienthong', '/webhooks'), { method: 'POST', body: '{}' })).status, 404)
  t.equal((await fetch(s.url)).status, 405)
})

t.test('a verified body that is not an event envelope: 400, not recorded', async t => {
  const s = await stub(t)
  const send = sender(t)
  t.match(await send.send(delivery(s.url, { body: 'not json' })), { status: 400 })
  t.match(await send.send(delivery(s.url, { body: '{"data":{}}' })), { status: 400 })
  t.equal(s.received.length, 0)
  t.equal(s.rejected, 0)
})

t.test('behaviours are plain data', async t => {
  const b: StubBehaviour = { status: 429, times: 1, retryAfterSeconds: 1, delayMs: 0, hang: false }
  const s = await stub(t)
  s.setBehaviour(b)
  t.match(await sender(t).send(delivery(s.url)), { status: 429, retryAfterMs: 1000 })
  t.same(b, { status: 429, times: 1, retryAfterSeconds: 1, delayMs: 0, hang: false }, 'not changed by the stub')
})
