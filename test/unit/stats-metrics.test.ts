import t from 'tap'
import { bumpsFor, cohortBumps, dimsOf, encodeBumps, localDay, parseDims, type Transition } from '../../src/domain/stats-dimensions.js'
import { checkRange, lastDays, plan } from '../../src/store/stats/query.js'
import { defaultRange } from '../../src/http/routes/stats.js'

const base: Transition = {
  isNew: false,
  receivedAt: '2025-07-01T08:00:00+07:00',
  channel: 'in-person',
  digitised: false,
  paidOnline: { before: false, after: false },
  from: '4',
  to: '4',
  at: '2025-07-03T09:00:00+07:00',
  dueAt: '2025-07-10T17:00:00+07:00',
  resolvedBefore: false,
  overdueBefore: false
}

t.test('local days are Asia/Ho_Chi_Minh dates, whatever the zone written', async t => {
  t.equal(localDay('2025-06-30T23:30:00+07:00'), '2025-06-30')
  t.equal(localDay('2025-06-30T17:30:00Z'), '2025-07-01', '00:30 local')
  t.equal(localDay('2025-06-30T16:59:59Z'), '2025-06-30')
  t.throws(() => localDay('2025-06-30T10:00:00'), RangeError, 'a time with no zone depends on the machine: refused')
})

t.test('a new dossier counts on its receipt day, with its channel and digitisation', async t => {
  const e = bumpsFor({ ...base, isNew: true, from: undefined, to: '2', channel: 'online', digitised: true, receivedAt: '2025-06-30T23:10:00+07:00', at: '2025-07-01T08:00:00+07:00' })
  t.same(e.bumps, [
    { day: '2025-06-30', metric: 'received', delta: 1 },
    { day: '2025-06-30', metric: 'online', delta: 1 },
    { day: '2025-06-30', metric: 'digitised', delta: 1 }
  ])
  t.same({ resolved: e.resolved, overdue: e.overdue, overdueCleared: e.overdueCleared }, { resolved: false, overdue: false, overdueCleared: false })
  const inPerson = bumpsFor({ ...base, isNew: true, from: undefined, to: '2' })
  t.same(inPerson.bumps, [{ day: '2025-07-01', metric: 'received', delta: 1 }])
  t.same(bumpsFor({ ...base, digitised: true }).bumps, [], 'digitisation counts at intake only')
})

t.test('resolution: early before the due day, on time on it up to the due instant, late after', async t => {
  const resolvedAt = (at: string): unknown => bumpsFor({ ...base, to: '9', at }).bumps
  t.same(resolvedAt('2025-07-09T23:59:59+07:00'), [{ day: '2025-07-09', metric: 'resolvedEarly', delta: 1 }])
  t.same(resolvedAt('2025-07-10T00:00:00+07:00'), [{ day: '2025-07-10', metric: 'resolvedOnTime', delta: 1 }])
  t.same(resolvedAt('2025-07-10T17:00:00+07:00'), [{ day: '2025-07-10', metric: 'resolvedOnTime', delta: 1 }], 'at the due instant is on time')
  t.same(resolvedAt('2025-07-10T17:00:01+07:00'), [{ day: '2025-07-10', metric: 'resolvedLate', delta: 1 }], 'one second after is late')
  t.same(resolvedAt('2025-07-09T18:00:00Z'), [{ day: '2025-07-10', metric: 'resolvedOnTime', delta: 1 }], '01:00 local on the due day, written in UTC')
  t.same(resolvedAt('2025-07-10T10:30:00Z'), [{ day: '2025-07-10', metric: 'resolvedLate', delta: 1 }], '17:30 local, written in UTC')
  const e = bumpsFor({ ...base, to: '9', at: '2025-07-11T08:00:00+07:00', overdueBefore: true })
  t.same(e.bumps, [{ day: '2025-07-11', metric: 'resolvedLate', delta: 1 }, { metric: 'overdueOpen', delta: -1 }])
  t.ok(e.resolved)
  t.ok(e.overdueCleared)
})

