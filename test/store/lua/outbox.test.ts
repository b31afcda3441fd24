/** Delivery's scripts on their own: the claim on an outbox, and what the portal answered. */
import t from 'tap'
import { harness, key } from './harness.js'
import { ACK, ATTEMPT, CLAIM, FAIL, RELEASE, RELEASE_IF_EMPTY, RENEW, YIELD } from '../../../src/store/scripts-outbox.js'

const h = harness(t)
const owner = key('owner')

t.test('ltClaim: one job holds the outbox; its next run waits for a live lease', async t => {
  t.same(await h.run(CLAIM, { owner }, { jobId: 'j1', token: 't1', now: 1000, leaseMs: 500, ttlMs: 60_000 }), [1, 1500])
  t.same(await h.run(CLAIM, { owner }, { jobId: 'j2', token: 't2', now: 1100, leaseMs: 500, ttlMs: 60_000 }), [0, 0])
  t.same(await h.run(CLAIM, { owner }, { jobId: 'j1', token: 't3', now: 1100, leaseMs: 500, ttlMs: 60_000 }), [0, 1500])
  t.same(await h.run(CLAIM, { owner }, { jobId: 'j1', token: 't3', now: 1600, leaseMs: 500, ttlMs: 60_000 }), [1, 2100])
  t.equal(await h.redis.hget(owner, 'token'), 't3')
})

t.test('ltRenew: extends the lease of the token that holds it, fences another', async t => {
  await h.run(CLAIM, { owner }, { jobId: 'j1', token: 't1', now: 1000, leaseMs: 500, ttlMs: 60_000 })
  t.equal(await h.run(RENEW, { owner }, { token: 't1', now: 2000, leaseMs: 500, ttlMs: 60_000 }), 1)
  t.equal(await h.redis.hget(owner, 'lease'), '2500')
  t.equal(await h.run(RENEW, { owner }, { token: 'other', now: 2000, leaseMs: 500, ttlMs: 60_000 }), 0)
})

t.test('ltYield: gives the lease back at once, keeping the job', async t => {
  await h.run(CLAIM, { owner }, { jobId: 'j1', token: 't1', now: 1000, leaseMs: 500, ttlMs: 60_000 })
  t.equal(await h.run(YIELD, { owner }, { token: 'other', ttlMs: 60_000 }), 0)
  t.equal(await h.run(YIELD, { owner }, { token: 't1', ttlMs: 60_000 }), 1)
  t.match(await h.redis.hgetall(owner), { job: 'j1', token: '', lease: '0' })
})

t.test('ltReleaseIfEmpty: released only with an empty outbox, the generation moves on', async t => {
  const k = { owner, outbox: key('outbox'), flushGen: key('gen') }
  await h.run(CLAIM, { owner }, { jobId: 'j1', token: 't1', now: 1000, leaseMs: 500, ttlMs: 60_000 })
  await h.redis.zadd(key('outbox'), 1, 'civil:1')
  t.equal(await h.run(RELEASE_IF_EMPTY, k, { token: 'other' }), -1)
  t.equal(await h.run(RELEASE_IF_EMPTY, k, { token: 't1' }), 0)
  await h.redis.del(key('outbox'))
  t.equal(await h.run(RELEASE_IF_EMPTY, k, { token: 't1' }), 1)
  t.equal(await h.redis.exists(owner), 0)
  t.equal(await h.redis.get(key('gen')), '1')
})

t.test('ltRelease: only the owning job releases; the new generation', async t => {
  await h.run(CLAIM, { owner }, { jobId: 'j1', token: 't1', now: 1000, leaseMs: 500, ttlMs: 60_000 })
  t.equal(await h.run(RELEASE, { owner, flushGen: key('gen') }, { jobId: 'j2' }), 0)
  t.equal(await h.run(RELEASE, { owner, flushGen: key('gen') }, { jobId: 'j1' }), 1)
  t.equal(await h.redis.exists(owner), 0)
})

const d = key('d:civil:1')
const ackKeys = (...each: string[][]): Record<string, any> => ({ outbox: key('outbox'), owner, whActive: key('whactive'), deliveredOn: key('delivered:day'), each: each.flat() })
const one = [d, key('steps'), key('whq:C1')]
const ackArgs = (...each: Array<Array<string | number>>): Record<string, any> => ({ now: 5000, token: 't1', timestamp: 'ts', deliveredAt: 'at', countTtlS: 100, each: each.flat() })
const oneArgs = ['civil:1', '1', 1, 1, 'C1']

t.test('ltAck: a dossier whose create and steps the portal took is delivered, with its webhook event', async t => {
  await h.run(CLAIM, { owner }, { jobId: 'j1', token: 't1', now: 1000, leaseMs: 500, ttlMs: 60_000 })
  await h.redis.hset(d, 'state', 'pending', 'contentRev', 1, 'deliveredRev', 0, 'created', 0, 'whClient', 'sector')
  await h.redis.zadd(key('outbox'), 1, 'civil:1')
  await h.redis.rpush(key('steps'), '{"id":1,"s":1}', '{"id":2,"s":2}')
  t.same(await h.run(ACK, ackKeys(one) as any, { ...ackArgs(oneArgs), token: 'other' } as any), ['fenced', ''])
  t.same(await h.run(ACK, ackKeys(one) as any, ackArgs(oneArgs) as any), ['pending', 'msg_C1.1'], 'step 2 still waits')
  t.same(await h.redis.lrange(key('steps'), 0, -1), ['{"id":2,"s":2}'])
  const ev = JSON.parse(await h.redis.lindex(key('whq:C1'), 0) ?? '{}')
  t.match(ev, { id: 'msg_C1.1', client: 'sector', type: 'dossier.delivered', body: { data: { maHoSo: 'C1', agency: 'A', system: 'civil', sourceId: '1' } } })
  t.same(await h.run(ACK, ackKeys(one) as any, ackArgs(['civil:1', '1', 1, 2, 'C1']) as any), ['delivered', ''], 'the first create emits once')
  t.equal(await h.redis.zscore(key('outbox'), 'civil:1'), null)
  t.equal(await h.redis.get(key('delivered:day')), '1')
  t.same(await h.run(ACK, ackKeys([key('d:gone'), key('steps:gone'), key('whq:C9')]) as any, ackArgs(['civil:9', '1', 1, 1, 'C9']) as any), ['missing', ''])
})

