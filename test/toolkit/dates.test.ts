import t from 'tap'
import { birthDate, dateTime, isoBirthDate, isoDateTime, isoFromEpoch, toPortalDate } from '../../src/domain/toolkit/dates.js'

t.test('dateTime accepts every notation of the sector systems as local time', async t => {
  const conv = dateTime()
  const cases: Array<[string, string]> = [
    ['01/07/2025 08:15', '2025-07-01T08:15:00+07:00'], // land, dd/MM/yyyy HH:mm
    ['15/07/2025', '2025-07-15T00:00:00+07:00'], // land, date only
    ['01/07/2025 08:15:30', '2025-07-01T08:15:30+07:00'],
    ['1/7/2025', '2025-07-01T00:00:00+07:00'],
    ['01-07-2025', '2025-07-01T00:00:00+07:00'],
    ['2025-07-03T14:05:00', '2025-07-03T14:05:00+07:00'], // social insurance, no zone
    ['2025-07-03T14:05', '2025-07-03T14:05:00+07:00'],
    ['2025-07-03T14:05:00.750', '2025-07-03T14:05:00+07:00'],
    ['20250708', '2025-07-08T00:00:00+07:00'], // social insurance, yyyyMMdd
    ['20250701081500', '2025-07-01T08:15:00+07:00'],
    ['2025-07-02', '2025-07-02T00:00:00+07:00'], // civil status, date only
    ['2025-07-02T09:30:00+07:00', '2025-07-02T09:30:00+07:00'],
    ['2025-07-02T02:30:00Z', '2025-07-02T09:30:00+07:00'],
    ['2025-07-01T20:00:00Z', '2025-07-02T03:00:00+07:00'], // crosses midnight
    ['2025-07-01T23:30:00-05:00', '2025-07-02T11:30:00+07:00'],
    ['2025-07-02T09:30:00+0700', '2025-07-02T09:30:00+07:00'],
    ['  2025-07-02T09:30:00+07:00\n', '2025-07-02T09:30:00+07:00'],
    ['29/02/2024', '2024-02-29T00:00:00+07:00']
  ]
  for (const [raw, want] of cases) t.same(conv(raw), { ok: true, value: want }, raw)
})

t.test('dateTime: a date alone is the start or the end of the day', async t => {
  t.same(dateTime({ dateOnly: 'start' })('15/07/2025'), { ok: true, value: '2025-07-15T00:00:00+07:00' })
  t.same(dateTime({ dateOnly: 'end' })('15/07/2025'), { ok: true, value: '2025-07-15T23:59:59+07:00' })
  t.same(dateTime({ dateOnly: 'end' })('20250708'), { ok: true, value: '2025-07-08T23:59:59+07:00' })
  t.same(dateTime({ dateOnly: 'end' })('01/07/2025 08:15'), { ok: true, value: '2025-07-01T08:15:00+07:00' },
    'a given time is kept')
})

t.test('dateTime refuses impossible dates and years outside 1900..2100', async t => {
  const conv = dateTime()
  for (const raw of ['31/02/2025', '29/02/2025', '01/13/2025', '00/07/2025', '2025-07-01T24:00', '2025-07-01T23:60',
    '2025-07-01T23:59:60', '2025-13-01', '20251301', '2025-07-01T08:00:00+15:00', '01/07-2025', '2025/07/01',
    '1/7/25', 'hôm nay', '', '2025-07-01Z', '07/01/2025 8h15']) {
    const r = conv(raw)
    t.match(r, { ok: false, code: 'INVALID_DATE' }, raw)
  }
  t.match(conv('31/12/1899'), { ok: false, code: 'INVALID_DATE', en: /1900/ })
  t.match(conv('2101-01-01'), { ok: false, code: 'INVALID_DATE' })
  t.match(conv('2100-12-31T20:00:00Z'), { ok: false, code: 'INVALID_DATE' }, 'local time is in 2101')
  const bad = conv('31/02/2025')
  if (!bad.ok) {
    t.match(bad.vi, /ngày/)
    t.match(bad.en, /^is not a valid date/)
  }
})

