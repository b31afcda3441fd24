/** The doctor's pure rules: what a record says of each index, key classification, gauge fields. */
import t from 'tap'
import { expectedIndexes } from '../../src/services/doctor/expect.js'
import { classify, RECORD_FIELDS, type RecordView } from '../../src/services/doctor/structures.js'
import { gaugeFields } from '../../src/services/doctor/check-gauges.js'

const NOW = Date.UTC(2026, 11, 7)
function rec (o: Partial<RecordView>): RecordView {
  const r = Object.fromEntries(RECORD_FIELDS.map(f => [f, ''])) as RecordView
  return { ...r, maHoSo: 'A-261207-00001', state: 'delivered', status: '2', ...o }
}

t.test('an open dossier is in due at its due date; overdue, in overdue at the date it missed', async t => {
  const open = expectedIndexes(rec({ dueAt: String(NOW + 1000) }), NOW)
  t.same(open.due, { is: 'present', score: NOW + 1000 })
  t.same(open.overdue, { is: 'absent' })
  t.same(open.closed, { is: 'absent' })
  const late = expectedIndexes(rec({ dueAt: String(NOW - 1000), overdue: '1', overdueFor: String(NOW - 1000) }), NOW)
  t.same(late.due, { is: 'absent' })
  t.same(late.overdue, { is: 'present', score: NOW - 1000 })
  const putBack = expectedIndexes(rec({ dueAt: String(NOW - 1000), overdueFor: String(NOW - 1000) }), NOW)
  t.same(putBack.due, { is: 'either' }, 'a due date put back to the one already missed: the scan drops it')
})

t.test('a final dossier is in closed only, until compacted; a discarded one may have left it', async t => {
  for (const status of ['3', '7', '8', '10']) {
    const w = expectedIndexes(rec({ status, dueAt: String(NOW - 1000), overdue: '1', overdueFor: '1' }), NOW)
    t.same([w.due.is, w.overdue.is, w.closed.is], ['absent', 'absent', 'present'], status)
  }
  t.same(expectedIndexes(rec({ status: '10', compactedAt: '1' }), NOW).closed, { is: 'absent' })
  t.same(expectedIndexes(rec({ status: '10', state: 'discarded' }), NOW).closed, { is: 'either' })
})

t.test('state indexes and the outbox follow the state', async t => {
  for (const state of ['pending', 'delivered', 'failed', 'needs-review', 'unrouted', 'discarded']) {
    const w = expectedIndexes(rec({ state }), NOW)
    t.same([w['sx:failed'].is, w['sx:needs-review'].is, w['sx:unrouted'].is, w.outbox.is], [
      state === 'failed' ? 'present' : 'absent', state === 'needs-review' ? 'present' : 'absent',
      state === 'unrouted' ? 'present' : 'absent', state === 'pending' ? 'present' : 'absent'], state)
  }
})

t.test('keys are classified by agency and kind; the portal tag is no agency', async t => {
  t.same(classify('lt', 'lt:{000.00.31.H42}:d:civil-status:HT:1'), { kind: 'dossier', agency: '000.00.31.H42', ref: 'civil-status:HT:1' })
  t.same(classify('lt', 'lt:{000.00.31.H42}:wh:000.00.31.H42-250702-00001'), { kind: 'webhook-queue', agency: '000.00.31.H42', code: '000.00.31.H42-250702-00001' })
  t.same(classify('lt', 'lt:{000.00.31.H42}:seq:250702'), { kind: 'sequence', agency: '000.00.31.H42', day: '250702' })
  t.same(classify('lt', 'lt:{000.00.31.H42}:stats:d:2025-07-02'), { kind: 'other', agency: '000.00.31.H42' })
  t.same(classify('lt', 'lt:{000.00.31.H42}:whactive'), { kind: 'other', agency: '000.00.31.H42' })
  t.equal(classify('lt', 'lt:{portal}:breaker'), undefined)
  t.equal(classify('lt', 'lt:agencies'), undefined)
  t.equal(classify('lt', '{lt-queue}:delivery:1'), undefined)
})

t.test('a gauge bump moves the combination, the total, each single dimension and each kept set', async t => {
  t.same(gaugeFields('18754|civil-status|1.001193|online', 'overdueOpen'), [
    '18754|civil-status|1.001193|online|overdueOpen', 'overdueOpen', 'c=18754|overdueOpen', 's=civil-status|overdueOpen', 'p=1.001193|overdueOpen', 'ch=online|overdueOpen',
    's=civil-status|ch=online|overdueOpen', 'c=18754|s=civil-status|overdueOpen', 'c=18754|ch=online|overdueOpen', 'c=18754|s=civil-status|ch=online|overdueOpen'])
})