t.test('ltAck: a batch in one call, each dossier on its own, the day counted once per delivered', async t => {
  await h.run(CLAIM, { owner }, { jobId: 'j1', token: 't1', now: 1000, leaseMs: 500, ttlMs: 60_000 })
  const refs = ['civil:1', 'civil:2', 'civil:3', 'civil:4']
  for (const r of refs) await h.redis.zadd(key('outbox'), 1, r)
  await h.redis.hset(key('d:civil:1'), 'state', 'pending', 'contentRev', 1, 'deliveredRev', 0, 'created', 0, 'whClient', 'sector', 'lastError', '{}')
  await h.redis.hset(key('d:civil:2'), 'state', 'pending', 'contentRev', 2, 'deliveredRev', 0, 'created', 0)
  await h.redis.hset(key('d:civil:4'), 'state', 'withdrawn', 'contentRev', 1, 'deliveredRev', 0, 'created', 1)
  const keys = refs.map(r => [key(`d:${r}`), key(`steps:${r}`), key(`whq:${r}`)])
  const args = refs.map((r, i) => [r, '1', 1, 0, `C${i + 1}`])
  t.same(await h.run(ACK, ackKeys(...keys) as any, ackArgs(...args) as any),
    ['delivered', 'msg_C1.1', 'pending', '', 'missing', '', 'withdrawn', ''])
  t.equal(await h.redis.hget(key('d:civil:1'), 'lastError'), null)
  t.equal(await h.redis.hget(key('d:civil:2'), 'deliveredRev'), '1', 'content revision 2 still to send')
  t.same(await h.redis.zrange(key('outbox'), 0, -1), ['civil:2'])
  t.equal(await h.redis.get(key('delivered:day')), '1')
  t.ok(Number(await h.redis.ttl(key('delivered:day'))) > 0)
  t.same(await h.run(ACK, ackKeys() as any, ackArgs() as any), [], 'an empty batch writes nothing')
  await h.redis.hset(owner, 'token', 'other')
  t.same(await h.run(ACK, ackKeys(keys[1] ?? []) as any, ackArgs(['civil:2', '', 2, 0, 'C2']) as any), ['fenced', ''])
  t.equal(await h.redis.hget(key('d:civil:2'), 'deliveredRev'), '1', 'a fenced batch writes nothing')
})

t.test('ltFail: a pending dossier fails, leaves the outbox, and its system hears of it', async t => {
  await h.run(CLAIM, { owner }, { jobId: 'j1', token: 't1', now: 1000, leaseMs: 500, ttlMs: 60_000 })
  await h.redis.hset(d, 'state', 'pending', 'whClient', 'sector')
  await h.redis.zadd(key('outbox'), 1, 'civil:1')
  const fk = { dossier: d, outbox: key('outbox'), owner, idxFailed: key('sx:failed'), idxReview: key('sx:needs-review'), whq: key('whq:C1'), whActive: key('whactive') }
  const fa = { ref: 'civil:1', failureJson: '{"code":"X"}', token: 't1', code: 'C1', timestamp: 'ts', failedAt: 4242 }
  t.same(await h.run(FAIL, fk, { ...fa, token: 'other' }), [-1, ''])
  t.same(await h.run(FAIL, fk, fa), [1, 'msg_C1.1'])
  t.equal(await h.redis.hget(d, 'state'), 'failed')
  t.equal(await h.redis.zscore(key('sx:failed'), 'civil:1'), '4242')
  t.equal(await h.redis.zscore(key('outbox'), 'civil:1'), null)
  t.same(await h.run(FAIL, fk, fa), [0, ''], 'no longer pending')
})

t.test('ltAttempt: one entry on every dossier of the call, capped; a transient failure is kept on each', async t => {
  await h.redis.hset(d, 'state', 'pending')
  const each = [key('att'), d, key('att2'), key('d:gone')]
  for (const n of [1, 2, 3]) t.equal(await h.run(ATTEMPT, { each }, { entryJson: `{"n":${n}}`, keep: 2, retentionMs: 60_000, transient: n === 3 ? 1 : 0 }), 2)
  t.same(await h.redis.lrange(key('att'), 0, -1), ['{"n":2}', '{"n":3}'])
  t.same(await h.redis.lrange(key('att2'), 0, -1), ['{"n":2}', '{"n":3}'])
  t.equal(await h.redis.hget(d, 'lastError'), '{"n":3}')
  t.equal(await h.redis.exists(key('d:gone')), 0, 'a record that is gone is not made again')
  t.ok(Number(await h.redis.pttl(key('att2'))) > 0)
})
