/** The notice scripts on their own: created once with the change (intake), claimed under a lease, saved as a compare-and-set. */
import t from 'tap'
import { harness, key } from './harness.js'
import { APPLY_EVENT } from '../../../src/store/scripts-lifecycle.js'
import { NOTICE_BEGIN, NOTICE_CLAIM, NOTICE_PARK, NOTICE_SAVE } from '../../../src/store/scripts-notices.js'
import { statsKeysFor } from '../../../src/store/stats/stats-store.js'
import { lifecycleArgv } from '../../../src/store/lifecycle-store.js'

const h = harness(t)
const SP = key('stats')
const d = key('d:civil:1')
const nk = { notices: key('nt'), noticeQ: key('ntq') }
const ID = 'ntc_C1.1'

async function event (notices: Array<{ kind: 'received' | 'apology', due: number }>, revision = 3): Promise<string[]> {
  const k = { dossier: d, steps: key('steps'), outbox: key('outbox'), flushOwner: key('owner'), flushGen: key('gen'), idxFailed: key('sx:failed'), idxReview: key('sx:needs-review'), due: key('due'), overdue: key('overdue'), hist: key('hist:C1'), closed: key('closed'), ...nk, stats: statsKeysFor(SP, '') }
  const a = {
    ref: 'civil:1',
    now: 777,
    expectedRevision: revision,
    status: '2',
    lifecycleJson: '{}',
    contentChanged: 0,
    stepJson: '',
    historyEntry: '{}',
    retentionMs: 60_000,
    ...lifecycleArgv({ dueAt: 900, dueAtIso: 'due', final: false, now: 777, resolved: false, statsPrefix: SP, dims: 'c|s|p|ch', bumps: '', notices: notices.map(n => ({ ...n, data: { dueAt: n.due, at: 777 } })) })
  }
  return await h.run(APPLY_EVENT, k, a)
}

t.test('ltApplyEvent: a notice is created with the change, once per dossier, kind and due date', async t => {
  await h.redis.hset(d, 'revision', 3, 'state', 'delivered', 'status', '2', 'maHoSo', 'C1', 'statsDims', 'c|s|p|ch')
  t.equal((await event([{ kind: 'received', due: 900 }]))[3], ID)
  const rec = JSON.parse(await h.redis.hget(key('nt'), ID) ?? '{}')
  t.match(rec, { id: ID, code: 'C1', kind: 'received', due: 900, state: 'pending', createdAt: 777, attempts: 0, data: { dueAt: 900, at: 777 } })
  t.equal(await h.redis.zscore(key('ntq'), ID), '777')
  t.equal((await event([{ kind: 'received', due: 900 }], 4))[3], '', 'the same candidate again creates nothing')
  t.equal((await event([{ kind: 'apology', due: 950 }, { kind: 'apology', due: 950 }], 5))[3], 'ntc_C1.2', 'two of one key in one call: one')
  t.same(await event([{ kind: 'received', due: 900 }], 1), ['revision', '', ''], 'a refused change creates nothing')
  t.equal(await h.redis.hlen(key('nt')), 2)
})

t.test('ltNoticeClaim: due notices only, under a lease; an expired lease tells the channel that was called', async t => {
  await h.redis.hset(key('nt'), ID, '{"id":"x"}')
  await h.redis.zadd(key('ntq'), 100, ID)
  t.same(await h.run(NOTICE_CLAIM, nk, { id: ID, now: 50, leaseMs: 1000, token: 'a' }), ['later', '100', ''])
  t.same(await h.run(NOTICE_CLAIM, nk, { id: ID, now: 100, leaseMs: 1000, token: 'a' }), ['claimed', '{"id":"x"}', ''])
  t.equal(await h.redis.zscore(key('ntq'), ID), '1100', 'leased')
  t.same(await h.run(NOTICE_CLAIM, nk, { id: ID, now: 200, leaseMs: 1000, token: 'b' }), ['later', '1100', ''], 'not twice')
  t.equal(await h.run(NOTICE_BEGIN, { notices: key('nt') }, { id: ID, token: 'b', channel: 'zns' }), 0, 'not the lease holder')
  t.equal(await h.run(NOTICE_BEGIN, { notices: key('nt') }, { id: ID, token: 'a', channel: 'zns' }), 1)
  t.same(await h.run(NOTICE_CLAIM, nk, { id: ID, now: 1100, leaseMs: 1000, token: 'c' }), ['claimed', '{"id":"x"}', 'a|zns'], 'the dead worker was calling ZNS')
  t.same(await h.run(NOTICE_CLAIM, nk, { id: 'ntc_none.1', now: 1, leaseMs: 1, token: 'c' }), ['missing', '', ''])
})