t.test('resolved once: 9 then 10 counts once; 10 straight from processing counts', async t => {
  t.same(bumpsFor({ ...base, from: '9', to: '10', resolvedBefore: true }).bumps, [])
  t.ok(bumpsFor({ ...base, from: '9', to: '10', resolvedBefore: true }).resolved)
  t.same(bumpsFor({ ...base, from: '4', to: '10' }).bumps, [{ day: '2025-07-03', metric: 'resolvedEarly', delta: 1 }])
  t.same(bumpsFor({ ...base, from: '9', to: '9' }).bumps, [], 'no move, no event')
  t.same(bumpsFor({ ...base, isNew: true, from: undefined, to: '10' }).bumps.map(b => b.metric), ['received', 'resolvedEarly'], 'taken in already resolved')
})

t.test('each move into 5, 7 and 3 is an event on its day', async t => {
  t.same(bumpsFor({ ...base, to: '5' }).bumps, [{ day: '2025-07-03', metric: 'supplementRequests', delta: 1 }])
  t.same(bumpsFor({ ...base, from: '5', to: '5' }).bumps, [], 'staying in 5 is not another request')
  t.same(bumpsFor({ ...base, to: '7' }).bumps, [{ day: '2025-07-03', metric: 'withdrawn', delta: 1 }])
  t.same(bumpsFor({ ...base, isNew: true, from: undefined, to: '3' }).bumps, [
    { day: '2025-07-01', metric: 'received', delta: 1 },
    { day: '2025-07-03', metric: 'refused', delta: 1 }
  ])
})

t.test('overdueOpen: in when past due and open, out when resolved, final or given a later date', async t => {
  const late = '2025-07-12T09:00:00+07:00'
  const into = bumpsFor({ ...base, at: late })
  t.same(into.bumps, [{ metric: 'overdueOpen', delta: 1 }])
  t.ok(into.overdue)
  t.same(bumpsFor({ ...base, at: late, overdueBefore: true }).bumps, [], 'still overdue: no change')
  t.same(bumpsFor({ ...base, from: '5', to: '4', at: late, overdueBefore: true, dueAt: '2025-07-20T17:00:00+07:00' }).bumps, [{ metric: 'overdueOpen', delta: -1 }], 'a new due date in the future')
  const stopped = bumpsFor({ ...base, to: '8', at: late, overdueBefore: true })
  t.same(stopped.bumps, [{ metric: 'overdueOpen', delta: -1 }])
  t.ok(stopped.overdueCleared)
  t.notOk(stopped.overdue)
  t.same(bumpsFor({ ...base, to: '8', at: late }).bumps, [], 'final when it would have become overdue')
  t.same(bumpsFor({ ...base, from: '9', to: '4', at: late, resolvedBefore: true }).bumps, [], 'a resolved dossier is never overdue')
})

t.test('payment and ratings count on the receipt day', async t => {
  t.same(bumpsFor({ ...base, paidOnline: { before: false, after: true } }).bumps, [{ day: '2025-07-01', metric: 'paidOnline', delta: 1 }])
  t.same(bumpsFor({ ...base, paidOnline: { before: true, after: false } }).bumps, [{ day: '2025-07-01', metric: 'paidOnline', delta: -1 }])
  t.same(bumpsFor({ ...base, paidOnline: { before: true, after: true } }).bumps, [])
  t.same(bumpsFor({ ...base, rating: 4 }).bumps, [{ day: '2025-07-01', metric: 'ratingSum', delta: 4 }, { day: '2025-07-01', metric: 'ratingCount', delta: 1 }])
  t.same(bumpsFor({ ...base, rating: 2, previousRating: 5 }).bumps, [{ day: '2025-07-01', metric: 'ratingSum', delta: -3 }], 'a re-rating moves the sum only')
})

t.test('cohortBumps takes back exactly what a dossier contributed', async t => {
  const d = { receivedAt: '2025-07-01T08:00:00+07:00', channel: 'online' as const, digitised: true, paidOnline: true, rating: 3, overdue: true }
  const plus = encodeBumps(cohortBumps(d, 1))
  t.equal(plus, '2025-07-01|received|1;2025-07-01|online|1;2025-07-01|digitised|1;2025-07-01|paidOnline|1;2025-07-01|ratingSum|3;2025-07-01|ratingCount|1;|overdueOpen|1')
  t.equal(encodeBumps([...cohortBumps(d, 1), ...cohortBumps(d, -1)]), '')
})

