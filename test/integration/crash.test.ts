import t from 'tap'
import { startTestRedis } from '../../support/test-redis.js'
import { spawnGateway } from '../helpers/gateway.js'
import { civilStatus, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { startSimulator } from '../../simulator/index.js'

t.test('the gateway killed (SIGKILL) while delivering 500 dossiers, then restarted: all 500 on the portal exactly once', async t => {
  const redis = await startTestRedis()
  t.comment(`Redis: ${redis.kind}`)
  // The portal is down while the dossiers arrive, then slow: the kill comes mid-delivery, with
  // calls in flight whose answers die with the process.
  const sim = await startSimulator({ faults: { outage: { status: 503 } } })
  t.teardown(async () => { await sim.close(); await redis.close() })
  const env = { redisEnv: redis.env, portalUrl: sim.url, env: { DELIVERY_LOCK_MS: '2000', DELIVERY_BATCH_SIZE: '10' } }
  const first = await spawnGateway(env)
  const codes: string[] = []
  for (let i = 0; i < 500; i++) {
    const doc = civilStatus(9000 + i, { coQuanDangKy: { maDinhDanh: `000.00.3${i % 5}.H42`, maXa: '18754' } })
    const res = await post(first.url, first.keys['civil-status'] as string, 'civil-status', doc)
    if (res.status !== 202) t.fail(`refused: ${res.text}`)
    codes.push(res.json.maHoSo)
  }
  sim.setFaults({ outage: null, latencyMs: 100 })
  await waitFor(() => sim.state.counts().creates >= 100, { what: 'delivery to be under way' })
  await first.kill()
  const at = sim.state.counts().creates
  t.ok(at < 500, `killed with ${at} of 500 delivered`)
  sim.setFaults({ latencyMs: 0 })

  const second = await spawnGateway(env, { keysDir: first.keysDir, keys: first.keys, port: first.port })
  t.teardown(async () => { await second.stop() })
  await waitFor(() => codes.every(c => sim.state.dossier(c) !== undefined), { timeoutMs: 120_000, what: 'all 500 on the portal' })
  t.equal(sim.state.dossiers().length, 500)
  t.ok(codes.every(c => sim.state.dossier(c)?.creates === 1), 'no dossier created twice')
  t.equal(sim.state.counts().updates, 0, 'no needless updates')
})

t.test('SIGTERM mid-delivery: the gateway stops promptly and hands its outboxes over', async t => {
  const redis = await startTestRedis()
  t.comment(`Redis: ${redis.kind}`)
  const sim = await startSimulator({ faults: { outage: { status: 503 } } })
  t.teardown(async () => { await sim.close(); await redis.close() })
  const env = { redisEnv: redis.env, portalUrl: sim.url, env: { DELIVERY_BATCH_SIZE: '5', DELIVERY_LOCK_MS: '2000' } }
  const first = await spawnGateway(env)
  const codes: string[] = []
  for (let i = 0; i < 200; i++) {
    const res = await post(first.url, first.keys['civil-status'] as string, 'civil-status', civilStatus(20_000 + i))
    if (res.status !== 202) t.fail(`refused: ${res.text}`)
    codes.push(res.json.maHoSo)
  }
  sim.setFaults({ outage: null, latencyMs: 50 })
  await waitFor(() => sim.state.counts().creates >= 20, { what: 'delivery to be under way' })
  const started = Date.now()
  await first.stop()
  t.ok(Date.now() - started < 5000, `stopped in ${Date.now() - started} ms`)
  t.equal(first.proc.exitCode, 0, 'a clean exit')
  t.ok(sim.state.counts().creates < 200, `${sim.state.counts().creates} delivered before the stop`)
  sim.setFaults({ latencyMs: 0 })
  const second = await spawnGateway(env, { keysDir: first.keysDir, keys: first.keys, port: first.port })
  t.teardown(async () => { await second.stop() })
  await waitFor(() => codes.every(c => sim.state.dossier(c) !== undefined), { timeoutMs: 60_000, what: 'all 200 on the portal' })
  t.ok(codes.every(c => sim.state.dossier(c)?.creates === 1), 'no dossier created twice')
})
