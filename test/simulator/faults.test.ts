import t from 'tap'
import { waitFor } from '../../support/wait.js'
import { Agent } from 'undici'
import {
  FaultsError, optionsFromEnv, PortalClient, postJson, sampleHoSo, sampleMaHoSo, startSimulator,
  type RunningSimulator
} from '../../simulator/index.js'

const ma = sampleMaHoSo(1)

async function setup (t: { teardown: (fn: () => unknown) => void }, opts: Parameters<typeof startSimulator>[0] = {}) {
  const sim = await startSimulator(opts)
  t.teardown(() => sim.close())
  const client = new PortalClient(sim.url)
  await client.login()
  return { sim, client }
}

const lookup = (client: PortalClient, opts = {}) => client.raw({ service: 'TraCuuHoSo', mahoso: ma }, opts)

t.test('script entries are consumed in order, one per /service call, before random faults', async t => {
  const { sim, client } = await setup(t, { faults: { errorRate: 1 } })
  sim.setFaults({
    script: [
      { kind: '429', retryAfterSeconds: 2 },
      { kind: 'status', status: 503 },
      { kind: 'error', code: '99' },
      { kind: 'error', code: '-1', message: 'giả lập' },
      { kind: 'pass' }
    ]
  })
  const r429 = await lookup(client)
  t.equal(r429.status, 429)
  t.equal(r429.headers['retry-after'], '2')
  t.equal(r429.json, undefined, 'a proxy page, not the protocol JSON')
  t.equal((await lookup(client)).status, 503)
  t.match((await lookup(client)).json, { error_code: '99' })
  t.same((await lookup(client)).json, { error_code: '-1', message: 'giả lập' })
  t.match((await lookup(client)).json, { error_code: '-4' }, 'pass lets one call through untouched')
  t.match((await lookup(client)).json, { error_code: '99' }, 'then the random errorRate applies')
  t.same(sim.faults().script, [])
  t.same(sim.state.received({ path: '/service' }).map(r => r.fault), ['script:429', 'script:503', 'script:error', 'script:error', undefined, 'random:error'])
  t.match(sim.state.counts().faults, { 429: 1, 503: 1, error: 3 })
})

t.test('script entries may target one service', async t => {
  const { sim, client } = await setup(t)
  sim.setFaults({ script: [{ kind: 'status', status: 502, service: 'DongBoHoSoMC' }, { kind: 'error' }] })
  t.match((await lookup(client)).json, { error_code: '99' }, 'the first entry for TraCuuHoSo is the second one')
  t.match((await lookup(client)).json, { error_code: '-4' })
  t.equal((await client.raw({ service: 'DongBoHoSoMC', isUpdating: 'False', data: [sampleHoSo(1)] })).status, 502)
  t.notOk(sim.state.dossier(ma), 'a 502 before processing stores nothing')
})

t.test('expire-session answers 401 and the session is gone', async t => {
  const { sim, client } = await setup(t)
  sim.setFaults({ script: [{ kind: 'expire-session' }] })
  t.same((await lookup(client)).json, { error_code: '401', message: 'Phiên làm việc hết hạn' })
  t.match((await lookup(client)).json, { error_code: '401' }, 'the session stays expired')
  await client.login()
  t.match((await lookup(client)).json, { error_code: '-4' })
})

t.test('close drops the connection; afterProcessing loses only the reply', async t => {
  const { sim, client } = await setup(t)
  sim.setFaults({ script: [{ kind: 'close' }, { kind: 'close', afterProcessing: true }] })
  await t.rejects(client.create([sampleHoSo(1)]), 'no reply at all')
  t.notOk(sim.state.dossier(ma))
  await t.rejects(client.create([sampleHoSo(1)]))
  t.ok(sim.state.dossier(ma), 'the call took effect although its reply was lost')
  t.match(sim.state.received({ service: 'DongBoHoSoMC' }).at(-1), { httpStatus: null, fault: 'script:close', processedErrorCode: '0' })
  t.match(await client.create([sampleHoSo(1)]), { error_code: '-3' }, 'so the sender sees -3 when it sends again')
})

