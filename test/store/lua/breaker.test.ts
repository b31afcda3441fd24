/**
 * The portal circuit breaker's scripts on their own (src/store/scripts-breaker.ts): admission,
 * a failure, a success, given the breaker's hash and probe key. The breaker's behaviour over
 * time, two processes sharing it, is test/unit/circuit-breaker.test.ts.
 */
import t from 'tap'
import { harness } from './harness.js'
import { BREAKER_ADMIT, BREAKER_FAILURE, BREAKER_SUCCESS } from '../../../src/store/scripts-breaker.js'

const h = harness(t)
const keys = { state: 't:{portal}:breaker', probe: 't:{portal}:breaker:probe' }
const fail = (now: number, over: Partial<{ threshold: number, retryAfter: number, isProbe: number }> = {}): Promise<number> =>
  h.run(BREAKER_FAILURE, keys, { now, threshold: 2, base: 1000, max: 4000, retryAfter: 0, isProbe: 0, ...over })

t.test('ltBreakerAdmit: closed lets through; open refuses until its end; then one probe, held for its timeout', async t => {
  t.same(await h.run(BREAKER_ADMIT, keys, { now: 10, probeTimeoutMs: 5000 }), [1, 0], 'no state: closed')
  await h.redis.hset(keys.state, 'state', 'open', 'openUntil', 100)
  t.same(await h.run(BREAKER_ADMIT, keys, { now: 50, probeTimeoutMs: 5000 }), [0, 100])
  t.same(await h.run(BREAKER_ADMIT, keys, { now: 100, probeTimeoutMs: 5000 }), [1, 1], 'the probe')
  const ttl = await h.redis.pttl(keys.probe)
  t.ok(ttl > 4000 && ttl <= 5000, `probe held for probeTimeoutMs (${ttl})`)
  t.same(await h.run(BREAKER_ADMIT, keys, { now: 101, probeTimeoutMs: 5000 }), [0, 601], 'another probe is out: half a second')
})

t.test('ltBreakerFailure: opens at the threshold or on a Retry-After; a probe\'s failure doubles the cool-down, capped', async t => {
  t.equal(await fail(0), 0, 'below the threshold')
  t.equal(await fail(0), 1, 'at the threshold')
  t.same(await h.redis.hgetall(keys.state), { failures: '2', state: 'open', openUntil: '1000', cooldown: '1000', openedAt: '0' })
  // A late failure of a call started before it opened: counted, the cool-down unchanged.
  await h.redis.set(keys.probe, '1')
  t.equal(await fail(10), 1)
  t.equal(await h.redis.hget(keys.state, 'openUntil'), '1000')
  t.equal(await h.redis.exists(keys.probe), 1, 'the probe is not cancelled')
  // ... unless its Retry-After reaches further.
  await fail(20, { retryAfter: 3000 })
  t.equal(await h.redis.hget(keys.state, 'openUntil'), '3020')
  // The probe's own failure re-opens it for twice as long, and frees the probe.
  t.equal(await fail(5000, { isProbe: 1 }), 1)
  t.same([await h.redis.hget(keys.state, 'cooldown'), await h.redis.hget(keys.state, 'openUntil')], ['2000', '7000'])
  t.equal(await h.redis.exists(keys.probe), 0)
  await fail(8000, { isProbe: 1 })
  await fail(20000, { isProbe: 1 })
  t.equal(await h.redis.hget(keys.state, 'cooldown'), '4000', 'capped by max')
  await h.redis.del(keys.state)
  t.equal(await fail(0, { threshold: 5, retryAfter: 2500 }), 1, 'a Retry-After opens it at once')
  t.equal(await h.redis.hget(keys.state, 'openUntil'), '2500')
})

t.test('ltBreakerSuccess: clears the state and the probe; nothing to clear is 0', async t => {
  t.equal(await h.run(BREAKER_SUCCESS, keys, {}), 0)
  await h.redis.hset(keys.state, 'state', 'open', 'failures', 3)
  await h.redis.set(keys.probe, '1')
  t.equal(await h.run(BREAKER_SUCCESS, keys, {}), 1)
  t.same([await h.redis.exists(keys.state), await h.redis.exists(keys.probe)], [0, 0])
})
