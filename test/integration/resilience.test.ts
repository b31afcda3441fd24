import t from 'tap'
import { Redis } from 'ioredis'
import { Queue } from 'bullmq'
import { civilStatus, getDossier, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { startStack } from '../helpers/fixture.js'

t.test('after the retry window a dossier is marked failed with its reason', async t => {
  const { gw } = await startStack(t, { simulator: { faults: { outage: { status: 503 } } }, env: { DELIVERY_RETRY_WINDOW_SECONDS: '1' } })
  const res = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(1))
  await waitFor(async () => (await getDossier(gw.url, gw.keys.admin, res.json.maHoSo)).json.sync.state === 'failed', { what: 'the dossier to fail' })
  const s = (await getDossier(gw.url, gw.keys.admin, res.json.maHoSo)).json
  t.equal(s.sync.failure.code, 'RETRY_WINDOW_EXCEEDED')
  t.match(s.sync.failure.reason, /503/)
  t.ok(s.attempts.length >= 1)
  t.ok(s.attempts.every((a: { outcome: string }) => a.outcome === 'transient'))
})

t.test('API and worker in separate processes on one Redis; the sweeper re-arms an outbox whose job was lost', async t => {
  const { redis, sim, gw: api, addGateway } = await startStack(t, { env: { ROLE: 'api' } })
  const res = await post(api.url, api.keys['civil-status'] as string, 'civil-status', civilStatus(2))
  t.equal(res.status, 202)
  // Lose the queued flush job, as a crash between intake and enqueue would.
  const q = new Queue('delivery', { connection: { url: redis.url }, prefix: '{lt-queue}' })
  await q.obliterate({ force: true })
  await q.close()
  const worker = await addGateway({ ROLE: 'worker', DELIVERY_SWEEP_INTERVAL_MS: '200' })
  t.equal((await fetch(`${worker.url}/v1/dossiers/${res.json.maHoSo}`)).status, 404, 'a worker process serves no API')
  await waitFor(() => sim.state.dossier(res.json.maHoSo)?.creates === 1, { what: 'the sweeper to deliver it' })
})

t.test('two gateways, random portal errors: every dossier once, every step in order', async t => {
  const { sim, gw: a, gw2: b } = await startStack(t, { simulator: { faults: { errorRate: 0.2, seed: 42 } }, second: true })
  const flow = ['TIEP_NHAN', 'DANG_XU_LY', 'BO_SUNG', 'DANG_XU_LY', 'DA_CO_KET_QUA', 'DA_TRA']
  const codes: string[] = []
  for (let i = 0; i < 20; i++) {
    const doc = civilStatus(100 + i, { coQuanDangKy: { maDinhDanh: `000.00.3${i % 3}.H42`, maXa: '18754' } })
    for (const [j, s] of flow.entries()) {
      const gw = (i + j) % 2 === 0 ? a : b
      const r = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', { ...doc, trangThai: s })
      if (j === 0) codes.push(r.json.maHoSo)
    }
  }
  await waitFor(() => codes.every(c => sim.state.dossier(c)?.stepsAccepted === 5), { timeoutMs: 60_000, what: 'every step on the portal' })
  for (const c of codes) {
    const d = sim.state.dossier(c)
    t.equal(d?.creates, 1, `${c} created once`)
    t.same(d?.steps.map(s => s.tienDo.TrangThai), ['4', '5', '4', '9', '10'], `${c} steps in order`)
  }
  t.ok((sim.state.counts().byErrorCode['99'] ?? 0) > 0, 'the portal did fail along the way')
})

t.test('a client over its rate limit gets 429 with Retry-After', async t => {
  const { redis, gw } = await startStack(t, { simulator: false, env: { ROLE: 'api', RATE_LIMIT_MAX: '3' } })
  const statuses = []
  for (let i = 0; i < 4; i++) statuses.push(await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(200 + i)))
  t.same(statuses.map(s => s.status), [202, 202, 202, 429])
  t.equal(statuses[3]?.json.code, 'RATE_LIMITED')
  t.type(statuses[3]?.json.message.vi, 'string')
  // Callers without a valid key are limited too, by address, and refused before their body is read.
  const strangers = []
  for (let i = 0; i < 4; i++) strangers.push((await post(gw.url, 'x'.repeat(43), 'civil-status', civilStatus(300 + i))).status)
  t.same(strangers, [401, 401, 401, 429])
  const admin = []
  for (let i = 0; i < 4; i++) admin.push((await fetch(`${gw.url}/v1/admin/dossiers?state=failed`, { headers: { 'x-api-key': gw.keys.admin } })).status)
  t.same(admin, [200, 200, 200, 429], 'every /v1 route is limited')
  const c = new Redis(redis.url)
  t.equal((await c.keys('lt:{*}:d:*')).length, 3, 'the refused requests stored nothing')
  c.disconnect()
})
