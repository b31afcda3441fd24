/** The ZNS token scripts on their own: a refreshed pair stored over its generation only, a spent refresh token stopping ZNS, the lock released only by its holder. */
import t from 'tap'
import { harness } from './harness.js'
import { ZNS_TOKEN_AUTHORISE, ZNS_TOKEN_STOP, ZNS_TOKEN_STORE, ZNS_TOKEN_UNLOCK } from '../../../src/store/scripts-zns-token.js'

const h = harness(t)
const k = { token: 't:{zns}:token', lock: 't:{zns}:refresh-lock' }
const pair = (n: number): { access: string, refresh: string, expiresAt: number, now: number } => ({ access: `at-${n}`, refresh: `rt-${n}`, expiresAt: 1000 + n, now: 10 + n })

t.test('ltZnsTokenAuthorise: a pair over whatever was there, one generation up, ZNS running again', async t => {
  t.equal(await h.run(ZNS_TOKEN_AUTHORISE, { token: k.token }, pair(1)), 1)
  await h.redis.hset(k.token, 'stopped', 'spent')
  t.equal(await h.run(ZNS_TOKEN_AUTHORISE, { token: k.token }, pair(2)), 2)
  t.same(await h.redis.hgetall(k.token), { access: 'at-2', refresh: 'rt-2', expiresAt: '1002', generation: '2', refreshedAt: '12' })
})

t.test('ltZnsTokenStore: stored over the generation it was refreshed from only; our lock released either way', async t => {
  await h.run(ZNS_TOKEN_AUTHORISE, { token: k.token }, pair(1))
  await h.redis.set(k.lock, 'me')
  t.equal(await h.run(ZNS_TOKEN_STORE, k, { seen: 1, lockValue: 'me', ...pair(2) }), 2)
  t.match(await h.redis.hgetall(k.token), { access: 'at-2', refresh: 'rt-2', generation: '2' })
  t.equal(await h.redis.exists(k.lock), 0, 'lock released')
  await h.redis.set(k.lock, 'me')
  t.equal(await h.run(ZNS_TOKEN_STORE, k, { seen: 1, lockValue: 'me', ...pair(3) }), 0, 'a stale refresh stores nothing')
  t.match(await h.redis.hgetall(k.token), { access: 'at-2', generation: '2' })
  t.equal(await h.redis.exists(k.lock), 0, 'its lock released all the same')
  await h.redis.set(k.lock, 'other')
  t.equal(await h.run(ZNS_TOKEN_STORE, k, { seen: 2, lockValue: 'me', ...pair(3) }), 3)
  t.equal(await h.redis.get(k.lock), 'other', 'another\'s lock stays')
})

t.test('ltZnsTokenStop: ZNS stopped over the same generation only; a newer pair stays in force', async t => {
  await h.run(ZNS_TOKEN_AUTHORISE, { token: k.token }, pair(1))
  await h.redis.set(k.lock, 'me')
  t.equal(await h.run(ZNS_TOKEN_STOP, k, { seen: 0, reason: 'spent', lockValue: 'me' }), 0)
  t.equal(await h.redis.hget(k.token, 'stopped'), null)
  t.equal(await h.redis.exists(k.lock), 0, 'lock released even when nothing stops')
  t.equal(await h.run(ZNS_TOKEN_STOP, k, { seen: 1, reason: 'spent', lockValue: 'me' }), 1)
  t.equal(await h.redis.hget(k.token, 'stopped'), 'spent')
  t.equal(await h.run(ZNS_TOKEN_STORE, k, { seen: 1, lockValue: 'x', ...pair(2) }), 2, 'a refreshed pair (another path) clears it')
  t.equal(await h.redis.hget(k.token, 'stopped'), null)
})

t.test('ltZnsTokenUnlock: only the holder releases the lock', async t => {
  await h.redis.set(k.lock, 'me')
  t.equal(await h.run(ZNS_TOKEN_UNLOCK, { lock: k.lock }, { lockValue: 'other' }), 0)
  t.equal(await h.redis.get(k.lock), 'me')
  t.equal(await h.run(ZNS_TOKEN_UNLOCK, { lock: k.lock }, { lockValue: 'me' }), 1)
  t.equal(await h.redis.exists(k.lock), 0)
})
