/** Scripts after intake on their own: events, deadlines, discards, webhook heads, compaction, statistics. */
import t from 'tap'
import { counter, harness, key } from './harness.js'
import { APPLY_EVENT, DEADLINE, DISCARD, WEBHOOK_UNHOLD } from '../../../src/store/scripts-lifecycle.js'
import { WEBHOOK_DONE, WEBHOOK_FAIL } from '../../../src/store/scripts-webhook.js'
import { COMPACT } from '../../../src/store/scripts-compact.js'
import { STATS_BUMP } from '../../../src/store/stats/scripts.js'
import { statsKeysFor } from '../../../src/store/stats/stats-store.js'
import { lifecycleArgv } from '../../../src/store/lifecycle-store.js'

const h = harness(t)
const SP = key('stats')
const d = key('d:civil:1')

t.test('ltApplyEvent: a final status at the read revision closes the dossier and queues its change', async t => {
  await h.redis.hset(d, 'revision', 3, 'state', 'delivered', 'status', '2', 'contentRev', 1, 'statsDims', 'c|s|p|ch')
  await h.redis.zadd(key('due'), 50, 'civil:1')
  const bumps = '2025-06-20|resolvedEarly|1'
  const k = {
    dossier: d,
    steps: key('steps'),
    outbox: key('outbox'),
    flushOwner: key('owner'),
    flushGen: key('gen'),
    idxFailed: key('sx:failed'),
    idxReview: key('sx:needs-review'),
    due: key('due'),
    overdue: key('overdue'),
    hist: key('hist:C1'),
    closed: key('closed'),
    notices: key('nt'),
    noticeQ: key('ntq'),
    stats: statsKeysFor(SP, bumps)
  }
  const a = {
    ref: 'civil:1',
    now: 777,
    expectedRevision: 3,
    status: '3',
    lifecycleJson: '{}',
    contentChanged: 1,
    stepJson: '{"status":"3"}',
    historyEntry: '{"h":1}',
    retentionMs: 60_000,
    ...lifecycleArgv({ statusAt: 777, dueAt: 50, dueAtIso: 'due', final: true, now: 777, resolved: true, statsPrefix: SP, dims: 'ignored', bumps })
  }
  t.same(await h.run(APPLY_EVENT, k, { ...a, expectedRevision: 2 }), ['revision', '', ''])
  t.same(await h.run(APPLY_EVENT, k, a), ['ok', 'pending', '0', ''])
  t.match(await h.redis.hgetall(d), { revision: '4', status: '3', state: 'pending', contentRev: '2', resolved: '1', statusAt: '777' })
  t.same(await h.redis.lrange(key('steps'), 0, -1), ['{"id":1,"status":"3"}'])
  t.equal(await h.redis.zscore(key('due'), 'civil:1'), null)
  t.equal(await h.redis.zscore(key('closed'), 'civil:1'), '777')
  t.equal(await h.redis.zscore(key('outbox'), 'civil:1'), '777')
  t.equal(await counter(h.redis, `${SP}:d:2025-06-20`, 'c|s|p|ch', 'resolvedEarly'), 1, 'counted under the first dims')
  t.same(await h.run(APPLY_EVENT, { ...k, dossier: key('d:none') }, a), ['missing', '', ''])
})

t.test('ltDeadline: overdue once per due date, with its event, history and gauge', async t => {
  await h.redis.hset(d, 'status', '2', 'dueAt', 100, 'dueAtIso', 'due', 'whClient', 'sector', 'statsDims', 'c|s|p|ch')
  await h.redis.zadd(key('due'), 100, 'civil:1')
  const k = { dossier: d, due: key('due'), overdue: key('overdue'), hist: key('hist:C1'), whq: key('whq:C1'), whActive: key('whactive'), stats: statsKeysFor(SP, '|overdueOpen|1') }
  const a = { ref: 'civil:1', code: 'C1', now: 50, windowMs: 60, timestamp: 'ts', historyAt: 'at', retentionMs: 60_000, overdueBump: '|overdueOpen|1' }
  t.same(await h.run(DEADLINE, k, { ...a, windowMs: 10 }), ['later', ''])
  t.same(await h.run(DEADLINE, k, a), ['due-soon', 'msg_C1.1'])
  t.same(await h.run(DEADLINE, k, a), ['later', ''], 'due-soon once')
  t.same(await h.run(DEADLINE, k, { ...a, now: 100 }), ['overdue', ''])
  t.equal(await h.redis.zscore(key('overdue'), 'civil:1'), '100')
  t.equal(await h.redis.hget(`${SP}:open`, 'overdueOpen'), '1')
  t.equal(await h.redis.llen(key('whq:C1')), 2)
  t.same(await h.run(DEADLINE, { ...k, dossier: key('d:none') }, a), ['gone', ''])
})