t.test('ltNoticeSave: a compare-and-set on the record and the lease, indexes and counters in the same step', async t => {
  const sk = { notices: key('nt'), noticeQ: key('ntq'), noticeHeld: key('nth'), noticeFailed: key('ntf'), stats: key('nts:2026-12') }
  await h.redis.hset(key('nt'), ID, 'v1', `${ID}|lease`, 'tok|sms')
  await h.redis.zadd(key('ntq'), 5000, ID)
  const a = { id: ID, token: 'tok', expect: 'v1', record: 'v2', queueAt: '', held: '', failedAt: 900, bumps: 'sms|failed=1,none|notSent=1', now: 800 }
  t.same(await h.run(NOTICE_SAVE, sk, { ...a, expect: 'v0' }), [0, ''], 'the record changed since')
  t.same(await h.run(NOTICE_SAVE, sk, { ...a, token: 'other' }), [0, ''], 'the lease is another worker\'s')
  t.same(await h.run(NOTICE_SAVE, sk, { ...a, token: '' }), [-1, ''], 'a report waits while a worker holds it')
  t.equal(await h.run(NOTICE_PARK, { notices: key('nt') }, { id: ID, report: '{"state":"delivered"}' }), 1)
  t.same(await h.run(NOTICE_SAVE, sk, a), [1, '{"state":"delivered"}'], 'saved; the parked report handed back')
  t.equal(await h.redis.hget(key('nt'), ID), 'v2')
  t.equal(await h.redis.hexists(key('nt'), `${ID}|lease`), 0)
  t.equal(await h.redis.zscore(key('ntq'), ID), null)
  t.equal(await h.redis.zscore(key('ntf'), ID), '900')
  t.same(await h.redis.hgetall(key('nts:2026-12')), { 'sms|failed': '1', 'none|notSent': '1' })
  t.same(await h.run(NOTICE_SAVE, sk, { ...a, token: '', expect: 'v2', record: 'v3', queueAt: 1000, held: 1, failedAt: '', bumps: '' }), [1, ''])
  t.equal(await h.redis.zscore(key('ntq'), ID), '1000')
  t.equal(await h.redis.zscore(key('nth'), ID), '800')
  t.equal(await h.redis.zscore(key('ntf'), ID), null)
  t.equal(await h.run(NOTICE_PARK, { notices: key('nt') }, { id: 'ntc_none.1', report: '{}' }), 0)
})

t.test('ltNoticeBegin: only the lease holder names the channel it calls', async t => {
  await h.redis.hset(key('nt'), `${ID}|lease`, 'a')
  t.equal(await h.run(NOTICE_BEGIN, { notices: key('nt') }, { id: ID, token: 'b', channel: 'sms' }), 0)
  t.equal(await h.run(NOTICE_BEGIN, { notices: key('nt') }, { id: ID, token: 'a', channel: 'sms' }), 1)
  t.equal(await h.redis.hget(key('nt'), `${ID}|lease`), 'a|sms')
  t.equal(await h.run(NOTICE_BEGIN, { notices: key('nt') }, { id: ID, token: 'a', channel: 'email' }), 1, 'again, after a channel passed it on')
  t.equal(await h.redis.hget(key('nt'), `${ID}|lease`), 'a|email')
})

t.test('ltNoticePark: a report kept beside a known notice, the latest winning', async t => {
  t.equal(await h.run(NOTICE_PARK, { notices: key('nt') }, { id: ID, report: '{}' }), 0, 'unknown notice')
  await h.redis.hset(key('nt'), ID, 'v1')
  t.equal(await h.run(NOTICE_PARK, { notices: key('nt') }, { id: ID, report: 'r1' }), 1)
  t.equal(await h.run(NOTICE_PARK, { notices: key('nt') }, { id: ID, report: 'r2' }), 1)
  t.equal(await h.redis.hget(key('nt'), `${ID}|report`), 'r2')
})
