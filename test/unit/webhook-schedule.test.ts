import t from 'tap'
import { DEFAULT_WEBHOOK_SCHEDULE_MS, MAX_RETRY_AFTER_MS, parseSchedule, retryDelay } from '../../src/domain/webhook-schedule.js'

const lo = (): number => 0
const mid = (): number => 0.5
// Math.random() is < 1: the top of the range, as close as it gets.
const hi = (): number => 1 - Number.EPSILON

t.test('the default schedule: 7 retries, 8 attempts, about a day and a half', async t => {
  t.same(DEFAULT_WEBHOOK_SCHEDULE_MS, [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000])
  t.ok(Object.isFrozen(DEFAULT_WEBHOOK_SCHEDULE_MS), 'callers cannot change the shared default')
  const total = DEFAULT_WEBHOOK_SCHEDULE_MS.reduce((a, b) => a + b, 0)
  t.equal(total, 99_305_000, 'about 27.6 h from the first attempt to the last')
})

t.test('retryDelay: the scheduled delay ±20 %', async t => {
  const s = DEFAULT_WEBHOOK_SCHEDULE_MS
  t.equal(retryDelay(1, s, undefined, mid), 5_000)
  t.equal(retryDelay(1, s, undefined, lo), 4_000)
  t.equal(retryDelay(1, s, undefined, hi), 6_000)
  t.equal(retryDelay(4, s, undefined, mid), 7_200_000)
  t.equal(retryDelay(7, s, undefined, lo), 28_800_000)
  t.equal(retryDelay(7, s, undefined, hi), 43_200_000)
  const outside = Array.from({ length: 500 }, () => retryDelay(2, s) ?? 0).filter(d => d < 240_000 || d > 360_000)
  t.same(outside, [], 'Math.random draws stay within ±20 % of 5 min')
  const spread = new Set(Array.from({ length: 20 }, () => retryDelay(3, s)))
  t.ok(spread.size > 10, 'Math.random by default: deliveries that failed together spread out')
})

t.test('retryDelay: undefined once the schedule is exhausted', async t => {
  t.equal(retryDelay(8, DEFAULT_WEBHOOK_SCHEDULE_MS, undefined, mid), undefined)
  t.equal(retryDelay(8, DEFAULT_WEBHOOK_SCHEDULE_MS, 10_000, mid), undefined, 'Retry-After does not extend it')
  t.equal(retryDelay(2, [1000], undefined, mid), undefined)
  t.equal(retryDelay(1, [1000], undefined, mid), 1000)
  t.throws(() => retryDelay(0, DEFAULT_WEBHOOK_SCHEDULE_MS), RangeError)
  t.throws(() => retryDelay(1.5, DEFAULT_WEBHOOK_SCHEDULE_MS), RangeError)
})

t.test('retryDelay: never sooner than Retry-After, itself capped at 24 h', async t => {
  const s = DEFAULT_WEBHOOK_SCHEDULE_MS
  t.equal(retryDelay(1, s, 60_000, hi), 60_000, 'a longer Retry-After wins')
  t.equal(retryDelay(2, s, 60_000, mid), 300_000, 'a shorter one does not shorten the schedule')
  t.equal(retryDelay(1, s, 3 * 86_400_000, mid), MAX_RETRY_AFTER_MS)
  t.equal(MAX_RETRY_AFTER_MS, 86_400_000)
  t.equal(retryDelay(1, [172_800_000], 3 * 86_400_000, mid), 172_800_000, 'a scheduled delay above the capped Retry-After: the schedule')
  t.equal(retryDelay(1, s, 1500.2, lo), 4_000)
  t.equal(retryDelay(1, s, 4500.2, lo), 4_501, 'rounded up, never a millisecond early')
  t.equal(retryDelay(1, s, -5, mid), 5_000, 'a negative one is ignored')
  t.equal(retryDelay(1, s, Number.NaN, mid), 5_000, 'NaN is ignored')
})

t.test('parseSchedule', async t => {
  t.same(parseSchedule('5000,300000,1800000'), [5000, 300_000, 1_800_000])
  t.same(parseSchedule(' 1 , 172800000 '), [1, 172_800_000], 'spaces around entries')
  t.same(parseSchedule(DEFAULT_WEBHOOK_SCHEDULE_MS.join(',')), DEFAULT_WEBHOOK_SCHEDULE_MS)
  t.same(parseSchedule(Array(20).fill('10').join(',')).length, 20)
  const bad: Array<[string, RegExp]> = [
    ['', /empty/],
    ['  ', /empty/],
    ['5000,', /entry 2/],
    [',5000', /entry 1/],
    ['0', /entry 1 \("0"\).*1 to 172800000/],
    ['172800001', /entry 1/],
    ['5000,abc', /entry 2 \("abc"\)/],
    ['1e3', /entry 1/],
    ['0x10', /entry 1/],
    ['-5', /entry 1/],
    ['5.5', /entry 1/],
    ['5000;6000', /entry 1/],
    [Array(21).fill('10').join(','), /21 entries; at most 20/]
  ]
  for (const [text, message] of bad) t.throws(() => parseSchedule(text), { message }, JSON.stringify(text))
})
