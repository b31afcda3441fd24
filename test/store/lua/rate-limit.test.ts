/**
 * The rate limit's count (src/store/rate-limit-store.ts): the script on its own, and the store
 * that sends concurrent requests of one key as one batch, each still with its own place.
 */
import t from 'tap'
import { harness } from './harness.js'
import { RATE_LIMIT, RateLimitStore } from '../../../src/store/rate-limit-store.js'

const h = harness(t)
const counter = 't:ratelimit:POST/v1/inbound/:system-client'

t.test('ltRateLimit: counts a batch at once; the window starts with the first count and is not moved by later ones', async t => {
  t.same(await h.run(RATE_LIMIT, { counter }, { count: 3, windowMs: 60_000 }), [3, 60_000], 'a new window')
  const ttl = await h.redis.pttl(counter)
  t.ok(ttl > 59_000 && ttl <= 60_000, `expires with the window (${ttl})`)
  await h.redis.pexpire(counter, 30_000)
  const [count, left] = await h.run(RATE_LIMIT, { counter }, { count: 2, windowMs: 60_000 }) as [number, number]
  t.equal(count, 5)
  t.ok(left > 29_000 && left <= 30_000, `the window's time left, not a new one (${left})`)
  t.equal(await h.redis.get(counter), '5')
})

t.test('RateLimitStore: concurrent requests of a key each get their own count, in fewer round trips', async t => {
  const store = new RateLimitStore(h.redis)
  const before = await scriptCalls()
  const counts = await Promise.all(Array.from({ length: 50 }, async () => await store.incr(counter, 60_000)))
  t.same(counts.map(c => c.current), Array.from({ length: 50 }, (_, i) => i + 1), 'in arrival order, as one INCR each')
  t.ok(counts.every(c => c.ttl > 59_000 && c.ttl <= 60_000))
  t.equal(await h.redis.get(counter), '50')
  const calls = await scriptCalls() - before
  t.ok(calls >= 1 && calls <= 2, `${calls} script calls for 50 requests`)
  t.same(await store.incr('t:other', 1000), { current: 1, ttl: 1000 }, 'another key counts on its own')
  t.same((await store.incr(counter, 60_000)).current, 51, 'a later request continues the count')
})

t.test('RateLimitStore: an error reaches every request of the batch, and the next batch is sent', async t => {
  const store = new RateLimitStore(h.redis)
  await h.redis.set(counter, 'not a number')
  const results = await Promise.allSettled(Array.from({ length: 5 }, async () => await store.incr(counter, 60_000)))
  t.ok(results.every(r => r.status === 'rejected'))
  await h.redis.del(counter)
  t.same(await store.incr(counter, 60_000), { current: 1, ttl: 60_000 })
})

async function scriptCalls (): Promise<number> {
  const info = await h.redis.info('commandstats')
  return Number(/^cmdstat_evalsha:calls=(\d+)/m.exec(info)?.[1] ?? 0) + Number(/^cmdstat_eval:calls=(\d+)/m.exec(info)?.[1] ?? 0)
}
