/** The doctor's scripts on their own: one reading of a dossier or queue, and compare-and-set repairs. */
import t from 'tap'
import { harness, key } from './harness.js'
import { INSPECT, INSPECT_WEBHOOK, REPAIR_DOSSIER, REPAIR_GAUGE, REPAIR_ORPHAN, REPAIR_SEQ, REPAIR_UNMATCHED, REPAIR_WEBHOOK, REPAIR_WEBHOOK_INDEX } from '../../../src/services/doctor/scripts.js'
import { INDEXES, RECORD_FIELDS } from '../../../src/services/doctor/structures.js'

const h = harness(t)
const d = key('d:civil:1')
const indexes = INDEXES.map(n => key(n))
const legacy = ['failed', 'needs-review', 'unrouted'].map(s => key(`state:${s}`))

t.test('ltDoctorInspect: fields, memberships, code, steps and legacy sets in one reading', async t => {
  await h.redis.hset(d, 'maHoSo', 'C1', 'state', 'failed', 'revision', 2)
  await h.redis.zadd(key('sx:failed'), 5, 'civil:1')
  await h.redis.set(key('due'), 'not a zset')
  await h.redis.hset(key('codes'), 'C1', 'civil:1')
  await h.redis.rpush(key('steps'), 'a', 'b')
  await h.redis.sadd(legacy[0] as string, 'civil:1')
  const out = await h.run(INSPECT, { dossier: d, indexes, codes: key('codes'), steps: key('steps'), legacy }, { ref: 'civil:1', fields: RECORD_FIELDS }) as string[]
  const n = RECORD_FIELDS.length
  const x = INDEXES.length
  t.equal(out.length, n + x + 2 + 3)
  t.same(out.slice(0, 3), ['C1', 'failed', ''])
  t.equal(out[RECORD_FIELDS.indexOf('revision')], '2')
  t.same(out.slice(n, n + x), INDEXES.map(i => i === 'sx:failed' ? '5' : i === 'due' ? '!string' : ''))
  t.same(out.slice(n + x), ['civil:1', '2', '1', '', ''])
})

t.test('ltDoctorRepair: index entries rebuilt while the record is as read, not after it changed', async t => {
  await h.redis.hset(d, 'maHoSo', 'C1', 'state', 'failed')
  await h.redis.zadd(key('due'), 1, 'civil:1')
  const read = async (): Promise<string> => (await h.redis.hmget(d, ...RECORD_FIELDS)).map(v => v ?? '').join('\x1f')
  const k = { dossier: d, indexes, codes: key('codes') }
  const actions = INDEXES.map(n => n === 'sx:failed' ? '+7' : n === 'due' ? '-' : '')
  const a = { ref: 'civil:1', fingerprint: await read(), actions, fixCode: '1', fields: RECORD_FIELDS }
  await h.redis.hset(d, 'revision', 9)
  t.equal(await h.run(REPAIR_DOSSIER, k, a), 'changed')
  t.equal(await h.run(REPAIR_DOSSIER, k, { ...a, fingerprint: await read() }), 'repaired')
  t.equal(await h.redis.zscore(key('sx:failed'), 'civil:1'), '7')
  t.equal(await h.redis.zscore(key('due'), 'civil:1'), null)
  t.equal(await h.redis.hget(key('codes'), 'C1'), 'civil:1')
})

t.test('ltDoctorOrphan: an entry without a record goes; one with a record stays', async t => {
  await h.redis.zadd(key('due'), 1, 'civil:1')
  await h.redis.hset(d, 'maHoSo', 'C1')
  t.equal(await h.run(REPAIR_ORPHAN, { dossier: d, index: key('due') }, { ref: 'civil:1' }), 0)
  await h.redis.del(d)
  t.equal(await h.run(REPAIR_ORPHAN, { dossier: d, index: key('due') }, { ref: 'civil:1' }), 1)
  t.equal(await h.redis.zcard(key('due')), 0)
})

