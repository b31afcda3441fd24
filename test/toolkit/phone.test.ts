import t from 'tap'
import { phone } from '../../src/domain/toolkit/phone.js'

t.test('phone gives the national form', async t => {
  const conv = phone()
  const cases: Array<[string, string]> = [
    ['091 234 5678', '0912345678'], // land sample
    ['0983.111.222', '0983111222'], // social insurance sample
    ['+84 912 000 111', '0912000111'], // civil status sample
    ['(+84) 912 000 111', '0912000111'],
    ['(+84) 0912 000 111', '0912000111'], // trunk 0 kept after the country code by mistake
    ['+84 (0) 912 000 111', '0912000111'],
    ['84912000111', '0912000111'],
    ['0084 912 000 111', '0912000111'],
    ['0912-000-111', '0912000111'],
    ['0912000111', '0912000111'],
    ['0339 123 456', '0339123456'],
    ['0239 3855 555', '02393855555'], // fixed line, 11 digits
    ['(024) 3825 3536', '02438253536'],
    ['+84 24 3825 3536', '02438253536'],
    [' 0912\u00A0000\u00A0111 ', '0912000111']
  ]
  for (const [raw, want] of cases) t.same(conv(raw), { ok: true, value: want }, raw)
})

t.test('phone refuses anything that is not a current Vietnamese number', async t => {
  const conv = phone()
  for (const raw of ['091234567', '09123456789', '01234567890', '0212345678', '0412345678', '1900 1234', '+1 202 555 0100',
    '912000111', '0912 000 111 ext 2', '0912000111 / 0983111222', 'không có', '+84', '84 0239 3855 555 1']) {
    const r = conv(raw)
    t.match(r, { ok: false, code: 'INVALID_PHONE' }, raw)
  }
  const r = conv('123')
  if (!r.ok) t.match(r.en, /^is not a valid phone number/)
})
