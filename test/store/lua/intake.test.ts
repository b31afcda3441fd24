/** ltIntake and ltAdminChange on their own: given keys and arguments, the reply and the keys written. */
import t from 'tap'
import { counter, harness, key } from './harness.js'
import { INTAKE, ADMIN_CHANGE } from '../../../src/store/scripts-intake.js'
import { statsKeysFor } from '../../../src/store/stats/stats-store.js'
import { SNAPSHOT_FIELDS, lifecycleArgv } from '../../../src/store/lifecycle-store.js'

const h = harness(t)
const NOW = 1_750_000_000_000
const SP = key('stats')
const lifecycle = (bumps = ''): ReturnType<typeof lifecycleArgv> => lifecycleArgv({ dueAt: NOW + 86_400_000, dueAtIso: 'due', final: false, now: NOW, resolved: false, statsPrefix: SP, dims: 'c|s|p|ch', bumps })
const keys = (bumps = '') => ({
  dossier: key('d:civil:1'),
  raw: key('raw:civil:1'),
  steps: key('steps:civil:1'),
  codes: key('codes'),
  seq: key('seq:250615'),
  outbox: key('outbox'),
  flushOwner: key('owner'),
  flushGen: key('gen'),
  flushArmed: key('armed'),
  idxFailed: key('sx:failed'),
  idxReview: key('sx:needs-review'),
  due: key('due'),
  overdue: key('overdue'),
  doc: key('doc:civil:1'),
  closed: key('closed'),
  notices: key('nt'),
  noticeQ: key('ntq'),
  all: key('all'),
  stats: statsKeysFor(SP, bumps),
  seqOwner: key('seqowner:250615'),
  seqEpoch: key('seqepoch')
})
const args = (over: Partial<Record<string, string | number>> = {}, bumps = '') => ({
  ref: 'civil:1',
  agency: 'A',
  day: '250615',
  fullHash: 'f1',
  contentHash: 'c1',
  status: '1',
  doc: Buffer.from([0, 1, 2, 255]),
  upto: '250616',
  jump: 1000,
  now: NOW,
  retentionMs: 60_000,
  reviewJson: '',
  stepJson: '{"status":"1"}',
  rawKeep: 20,
  whClient: '',
  expectedRevision: 0,
  ...lifecycle(bumps),
  ...over
})

t.test('ltIntake: a new dossier gets a code, enters the outbox, and asks for a flush job', async t => {
  const r = await h.run(INTAKE, keys('2025-06-15|received|1'), args({}, '2025-06-15|received|1'))
  t.same(r, ['A-250615-00001', 'new', 'pending', '0', '', ''])
  const d = await h.redis.hgetall(key('d:civil:1'))
  t.match(d, { maHoSo: 'A-250615-00001', revision: '1', state: 'pending', status: '1', fullHash: 'f1', dueAt: String(NOW + 86_400_000), statsDims: 'c|s|p|ch' })
  t.equal(await h.redis.hget(key('codes'), 'A-250615-00001'), 'civil:1')
  t.equal(await h.redis.zscore(key('outbox'), 'civil:1'), String(NOW))
  t.equal(await h.redis.zscore(key('due'), 'civil:1'), String(NOW + 86_400_000))
  t.equal(await h.redis.zscore(key('all'), 'civil:1'), String(NOW), 'listed among all dossiers, at its intake')
  t.same(await h.redis.getBuffer(key('doc:civil:1')), Buffer.from([0, 1, 2, 255]), 'the binary document as sent')
  t.equal(await counter(h.redis, `${SP}:dt:2025-06-15`, '*', 'received'), 1)
  t.equal(await h.redis.get(key('armed')), '0')
})