t.test('dimsOf: four parts, none of which can hold the separator', async t => {
  const d = { communeCode: '18754', system: 'civil-status', procedure: '1.004227.000.00.00.H42', channel: 'online' as const }
  t.equal(dimsOf(d), '18754|civil-status|1.004227.000.00.00.H42|online')
  t.same(parseDims(dimsOf(d)), d)
  t.throws(() => dimsOf({ ...d, system: 'civil|status' }), RangeError)
  t.throws(() => dimsOf({ ...d, communeCode: '1875|' }), RangeError)
  t.throws(() => dimsOf({ ...d, procedure: '1.004227|x' }), RangeError)
  t.throws(() => dimsOf({ ...d, channel: 'fax' as 'online' }), RangeError)
  t.equal(parseDims('a|b|c'), undefined)
})

t.test('encodeBumps: summed per bucket, zeros dropped, checked', async t => {
  t.equal(encodeBumps([]), '')
  t.equal(encodeBumps([
    { day: '2025-07-01', metric: 'received', delta: 1 },
    { metric: 'overdueOpen', delta: -1 },
    { day: '2025-07-01', metric: 'ratingSum', delta: 4 },
    { day: '2025-07-01', metric: 'ratingSum', delta: -1 },
    { day: '2025-07-02', metric: 'withdrawn', delta: 1 },
    { day: '2025-07-02', metric: 'withdrawn', delta: -1 }
  ]), '2025-07-01|received|1;|overdueOpen|-1;2025-07-01|ratingSum|3')
  t.throws(() => encodeBumps([{ metric: 'received', delta: 1 }]), RangeError, 'a day metric needs a day')
  t.throws(() => encodeBumps([{ day: '2025-07-01', metric: 'overdueOpen', delta: 1 }]), RangeError, 'the gauge has none')
  t.throws(() => encodeBumps([{ day: '2025-02-30', metric: 'received', delta: 1 }]), RangeError)
  t.throws(() => encodeBumps([{ day: '2025-07-01', metric: 'received', delta: 0.5 }]), RangeError)
})

t.test('query plan: month rollups for whole months, days for the edges', async t => {
  const keys = (from: string, to: string, g?: 'day' | 'month'): string[] => plan(from, to, g).map(r => `${r.key('s', false)}@${r.period}`)
  t.same(keys('2025-06-29', '2025-08-02'), ['s:d:2025-06-29@', 's:d:2025-06-30@', 's:m:2025-07@', 's:d:2025-08-01@', 's:d:2025-08-02@'])
  t.same(keys('2025-02-01', '2025-02-28', 'month'), ['s:m:2025-02@2025-02'])
  t.same(keys('2024-02-01', '2024-02-28', 'month').length, 28, 'February 2024 has 29 days: not whole')
  t.same(keys('2025-06-30', '2025-07-01', 'day'), ['s:d:2025-06-30@2025-06-30', 's:d:2025-07-01@2025-07-01'])
  t.same(keys('2025-07-31', '2025-09-01', 'month'), ['s:d:2025-07-31@2025-07', 's:m:2025-08@2025-08', 's:d:2025-09-01@2025-09'])
  t.same(plan('2025-07-31', '2025-08-31').map(r => r.key('s', true)), ['s:dt:2025-07-31', 's:mt:2025-08'], 'the totals hashes')
})

t.test('range checks and defaults', async t => {
  t.doesNotThrow(() => { checkRange('2024-01-01', '2024-12-31') }, '366 days')
  t.throws(() => { checkRange('2024-01-01', '2025-01-01') }, { code: 'RANGE_TOO_LONG', field: 'to', statusCode: 422 })
  t.throws(() => { checkRange('2025-07-02', '2025-07-01') }, { code: 'RANGE_INVERTED', field: 'to' })
  t.throws(() => { checkRange('2025-02-30', '2025-03-01') }, { code: 'INVALID_DATE', field: 'from' })
  const now = Date.parse('2025-07-01T01:00:00+07:00')
  t.same(lastDays(30, now), { from: '2025-06-02', to: '2025-07-01' }, 'local today, not UTC yesterday')
  t.same(defaultRange(undefined, undefined, now), { from: '2025-06-02', to: '2025-07-01' })
  t.same(defaultRange(undefined, '2025-03-31', now), { from: '2025-03-02', to: '2025-03-31' })
  t.same(defaultRange('2025-06-20', undefined, now), { from: '2025-06-20', to: '2025-07-01' })
  t.same(defaultRange('2025-08-01', undefined, now), { from: '2025-08-01', to: '2025-08-01' })
})