t.test('hang: the client gives up, close() still returns promptly', async t => {
  const sim = await startSimulator({ faults: { script: [{ kind: 'hang' }, { kind: 'hang' }] } })
  const client = new PortalClient(sim.url)
  await client.login()
  await t.rejects(lookup(client, { headersTimeout: 100 }), { code: 'UND_ERR_HEADERS_TIMEOUT' })

  // A second hung call whose client would wait far longer than the test.
  const agent = new Agent({ headersTimeout: 600_000, bodyTimeout: 600_000 })
  t.teardown(() => agent.close())
  const pending = lookup(client, { dispatcher: agent })
  pending.catch(() => {})
  await waitFor(() => sim.state.received({ path: '/service' }).length === 2)
  t.match(sim.state.received().at(-1), { fault: 'script:hang', httpStatus: null })

  const started = Date.now()
  await sim.close()
  t.ok(Date.now() - started < 2000, `close() took ${Date.now() - started} ms`)
  await t.rejects(pending, 'the hung request ends when the simulator closes')
})

t.test('hangRate and rateLimit apply to /auth too; Retry-After is configurable', async t => {
  const sim = await startSimulator({ faults: { rateLimit: { rate: 1, retryAfterSeconds: 7 } } })
  t.teardown(() => sim.close())
  const r = await postJson(`${sim.url}/auth`, { username: 'lienthong', password: 'lienthong-dev' })
  t.equal(r.status, 429)
  t.equal(r.headers['retry-after'], '7')
  sim.setFaults({ rateLimit: { rate: 0 }, hangRate: 1 })
  await t.rejects(postJson(`${sim.url}/auth`, {}, { headersTimeout: 100 }), { code: 'UND_ERR_HEADERS_TIMEOUT' })
  t.equal(sim.faults().rateLimit.retryAfterSeconds, 7, 'merge keeps the other rateLimit setting')
})

t.test('outage now, and outage windows on the simulator clock', async t => {
  let now = Date.parse('2025-07-01T01:00:00Z')
  const { sim, client } = await setup(t, { now: () => now })

  sim.setFaults({ outage: { status: 503 } })
  t.equal((await lookup(client)).status, 503)
  t.equal((await postJson(`${sim.url}/auth`, {})).status, 503, '/auth is behind the same network')
  t.equal((await fetch(`${sim.url}/_sim/health`)).status, 200, 'control routes are never faulted')
  sim.setFaults({ outage: { status: 'close' } })
  await t.rejects(lookup(client))
  sim.setFaults({ outage: null })
  t.equal((await lookup(client)).status, 200, 'cleared')

  sim.setFaults({ outageWindows: [{ from: now + 1000, to: now + 2000, status: 504 }] })
  t.equal((await lookup(client)).status, 200, 'before the window')
  now += 1000
  t.equal((await lookup(client)).status, 504, 'inside the window')
  now += 999
  t.equal((await lookup(client)).status, 504)
  now += 1
  t.equal((await lookup(client)).status, 200, 'the window end is exclusive')
})

t.test('random faults are reproducible with a seed', async t => {
  const run = async (seed: number): Promise<string[]> => {
    const sim: RunningSimulator = await startSimulator({ faults: { errorRate: 0.5, seed } })
    t.teardown(() => sim.close())
    const client = new PortalClient(sim.url)
    await client.login()
    const codes: string[] = []
    for (let i = 0; i < 40; i++) codes.push(((await lookup(client)).json as { error_code: string }).error_code)
    return codes
  }
  const a = await run(42)
  const b = await run(42)
  const c = await run(7)
  t.same(a, b, 'same seed, same faults')
  t.not(a.join(), c.join(), 'another seed, other faults')
  const errors = a.filter(x => x === '99').length
  t.ok(errors > 5 && errors < 35, `about half are errors (${errors}/40)`)
})

t.test('latency delays the reply', async t => {
  const { sim, client } = await setup(t)
  sim.setFaults({ latencyMs: 150, latencyJitterMs: 50 })
  const started = performance.now()
  t.equal((await lookup(client)).status, 200)
  const elapsed = performance.now() - started
  t.ok(elapsed >= 145, `took ${Math.round(elapsed)} ms`)
})

