import t from 'tap'
import { Redis } from 'ioredis'
import { RedisServer } from '../../support/redis-server.js'
import { CircuitBreaker } from '../../src/adapters/portal/circuit-breaker.js'

const redis = await RedisServer.start()
const a = new Redis(redis.url)
const b = new Redis(redis.url)
t.teardown(async () => { a.disconnect(); b.disconnect(); await redis.close() })
const opts = { threshold: 3, cooldownMs: 1000, maxCooldownMs: 4000, probeTimeoutMs: 5000 }

t.test('opens after consecutive failures, is shared by processes, probes once, closes on success', async t => {
  const one = new CircuitBreaker(a, 't1:{portal}:breaker', opts)
  const two = new CircuitBreaker(b, 't1:{portal}:breaker', opts)
  const now = 1_000_000
  t.same(await one.admit(now), { ok: true, probe: false })
  await one.failure({ now })
  await two.failure({ now })
  t.same(await two.admit(now), { ok: true, probe: false }, 'below the threshold')
  t.equal(await one.failure({ now }), true, 'third failure opens')
  t.same(await two.admit(now + 10), { ok: false, until: now + 1000 }, 'the other process sees it open')
  const probe = await one.admit(now + 1000)
  t.same(probe, { ok: true, probe: true }, 'after the cool-down one probe is let through')
  const other = await two.admit(now + 1001)
  t.equal(other.ok, false, 'only one probe at a time, fleet-wide')
  await one.failure({ now: now + 1100, probe: true })
  t.same(await two.admit(now + 1200), { ok: false, until: now + 1100 + 2000 }, 'a failed probe doubles the cool-down')
  t.same(await two.admit(now + 3100), { ok: true, probe: true })
  await two.success()
  t.same(await one.admit(now + 3200), { ok: true, probe: false }, 'closed again')
  t.same(await one.state(), { state: 'closed', failures: 0 })
})

t.test('the cool-down is capped', async t => {
  const br = new CircuitBreaker(a, 't2:{portal}:breaker', opts)
  let now = 0
  for (let i = 0; i < 3; i++) await br.failure({ now })
  for (let i = 0; i < 6; i++) {
    const adm = await br.admit(now)
    if (!adm.ok) now = adm.until
    const probe = await br.admit(now)
    t.equal(probe.ok, true)
    await br.failure({ now, probe: probe.ok && probe.probe })
  }
  const s = await br.state()
  t.equal((s.openUntil ?? 0) - now, 4000)
})

t.test('a 429 pauses everyone for Retry-After without waiting for the threshold', async t => {
  const br = new CircuitBreaker(a, 't3:{portal}:breaker', opts)
  await br.failure({ now: 0, retryAfterMs: 3_000 })
  t.same(await br.admit(10), { ok: false, until: 3_000 })
})

t.test('an absurd Retry-After pauses the fleet for the longest cool-down, not for years', async t => {
  const br = new CircuitBreaker(a, 't5:{portal}:breaker', opts)
  await br.failure({ now: 0, retryAfterMs: 86_400_000 * 1000 })
  t.same(await br.admit(10), { ok: false, until: opts.maxCooldownMs })
  await br.failure({ now: 100, retryAfterMs: Number.POSITIVE_INFINITY })
  t.same(await br.admit(110), { ok: false, until: 100 + opts.maxCooldownMs }, 'while open, too')
})

t.test('failures that arrive while the circuit is open neither lengthen the cool-down nor cancel the probe', async t => {
  const br = new CircuitBreaker(a, 't4:{portal}:breaker', opts)
  const other = new CircuitBreaker(b, 't4:{portal}:breaker', opts)
  const now = 5_000_000
  for (let i = 0; i < 3; i++) await br.failure({ now })
  // Calls that were in flight when it opened fail one after another.
  for (let i = 1; i <= 5; i++) await other.failure({ now: now + i * 10 })
  t.same(await br.admit(now + 100), { ok: false, until: now + 1000 }, 'the cool-down is still the first one')
  const probe = await br.admit(now + 1000)
  t.same(probe, { ok: true, probe: true })
  await other.failure({ now: now + 1001 })
  t.equal((await other.admit(now + 1002)).ok, false, 'a straggler\'s failure does not let a second probe through')
  await br.success()
  t.same(await other.admit(now + 1003), { ok: true, probe: false }, 'the probe\'s success closes it')
  for (let i = 0; i < 3; i++) await br.failure({ now: now + 2000 })
  await other.failure({ now: now + 2001, retryAfterMs: 3_000 })
  t.same(await br.admit(now + 2002), { ok: false, until: now + 5_001 }, 'a Retry-After while open still pushes the pause out')
})