t.test('ltDiscard: a failed dossier leaves the outbox and the failed list', async t => {
  await h.redis.hset(d, 'state', 'failed', 'revision', 2)
  await h.redis.zadd(key('sx:failed'), 1, 'civil:1')
  const k = { dossier: d, outbox: key('outbox'), idxFailed: key('sx:failed'), idxReview: key('sx:needs-review') }
  const a = { ref: 'civil:1', expectedRevision: 2, discardJson: '{"by":"op"}', now: 9 }
  t.equal(await h.run(DISCARD, k, { ...a, expectedRevision: 1 }), 'revision')
  t.equal(await h.run(DISCARD, k, a), 'ok')
  t.match(await h.redis.hgetall(d), { state: 'discarded', revision: '3', discard: '{"by":"op"}' })
  t.equal(await h.redis.zscore(key('sx:failed'), 'civil:1'), null)
  t.equal(await h.run(DISCARD, k, { ...a, expectedRevision: 3 }), 'state')
})

const whq = key('whq:C1')
const head = (id: string): string => JSON.stringify({ id, client: 'sector', type: 't', body: {} })

t.test('ltWebhookDone: pops the head it was told of, names the next and gives its entry', async t => {
  await h.redis.rpush(whq, head('msg_C1.1'), head('msg_C1.2'))
  await h.redis.sadd(key('whactive'), 'C1')
  const k = { whq, active: key('whactive'), failed: key('whfailed'), hist: key('hist:C1'), failedIndex: key('whfailedx') }
  const a = { code: 'C1', eventId: 'msg_C1.1', historyEntry: '{"h":1}', retentionMs: 60_000 }
  t.same(await h.run(WEBHOOK_DONE, k, { ...a, eventId: 'msg_C1.2' }), ['stale', '', ''])
  t.same(await h.run(WEBHOOK_DONE, k, a), ['ok', 'msg_C1.2', head('msg_C1.2')])
  t.same(await h.run(WEBHOOK_DONE, k, { ...a, eventId: 'msg_C1.2' }), ['ok', '', ''])
  t.equal(await h.redis.sismember(key('whactive'), 'C1'), 0, 'an empty queue is not active')
})

t.test('ltWebhookFail: the head marked failed, for that event only', async t => {
  await h.redis.rpush(whq, head('msg_C1.1'))
  const fk = { whq, failed: key('whfailed'), hist: key('hist:C1'), failedIndex: key('whfailedx') }
  const failure = JSON.stringify({ id: 'msg_C1.1', code: 'HTTP_410' })
  t.equal(await h.run(WEBHOOK_FAIL, fk, { code: 'C1', eventId: 'msg_C1.9', failureJson: failure, historyEntry: '{}', retentionMs: 60_000, failedAt: 5 }), 0)
  t.equal(await h.run(WEBHOOK_FAIL, fk, { code: 'C1', eventId: 'msg_C1.1', failureJson: failure, historyEntry: '{"h":1}', retentionMs: 60_000, failedAt: 5 }), 1)
  t.equal(await h.redis.hget(key('whfailed'), 'C1'), failure)
  t.equal(await h.redis.zscore(key('whfailedx'), 'C1'), '5')
  t.same(await h.redis.lrange(key('hist:C1'), 0, -1), ['{"h":1}'])
  t.equal(await h.redis.llen(whq), 1, 'it stays at the head')
})

t.test('ltWebhookUnhold: a held head let go for that event only', async t => {
  await h.redis.hset(key('whfailed'), 'C1', JSON.stringify({ id: 'msg_C1.1', code: 'HTTP_410' }))
  await h.redis.zadd(key('whfailedx'), 5, 'C1')
  const uk = { whFailed: key('whfailed'), whFailedIndex: key('whfailedx') }
  t.equal(await h.run(WEBHOOK_UNHOLD, uk, { code: 'C1', eventId: 'msg_C1.2' }), 0)
  t.equal(await h.run(WEBHOOK_UNHOLD, uk, { code: 'C1', eventId: 'msg_C1.1' }), 1)
  t.equal(await h.redis.hexists(key('whfailed'), 'C1'), 0)
  t.equal(await h.redis.zscore(key('whfailedx'), 'C1'), null)
})

t.test('ltCompact: a final delivered dossier past retention keeps only its compact record', async t => {
  const k = {
    dossier: d,
    doc: key('doc'),
    raw: key('raw'),
    steps: key('steps'),
    attempts: key('att'),
    hist: key('hist:C1'),
    whq,
    outbox: key('outbox'),
    whFailed: key('whfailed'),
    closed: key('closed'),
    notices: key('nt'),
    noticeQ: key('ntq'),
    noticeHeld: key('nth'),
    noticeFailed: key('ntf'),
    letters: [] as string[],
    all: key('all'),
    due: key('due'),
    overdue: key('overdue')
  }
  const a = { ref: 'civil:1', code: 'C1', now: 10_000, retentionMs: 1000, recheckAt: 20_000, noticeIds: [] as string[] }
  await h.redis.hset(d, 'maHoSo', 'C1', 'fullHash', 'f', 'status', '3', 'state', 'delivered', 'revision', 4, 'createdAt', 1, 'updatedAt', 9500, 'contentRev', 2, 'created', 1)
  await h.redis.set(key('doc'), 'DOC')
  await h.redis.zadd(key('closed'), 9500, 'civil:1')
  t.equal(await h.run(COMPACT, k, a), 'recent')
  t.equal(await h.redis.zscore(key('closed'), 'civil:1'), '9500')
  await h.redis.hset(d, 'updatedAt', 100)
  await h.redis.rpush(key('steps'), '{"id":1}')
  t.equal(await h.run(COMPACT, k, a), 'busy')
  t.equal(await h.redis.zscore(key('closed'), 'civil:1'), '20000')
  await h.redis.del(key('steps'))
  await h.redis.zadd(key('all'), 1, 'civil:1')
  t.equal(await h.run(COMPACT, k, a), 'compacted')
  t.equal(await h.redis.zscore(key('all'), 'civil:1'), null, 'off the list of all dossiers')
  t.same(Object.keys(await h.redis.hgetall(d)).sort(), ['compactedAt', 'createdAt', 'fullHash', 'maHoSo', 'revision', 'state', 'status', 'updatedAt'])
  t.equal(await h.redis.exists(key('doc')), 0)
  t.equal(await h.run(COMPACT, k, a), 'gone')
})