t.test('ltDoctorSeq: raised to the highest code issued, if still what was read', async t => {
  await h.redis.set(key('seq'), '3')
  t.equal(await h.run(REPAIR_SEQ, { seq: key('seq') }, { observed: '2', highest: 9 }), 'changed')
  t.equal(await h.run(REPAIR_SEQ, { seq: key('seq') }, { observed: '3', highest: 9 }), 'repaired')
  t.equal(await h.redis.get(key('seq')), '9')
  t.equal(await h.run(REPAIR_SEQ, { seq: key('seq:new') }, { observed: '', highest: 4 }), 'repaired')
  t.ok(await h.redis.pttl(key('seq:new')) > 0, 'a new counter expires like intake\'s')
})

const wk = { whq: key('whq:C1'), whActive: key('whactive'), whFailed: key('whfailed') }

t.test('ltDoctorWebhook: length, active, head and failure in one reading', async t => {
  await h.redis.rpush(key('whq:C1'), '{"id":"msg_C1.1"}')
  await h.redis.hset(key('whfailed'), 'C1', 'F')
  t.same(await h.run(INSPECT_WEBHOOK, wk, { code: 'C1' }), ['1', '0', '{"id":"msg_C1.1"}', 'F'])
})

t.test('ltDoctorWebhookFix: active follows the queue; a stale failure mark goes', async t => {
  await h.redis.rpush(key('whq:C1'), '{"id":"msg_C1.2"}')
  const stale = '{"id":"msg_C1.1"}'
  await h.redis.hset(key('whfailed'), 'C1', stale)
  t.equal(await h.run(REPAIR_WEBHOOK, wk, { code: 'C1', staleFailed: 'other' }), 'changed')
  t.equal(await h.run(REPAIR_WEBHOOK, wk, { code: 'C1', staleFailed: stale }), 'repaired')
  t.equal(await h.redis.sismember(key('whactive'), 'C1'), 1)
  t.equal(await h.redis.hexists(key('whfailed'), 'C1'), 0)
})

t.test('ltDoctorWebhookIndex: whfailedx follows whfailed', async t => {
  const k = { whFailed: key('whfailed'), whFailedIndex: key('whfailedx') }
  await h.redis.hset(key('whfailed'), 'C1', 'F')
  t.equal(await h.run(REPAIR_WEBHOOK_INDEX, k, { code: 'C1', score: 3 }), 'repaired')
  t.equal(await h.redis.zscore(key('whfailedx'), 'C1'), '3')
  await h.redis.hdel(key('whfailed'), 'C1')
  await h.run(REPAIR_WEBHOOK_INDEX, k, { code: 'C1', score: 3 })
  t.equal(await h.redis.zscore(key('whfailedx'), 'C1'), null)
})

t.test('ltDoctorGauge: every field set to the count, only if all still hold what was read', async t => {
  await h.redis.hset(key('open'), 'a', '2', 'b', '5')
  t.equal(await h.run(REPAIR_GAUGE, { gauge: key('open') }, { triples: ['a', '2', '1', 'b', '4', '0'] }), 'changed')
  t.equal(await h.run(REPAIR_GAUGE, { gauge: key('open') }, { triples: ['a', '2', '1', 'b', '5', '0', 'c', '', '3'] }), 'repaired')
  t.same(await h.redis.hgetall(key('open')), { a: '1', c: '3' })
})

t.test('ltDoctorUnmatched: the index follows the kept data', async t => {
  const k = { unmatchedIndex: key('unm'), unmatchedData: key('unmdata') }
  await h.redis.hset(key('unmdata'), 'e1', '{}')
  await h.redis.zadd(key('unm'), 1, 'e2')
  t.equal(await h.run(REPAIR_UNMATCHED, k, { id: 'e1', score: 4 }), 'repaired')
  t.equal(await h.run(REPAIR_UNMATCHED, k, { id: 'e2', score: 4 }), 'repaired')
  t.same(await h.redis.zrange(key('unm'), 0, -1, 'WITHSCORES'), ['e1', '4'])
})
