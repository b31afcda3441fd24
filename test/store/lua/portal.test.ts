/** The portal's scripts on their own: callbacks, online dossiers, links and routing. */
import t from 'tap'
import { counter, harness, key } from './harness.js'
import { KEEP_CALLBACK, LINK, ONLINE_DOSSIER, PORTAL_EVENT, ROUTE } from '../../../src/store/scripts-portal.js'
import { statsKeysFor } from '../../../src/store/stats/stats-store.js'
import { lifecycleArgv } from '../../../src/store/lifecycle-store.js'

const h = harness(t)
const SP = key('stats')
const d = key('d:civil:1')
const unmatched = (id: string): string => JSON.stringify({ maSuKien: id, at: 'x', reason: 'UNKNOWN_DOSSIER', maHoSo: 'C1' })

const peKeys = (evt: string, day?: string) => ({
  evt: key(`evt:${evt}`),
  codes: key('codes'),
  dossier: d,
  hist: key('hist:C1'),
  whq: key('whq:C1'),
  active: key('whactive'),
  unmatchedIndex: key('unm'),
  stats: statsKeysFor(SP, '', day === undefined ? [] : [day]),
  unmatchedData: key('unmdata')
})
const peArgs = {
  code: 'C1',
  ref: 'civil:1',
  now: 1000,
  retentionMs: 60_000,
  historyEntry: '{"h":"fwd"}',
  factField: '',
  factValue: '',
  incrField: '',
  webhookType: 'dossier.rated',
  webhookBody: '{"type":"dossier.rated"}',
  unmatchedEntry: unmatched('e1'),
  historyEntryNotForwarded: '{"h":"local"}',
  paid: 0,
  ratingScore: '',
  unmatchedCap: 10
}

t.test('ltPortalEvent: applied once with its history, webhook and counters; then a duplicate', async t => {
  await h.redis.hset(key('codes'), 'C1', 'civil:1')
  await h.redis.hset(d, 'maHoSo', 'C1', 'revision', 1, 'whClient', 'sector', 'receivedDay', '2025-06-15', 'statsDims', 'c|s|p|ch')
  t.same(await h.run(PORTAL_EVENT, peKeys('e1', '2025-06-15'), { ...peArgs, ratingScore: 4 }), ['applied', 'msg_C1.1'])
  t.equal(await h.redis.hget(d, 'ratingScore'), '4')
  t.equal(await counter(h.redis, `${SP}:dt:2025-06-15`, '*', 'ratingSum'), 4)
  t.same(await h.redis.lrange(key('hist:C1'), 0, -1), ['{"h":"fwd"}'])
  t.same(await h.run(PORTAL_EVENT, peKeys('e1', '2025-06-15'), peArgs), ['duplicate', 'msg_C1.1'])
  t.same(await h.run(PORTAL_EVENT, peKeys('e2'), { ...peArgs, paid: 1 }), ['moved', ''], 'the receipt day\'s counters are not in KEYS')
  t.same(await h.run(PORTAL_EVENT, peKeys('e3'), { ...peArgs, ref: 'civil:other' }), ['moved', ''], 'the code points elsewhere')
})

t.test('ltPortalEvent: an unknown code is kept for admins', async t => {
  t.same(await h.run(PORTAL_EVENT, peKeys('e9'), { ...peArgs, ref: '' }), ['unmatched', ''])
  t.equal(await h.redis.zscore(key('unm'), 'e1'), '1000')
  t.equal(await h.redis.hget(key('unmdata'), 'e1'), unmatched('e1'))
})

const odKeys = (evt: string) => ({
  evt: key(`evt:${evt}`),
  codes: key('codes'),
  dossier: key('d:portal:C1'),
  doc: key('doc:portal:C1'),
  hist: key('hist:C1'),
  whq: key('whq:C1'),
  active: key('whactive'),
  idxUnrouted: key('sx:unrouted'),
  unmatchedIndex: key('unm'),
  due: key('due'),
  overdue: key('overdue'),
  closed: key('closed'),
  notices: key('nt'),
  noticeQ: key('ntq'),
  all: key('all'),
  stats: statsKeysFor(SP, '2025-06-15|received|1'),
  unmatchedData: key('unmdata')
})
const odArgs = {
  code: 'C1',
  ref: 'portal:C1',
  now: 1000,
  retentionMs: 60_000,
  historyEntry: '{"h":1}',
  doc: 'DOC',
  state: 'unrouted',
  whClient: '',
  webhookBody: '{}',
  unmatchedEntry: unmatched('e1'),
  ...lifecycleArgv({ dueAt: 9000, dueAtIso: 'due', final: false, now: 1000, resolved: false, statsPrefix: SP, dims: 'c|s|p|ch', bumps: '2025-06-15|received|1' }),
  unmatchedCap: 10,
  fields: ['maHoSo', 'C1', 'status', '1']
}