t.test('ltIntake: a resend is a duplicate; a stale revision is retried; a change is an update', async t => {
  await h.run(INTAKE, keys(), args())
  t.same(await h.run(INTAKE, keys(), args({ expectedRevision: 1 })), ['A-250615-00001', 'duplicate', 'pending', '0', 'pending', ''])
  // A retry carries the dossier as it is, in place of the code: what the status machine decides on next.
  const snapshot = await h.redis.hmget(key('d:civil:1'), ...SNAPSHOT_FIELDS)
  t.equal(snapshot[0], 'A-250615-00001')
  t.same(await h.run(INTAKE, keys(), args({ expectedRevision: 0, fullHash: 'f2' })), [snapshot, 'retry', '', '', ''])
  const up = await h.run(INTAKE, keys(), args({ expectedRevision: 1, fullHash: 'f2', contentHash: 'c2', status: '2', stepJson: '{"status":"2"}' }))
  t.same(up.slice(0, 3), ['A-250615-00001', 'updated', 'pending'])
  t.match(await h.redis.hgetall(key('d:civil:1')), { revision: '2', contentRev: '2', status: '2' })
  t.same(await h.redis.lrange(key('steps:civil:1'), 0, -1), ['{"id":1,"status":"2"}'])
  t.equal(await h.redis.llen(key('raw:civil:1')), 1, 'the previous document kept')
})

t.test('ltIntake: review items hold the dossier out of the outbox', async t => {
  const r = await h.run(INTAKE, keys(), args({ reviewJson: '[{"code":"COMMUNE_SPLIT"}]' }))
  t.same(r, ['A-250615-00001', 'new', 'needs-review', '', '', ''])
  t.equal(await h.redis.zscore(key('outbox'), 'civil:1'), null)
  t.ok(await h.redis.zscore(key('sx:needs-review'), 'civil:1'))
})

t.test('ltIntake: a changed resend of a compacted dossier is refused, nothing written', async t => {
  await h.redis.hset(key('d:civil:1'), 'maHoSo', 'A-250615-00009', 'revision', '3', 'state', 'delivered', 'fullHash', 'old', 'compactedAt', '1')
  t.same(await h.run(INTAKE, keys(), args({ expectedRevision: 3 })), ['A-250615-00009', 'compacted', 'delivered', '', ''])
  t.equal(await h.redis.hget(key('d:civil:1'), 'revision'), '3')
})

t.test('ltIntake: the day\'s 99,999 codes used is an error reply', async t => {
  await h.redis.set(key('seq:250615'), '99999')
  await t.rejects(h.run(INTAKE, keys(), args()), /SEQUENCE_EXHAUSTED/)
})

t.test('ltAdminChange: a held dossier requeued at its revision, refused at another', async t => {
  await h.run(INTAKE, keys(), args({ reviewJson: '[{"code":"X"}]' }))
  const ak = { dossier: key('d:civil:1'), outbox: key('outbox'), flushOwner: key('owner'), flushGen: key('gen'), idxFailed: key('sx:failed'), idxReview: key('sx:needs-review'), raw: key('raw:civil:1'), doc: key('doc:civil:1') }
  const aa = { ref: 'civil:1', now: NOW + 1, expectedState: 'needs-review', expectedRevision: 1, doc: '', fullHash: '', contentHash: '', resolutionsJson: '[{"code":"X"}]', requeue: 1, reviewJson: '[]', newRevision: '', rawKeep: 20, retentionMs: 60_000 }
  t.same(await h.run(ADMIN_CHANGE, ak, { ...aa, expectedRevision: 7 }), ['revision', 'needs-review', ''])
  t.same(await h.run(ADMIN_CHANGE, ak, { ...aa, expectedState: 'failed' }), ['state', 'needs-review', ''])
  t.same(await h.run(ADMIN_CHANGE, ak, aa), ['ok', 'pending', '0'])
  t.equal(await h.redis.zscore(key('outbox'), 'civil:1'), String(NOW + 1))
  t.equal(await h.redis.zscore(key('sx:needs-review'), 'civil:1'), null)
  t.equal(await h.redis.hget(key('d:civil:1'), 'resolutions'), '[{"code":"X"}]')
  t.same(await h.run(ADMIN_CHANGE, { ...ak, dossier: key('d:none') }, aa), ['missing', '', ''])
})
