/** The demo's samples dated today (scripts/demo-dates.ts): every date moves together, none lands in the future. */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { clockInVietnam, datedToday, todayInVietnam } from '../../scripts/demo-dates.js'

const sample = (f: string): string => readFileSync(new URL(`../../fixtures/samples/${f}`, import.meta.url), 'utf8')

t.test('today and the clock are Vietnam\'s', async t => {
  // 2026-12-07 20:00 UTC is 8 December, 03:00 in Vietnam (UTC+7).
  t.same(todayInVietnam(new Date('2026-12-07T20:00:00Z')), [2026, 12, 8])
  t.equal(clockInVietnam(new Date('2026-12-07T20:00:00Z')), '03:00')
})

t.test('each sample is received today, due as many days later as before, and not in the future', async t => {
  const civil = JSON.parse(datedToday(sample('civil-status.json'), [2026, 12, 8], '23:59')) as { ngayTiepNhan: string, ngayHenTra: string }
  t.equal(civil.ngayTiepNhan, '2026-12-08T09:30:00+07:00')
  t.equal(civil.ngayHenTra, '2026-12-08', 'due the day of receipt, as in the sample')
  const early = JSON.parse(datedToday(sample('civil-status.json'), [2026, 12, 8], '04:10')) as { ngayTiepNhan: string }
  t.equal(early.ngayTiepNhan, '2026-12-08T04:10:00+07:00', 'a receipt later today than now is now')
  const land = datedToday(sample('land-registration.xml'), [2026, 12, 8], '23:59')
  t.match(land, '<NgayNhan>08/12/2026 08:15</NgayNhan>')
  t.match(land, '<NgayHenTra>22/12/2026</NgayHenTra>', '14 days later, as in the sample')
  const soap = datedToday(sample('social-insurance.xml'), [2026, 12, 8], '23:59')
  t.match(soap, '<bh:NgayNhan>2026-12-08T14:05:00</bh:NgayNhan>')
  t.match(soap, '<bh:NgayHenTra>20261213</bh:NgayHenTra>')
  t.match(soap, '<bh:SoHoSo>03706/2025/07906</bh:SoHoSo>', 'numbers that look like dates in part are left alone')
  t.match(sample('civil-status.json'), 'HT-18754-2025-000077')
  t.match(datedToday(sample('civil-status.json'), [2026, 12, 8]), 'HT-18754-2025-000077')
})