t.test('birthDate gives yyyy-MM-dd, or yyyy for a year alone', async t => {
  const conv = birthDate()
  const cases: Array<[string, string]> = [
    ['1979', '1979'],
    ['12/03/1986', '1986-03-12'],
    ['1990-01-15', '1990-01-15'],
    ['19921105', '1992-11-05'],
    ['2025-06-20', '2025-06-20'],
    ['1990-01-15T00:00:00+07:00', '1990-01-15'],
    ['2025-06-19T20:00:00Z', '2025-06-20'], // local date
    ['00/00/1979', '1979'], // day and month unknown
    ['00/03/1979', '1979'], // day unknown: the canonical form has no month precision
    ['1850', '1850']
  ]
  for (const [raw, want] of cases) t.same(conv(raw), { ok: true, value: want }, raw)
  for (const raw of ['1849', '2101', '30/02/1990', '1990-02-30', '79', 'năm 1979', '12/1986', '00/13/1979']) {
    t.match(conv(raw), { ok: false, code: 'INVALID_DATE' }, raw)
  }
})

t.test('toPortalDate writes yyyyMMddHHmmss in local time', async t => {
  t.equal(toPortalDate('2025-07-01T08:15:00+07:00'), '20250701081500')
  t.equal(toPortalDate('2025-07-01T01:15:00Z'), '20250701081500')
  t.equal(toPortalDate('2025-06-30T20:15:00-05:00'), '20250701081500')
  t.equal(toPortalDate('2025-12-31T23:59:59+07:00'), '20251231235959')
  t.throws(() => toPortalDate('2025-07-01'), RangeError)
  t.throws(() => toPortalDate('01/07/2025 08:15'), RangeError)
  t.throws(() => toPortalDate('2025-02-30T00:00:00+07:00'), RangeError)
})

t.test('isoFromEpoch', async t => {
  t.equal(isoFromEpoch(Date.UTC(2025, 6, 1, 1, 15, 0, 999)), '2025-07-01T08:15:00+07:00')
  t.equal(isoFromEpoch(Date.UTC(2025, 6, 1, 18, 0)), '2025-07-02T01:00:00+07:00')
  t.throws(() => isoFromEpoch(Number.NaN), RangeError)
})

t.test('isoDateTime takes only the canonical form, and only dates that exist', async t => {
  const conv = isoDateTime()
  t.same(conv('2025-07-02T09:30:00+07:00'), { ok: true, value: '2025-07-02T09:30:00+07:00' })
  t.same(conv(' 2024-02-29T23:59:59+07:00 '), { ok: true, value: '2024-02-29T23:59:59+07:00' })
  for (const raw of ['2025-02-30T25:00:00+07:00', '2025-02-29T08:00:00+07:00', '2025-06-31T08:00:00+07:00',
    '2025-07-01T24:00:00+07:00', '2025-07-01T23:60:00+07:00', '2025-07-01T23:59:60+07:00', '2025-13-01T00:00:00+07:00',
    '2025-00-10T00:00:00+07:00', '1899-12-31T23:59:59+07:00']) {
    t.match(conv(raw), { ok: false, code: 'INVALID_DATE' }, raw)
    // Every value it accepts converts for the portal.
  }
  t.match(conv('2025-02-30T25:00:00+07:00'), { ok: false, en: /exists/ })
  for (const raw of ['2025-07-02T02:30:00Z', '2025-07-02T09:30:00', '2025-07-02', '02/07/2025 09:30', '20250702093000',
    '2025-07-02T09:30:00+0700', '2025-07-02T09:30:00.5+07:00', '２０２５-07-02T09:30:00+07:00']) {
    t.match(conv(raw), { ok: false, code: 'INVALID_DATE', en: /yyyy-MM-ddTHH:mm:ss\+07:00/ }, `${raw}: not the canonical form`)
  }
  for (const ok of ['2025-07-02T09:30:00+07:00', '2100-12-31T23:59:59+07:00', '1900-01-01T00:00:00+07:00']) {
    const r = conv(ok)
    t.ok(r.ok && toPortalDate(r.value).length === 14, `${ok} converts for the portal`)
  }
})

t.test('isoBirthDate: yyyy-MM-dd or yyyy, a date that exists', async t => {
  const conv = isoBirthDate()
  t.same(conv('1990-01-15'), { ok: true, value: '1990-01-15' })
  t.same(conv('1979'), { ok: true, value: '1979' })
  t.match(conv('1990-02-30'), { ok: false, code: 'INVALID_DATE', en: 'is not a date that exists' })
  t.match(conv('1700-01-01'), { ok: false, code: 'INVALID_DATE', en: /1850/ })
  for (const raw of ['15/01/1990', '19900115', '1990-01-15T00:00:00+07:00', '90']) {
    t.match(conv(raw), { ok: false, code: 'INVALID_DATE', en: /yyyy-MM-dd or yyyy/ }, raw)
  }
})
