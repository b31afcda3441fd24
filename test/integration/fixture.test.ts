/**
 * The test fixture (test/helpers/fixture.ts) itself: a start that fails halfway closes what it
 * had started, and its stand-ins say when they are used too early, too late or not asked for.
 */
import t from 'tap'
import { Redis } from 'ioredis'
import { startStack, useStack, type BeforeGateway } from '../helpers/fixture.js'

t.test('a start-up that fails at the gateway closes the stub, the simulator and Redis it had started', async t => {
  let started: { redis: string, sim: string, stub: string } | undefined
  const hooks = { before: () => {}, teardown: () => {}, comment: () => {} }
  await t.rejects(startStack(hooks, {
    stub: { secret: 'whsec_' + Buffer.from('fixture-test-secret-0123456789ab').toString('base64') },
    // The stub and the simulator are up when the clients are made; the gateway then refuses ROLE.
    extraClients: (s: BeforeGateway) => { started = { redis: s.redis.url, sim: s.sim.url, stub: s.stub.url }; return [] },
    env: { ROLE: 'neither' }
  }))
  if (started === undefined) throw new Error('the start did not get as far as the gateway')
  await t.rejects(fetch(started.stub), 'the stub no longer listens')
  await t.rejects(fetch(`${started.sim}/_sim/faults`), 'the simulator no longer listens')
  const probe = new Redis(started.redis, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  probe.on('error', () => {})
  await t.rejects(probe.connect(), 'redis-server is gone')
  probe.disconnect()
})

t.test('stand-ins name what is wrong', async t => {
  const hooks: { before: Array<() => Promise<void>>, teardown: Array<() => Promise<void>> } = { before: [], teardown: [] }
  const { gw, sim } = useStack({ before: fn => hooks.before.push(fn), teardown: fn => hooks.teardown.push(fn), comment: () => {} }, { simulator: false, env: { ROLE: 'api' } })
  t.throws(() => gw.url, /gw is used before t\.before started the test stack/)
  for (const fn of hooks.before) await fn()
  t.match(gw.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.equal((await fetch(`${gw.url}/health/live`)).status, 200, 'the stand-in reaches the running gateway')
  t.throws(() => sim.url, /the test stack has no sim: ask for it in the options/)
  const url = gw.url
  for (const fn of hooks.teardown) await fn()
  t.throws(() => gw.url, /gw is used after the test stack closed/)
  await t.rejects(fetch(`${url}/health/live`), 'the gateway is closed')
})