t.test('ltOnlineDossier: created unrouted, with its fields, document, indexes and counters; then known', async t => {
  t.same(await h.run(ONLINE_DOSSIER, odKeys('e1'), odArgs), ['created', ''])
  t.match(await h.redis.hgetall(key('d:portal:C1')), { maHoSo: 'C1', status: '1', state: 'unrouted', dueAt: '9000' })
  t.equal(await h.redis.get(key('doc:portal:C1')), 'DOC')
  t.equal(await h.redis.hget(key('codes'), 'C1'), 'portal:C1')
  t.equal(await h.redis.zscore(key('sx:unrouted'), 'portal:C1'), '1000')
  t.equal(await h.redis.zscore(key('all'), 'portal:C1'), '1000')
  t.equal(await h.redis.zscore(key('due'), 'portal:C1'), '9000')
  t.equal(await counter(h.redis, `${SP}:dt:2025-06-15`, '*', 'received'), 1)
  t.same(await h.run(ONLINE_DOSSIER, odKeys('e1'), odArgs), ['duplicate', ''])
  t.same(await h.run(ONLINE_DOSSIER, odKeys('e2'), odArgs), ['known', ''])
  t.same(await h.run(ONLINE_DOSSIER, odKeys('e3'), { ...odArgs, ref: 'portal:other' }), ['conflict', ''])
})

t.test('ltKeepCallback: kept once per event id', async t => {
  const k = { evt: key('evt:e1'), unmatchedIndex: key('unm'), unmatchedData: key('unmdata') }
  const a = { retentionMs: 60_000, unmatchedEntry: unmatched('e1'), now: 7, unmatchedCap: 10 }
  t.equal(await h.run(KEEP_CALLBACK, k, a), 'kept')
  t.equal(await h.run(KEEP_CALLBACK, k, a), 'duplicate')
  t.equal(await h.redis.zscore(key('unm'), 'e1'), '7')
})

t.test('ltLink: the online record moves to the sector\'s reference, its indexes with it', async t => {
  const side = (ref: string): string[] => ['d', 'raw', 'steps', 'att', 'doc'].map(n => key(`${n}:${ref}`))
  const lk = { codes: key('codes'), sector: side('civil:1'), portal: side('portal:C1'), idxUnrouted: key('sx:unrouted'), hist: key('hist:C1'), refIndexes: [key('due'), key('outbox')] }
  const la = { code: 'C1', sectorRef: 'civil:1', portalRef: 'portal:C1', clientId: 'hotich', whClient: 'hotich', routing: 'r', historyEntry: '{"h":1}', now: 5, retentionMs: 60_000 }
  t.equal(await h.run(LINK, lk, la), 'unknown')
  await h.redis.hset(key('codes'), 'C1', 'portal:C1')
  await h.redis.hset(key('d:portal:C1'), 'maHoSo', 'C1', 'state', 'unrouted', 'revision', 1)
  await h.redis.set(key('doc:portal:C1'), 'DOC')
  await h.redis.zadd(key('sx:unrouted'), 1, 'portal:C1')
  await h.redis.zadd(key('due'), 99, 'portal:C1')
  t.equal(await h.run(LINK, lk, la), 'linked')
  t.match(await h.redis.hgetall(key('d:civil:1')), { maHoSo: 'C1', state: 'delivered', clientId: 'hotich', revision: '2' })
  t.equal(await h.redis.get(key('doc:civil:1')), 'DOC')
  t.equal(await h.redis.hget(key('codes'), 'C1'), 'civil:1')
  t.equal(await h.redis.zscore(key('due'), 'civil:1'), '99')
  t.equal(await h.redis.zscore(key('sx:unrouted'), 'portal:C1'), null)
  t.equal(await h.run(LINK, lk, la), 'already')
  t.equal(await h.run(LINK, lk, { ...la, code: 'C2' }), 'sector-elsewhere')
})

t.test('ltRoute: an unrouted dossier given to a client, with its webhook event', async t => {
  const rk = { dossier: d, idxUnrouted: key('sx:unrouted'), hist: key('hist:C1'), whq: key('whq:C1'), active: key('whactive') }
  const ra = { ref: 'civil:1', code: 'C1', client: 'hotich', routing: 'r', webhookBody: '{"type":"dossier.submitted-online"}', historyEntry: '{"h":1}', now: 5, retentionMs: 60_000 }
  t.same(await h.run(ROUTE, rk, ra), ['missing', ''])
  await h.redis.hset(d, 'state', 'unrouted', 'revision', 1)
  await h.redis.zadd(key('sx:unrouted'), 1, 'civil:1')
  t.same(await h.run(ROUTE, rk, ra), ['ok', 'msg_C1.1'])
  t.match(await h.redis.hgetall(d), { state: 'delivered', whClient: 'hotich', routing: 'r', revision: '2' })
  t.equal(await h.redis.zscore(key('sx:unrouted'), 'civil:1'), null)
  t.same(await h.run(ROUTE, rk, ra), ['state', ''])
})