t.test('faults over HTTP: get, merge, replace, refuse bad values, reset', async t => {
  const { sim } = await setup(t, { faults: { errorRate: 0.25, seed: 9 } })
  const put = async (body: unknown, query = '') => {
    const res = await fetch(`${sim.url}/_sim/faults${query}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    return { status: res.status, json: await res.json() as Record<string, unknown> }
  }
  t.match(await (await fetch(`${sim.url}/_sim/faults`)).json(), { errorRate: 0.25, seed: 9, outage: null })
  t.match(await put({ latencyMs: 10 }), { status: 200, json: { errorRate: 0.25, latencyMs: 10 } })
  t.match(await put({ hangRate: 0.1 }, '?mode=replace'), { status: 200, json: { errorRate: 0, latencyMs: 0, hangRate: 0.1 } })
  t.equal((await put({ errorRate: 2 })).status, 400)
  t.equal((await put({ outage: { status: 500 } })).status, 400)
  t.equal((await put({ script: [{ kind: 'explode' }] })).status, 400)
  t.equal((await put({ nope: 1 })).status, 400)
  t.throws(() => sim.setFaults({ hangRate: -1 }), FaultsError)
  t.equal(sim.faults().hangRate, 0.1, 'a refused change changes nothing')
  t.match(sim.resetFaults(), { errorRate: 0.25, seed: 9, hangRate: 0 }, 'back to the faults given at start')
})

t.test('SIM_* environment variables', async t => {
  t.match(optionsFromEnv({}), { port: 8090, logLevel: 'info', faults: {} })
  const o = optionsFromEnv({
    SIM_PORT: '9000',
    SIM_HOST: '0.0.0.0',
    SIM_USERNAME: 'u',
    SIM_PASSWORD: 'p',
    SIM_SESSION_TTL_SECONDS: '5',
    SIM_ERROR_RATE: '0.1',
    SIM_LATENCY_MS: '20',
    SIM_LATENCY_JITTER_MS: '5',
    SIM_RATE_LIMIT_RATE: '0.2',
    SIM_RETRY_AFTER_SECONDS: '3',
    SIM_HANG_RATE: '0.01',
    SIM_OUTAGE: 'close',
    SIM_SEED: '123',
    SIM_CALLBACK_SECRET: 's',
    SIM_BODY_LIMIT_BYTES: '1000',
    SIM_LOG_LEVEL: 'warn'
  })
  t.same(o, {
    port: 9000,
    host: '0.0.0.0',
    username: 'u',
    password: 'p',
    callbackSecret: 's',
    bodyLimitBytes: 1000,
    logLevel: 'warn',
    faults: {
      sessionTtlSeconds: 5,
      errorRate: 0.1,
      latencyMs: 20,
      latencyJitterMs: 5,
      rateLimit: { rate: 0.2, retryAfterSeconds: 3 },
      hangRate: 0.01,
      outage: { status: 'close' },
      seed: 123
    }
  })
  t.throws(() => optionsFromEnv({ SIM_ERROR_RATE: '1.5' }), /SIM_ERROR_RATE/)
  t.throws(() => optionsFromEnv({ SIM_OUTAGE: '500' }), /SIM_OUTAGE/)
  t.throws(() => optionsFromEnv({ SIM_PORT: 'x' }), /SIM_PORT/)
})

t.test('close() cuts a latency delay short', async t => {
  const sim = await startSimulator({ faults: { latencyMs: 600_000 } })
  const pending = postJson(`${sim.url}/auth`, { username: 'lienthong', password: 'lienthong-dev' })
  pending.catch(() => {})
  await waitFor(() => sim.state.counts().pending === 1)
  const started = Date.now()
  await sim.close()
  t.ok(Date.now() - started < 2000, `close() took ${Date.now() - started} ms`)
  await t.rejects(pending)
  await waitFor(() => sim.state.counts().pending === 0)
  t.equal(sim.state.received().length, 0, 'the delayed call never took effect')
})