t.test('ltCompact: a compacted dossier\'s notices go with it (records, queue, held, failed, letters), in the same script', async t => {
  const k = {
    dossier: d,
    doc: key('doc'),
    raw: key('raw'),
    steps: key('steps'),
    attempts: key('att'),
    hist: key('hist:C1'),
    whq,
    outbox: key('outbox'),
    whFailed: key('whfailed'),
    closed: key('closed'),
    all: key('all'),
    due: key('due'),
    overdue: key('overdue'),
    notices: key('nt'),
    noticeQ: key('ntq'),
    noticeHeld: key('nth'),
    noticeFailed: key('ntf'),
    letters: [key('ntl:ntc_C1.1'), key('ntl:ntc_C1.2')]
  }
  const a = { ref: 'civil:1', code: 'C1', now: 10_000, retentionMs: 1000, recheckAt: 20_000, noticeIds: ['ntc_C1.1', 'ntc_C1.2'] }
  await h.redis.hset(d, 'maHoSo', 'C1', 'fullHash', 'f', 'status', '3', 'state', 'delivered', 'revision', 4, 'createdAt', 1, 'updatedAt', 100,
    'n|received|900', 'ntc_C1.1', 'n|apology|950', 'ntc_C1.2', 'n|refused|0', 'ntc_C1.3')
  await h.redis.hset(key('nt'), 'ntc_C1.1', '{}', 'ntc_C1.2', '{}', 'ntc_C1.2|lease', 'tok', 'ntc_C1.2|report', '{}', 'ntc_C1.3', '{}', 'ntc_C2.1', '{}')
  await h.redis.zadd(key('ntq'), 1, 'ntc_C1.2', 1, 'ntc_C2.1')
  await h.redis.zadd(key('nth'), 1, 'ntc_C1.2')
  await h.redis.zadd(key('ntf'), 1, 'ntc_C1.1', 1, 'ntc_C1.3')
  await h.redis.set(key('ntl:ntc_C1.2'), 'PDF')
  await h.redis.zadd(key('closed'), 100, 'civil:1')
  t.equal(await h.run(COMPACT, k, a), 'busy', 'a notice the caller did not find (added since): looked at again')
  t.equal(await h.redis.zscore(key('closed'), 'civil:1'), '20000')
  t.equal(await h.redis.hexists(key('nt'), 'ntc_C1.1'), 1, 'nothing dropped')
  await h.redis.hdel(d, 'n|refused|0')
  await h.redis.hdel(key('nt'), 'ntc_C1.3')
  await h.redis.zrem(key('ntf'), 'ntc_C1.3')
  t.equal(await h.run(COMPACT, k, a), 'compacted')
  t.same(await h.redis.hkeys(key('nt')), ['ntc_C2.1'], 'another dossier\'s notice stays')
  t.same(await h.redis.zrange(key('ntq'), 0, -1), ['ntc_C2.1'])
  t.equal(await h.redis.exists(key('nth'), key('ntf'), key('ntl:ntc_C1.2')), 0)
  t.notOk(Object.keys(await h.redis.hgetall(d)).some(f => f.startsWith('n|')))
})

t.test('ltStatsBump: bumps the day, month and total buckets in KEYS, refuses a day not in them', async t => {
  const encoded = '2025-07-01|received|2;|overdueOpen|1'
  t.equal(await h.run(STATS_BUMP, { stats: statsKeysFor(SP, encoded) }, { dims: 'c|s|p|ch', encoded }), 1)
  t.equal(await counter(h.redis, `${SP}:d:2025-07-01`, 'c|s|p|ch', 'received'), 2)
  t.equal(await counter(h.redis, `${SP}:mt:2025-07`, '*', 'received'), 2)
  t.equal(await counter(h.redis, `${SP}:dt:2025-07-01`, 'c=c', 'received'), 2)
  t.equal(await h.redis.hget(`${SP}:open`, 'overdueOpen'), '1')
  await t.rejects(h.run(STATS_BUMP, { stats: statsKeysFor(SP, '') }, { dims: 'c|s|p|ch', encoded }), /STATS_KEYS/)
})
