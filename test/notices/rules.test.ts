/**
 * The pure rules of notices: quiet hours on a fake clock, the opt-out hash, phones in each
 * channel's form, SMS text (diacritics, GSM-7 segments) and ZNS template data.
 */
import t from 'tap'
import { mayGoAt, heldByQuietHours } from '../../src/adapters/notices/quiet-hours.js'
import { internationalPhone, nationalPhone, optOutHash } from '../../src/adapters/notices/contacts.js'
import { nextLocalMidnight, localDateVn } from '../../src/adapters/notices/local-time.js'
import { fillSmsTemplate, segments, septets, toGsmAscii } from '../../src/adapters/notices/sms-text.js'
import { checkZnsData } from '../../src/adapters/notices/zns-template.js'
import { RECEIVED_DATA, RECEIVED_TEMPLATE } from './helpers.js'

/** Epoch ms of a local (UTC+07:00) time. */
const local = (iso: string): number => Date.parse(`${iso}+07:00`)

t.test('quiet hours 21:00–07:00 local hold until 07:00', async t => {
  t.equal(mayGoAt(local('2025-07-05T20:59:59')), local('2025-07-05T20:59:59'), 'before 21:00: now')
  t.equal(mayGoAt(local('2025-07-05T21:00:00')), local('2025-07-06T07:00:00'))
  t.equal(mayGoAt(local('2025-07-05T23:45:10')), local('2025-07-06T07:00:00'))
  t.equal(mayGoAt(local('2025-07-06T00:00:00')), local('2025-07-06T07:00:00'), 'after midnight: the same morning')
  t.equal(mayGoAt(local('2025-07-06T06:59:59')), local('2025-07-06T07:00:00'))
  t.equal(mayGoAt(local('2025-07-06T07:00:00')), local('2025-07-06T07:00:00'))
  t.equal(mayGoAt(local('2025-07-06T12:00:00')), local('2025-07-06T12:00:00'))
  t.equal(mayGoAt(Date.parse('2025-07-05T14:30:00Z')), local('2025-07-06T07:00:00'), 'the window is local time, not UTC')
})

t.test('other windows: within a day, crossing midnight, empty', async t => {
  const lunch = { start: '11:30', end: '13:30' }
  t.equal(mayGoAt(local('2025-07-05T12:00:00'), lunch), local('2025-07-05T13:30:00'))
  t.equal(mayGoAt(local('2025-07-05T13:30:00'), lunch), local('2025-07-05T13:30:00'))
  t.equal(mayGoAt(local('2025-07-05T22:10:00'), { start: '22:00', end: '06:00' }), local('2025-07-06T06:00:00'))
  t.equal(mayGoAt(local('2025-07-05T22:10:00'), { start: '08:00', end: '08:00' }), local('2025-07-05T22:10:00'))
  t.throws(() => mayGoAt(0, { start: '7:00', end: '08:00' }), RangeError)
  t.ok(heldByQuietHours('zns'))
  t.ok(heldByQuietHours('sms'))
  t.notOk(heldByQuietHours('email'), 'e-mail is not held')
})

t.test('local days: midnight and dates in Asia/Ho_Chi_Minh', async t => {
  t.equal(nextLocalMidnight(local('2025-07-05T23:59:00')), local('2025-07-06T00:00:00'))
  t.equal(nextLocalMidnight(local('2025-07-06T00:00:00')), local('2025-07-07T00:00:00'))
  t.equal(localDateVn(Date.parse('2025-07-04T17:00:00Z')), '05/07/2025')
})

t.test('phones: national, 84… form; the opt-out hash is keyed and form-independent', async t => {
  t.equal(nationalPhone('+84 912.345.678'), '0912345678')
  t.equal(internationalPhone('0912345678'), '84912345678')
  t.equal(internationalPhone('(+84) 0912 345 678'), '84912345678')
  t.equal(internationalPhone('12345'), undefined)
  const key = 'opt-out-key-0123456789abcdef0123'
  const h = optOutHash('0912345678', key)
  t.match(h, /^[0-9a-f]{64}$/)
  t.equal(optOutHash('+84912345678', key), h)
  t.equal(optOutHash('0912 345 678', key), h)
  t.not(optOutHash('0912345679', key), h)
  t.not(optOutHash('0912345678', 'another-key-0123456789abcdef0123'), h, 'keyed: not a bare SHA-256 anyone can recompute')
  t.notMatch(h, /0912345678|912345678/)
  t.equal(optOutHash('not a phone', key), undefined)
})

t.test('SMS text: no diacritics, GSM-7, segments', async t => {
  t.equal(toGsmAscii('Đăng ký khai sinh cho cháu Nguyễn Thị Ánh Dương – “sớm” …'), 'Dang ky khai sinh cho chau Nguyen Thi Anh Duong - "som" ...')
  t.equal(toGsmAscii('Hồ sơ 😀'), 'Ho so ?')
  t.equal(septets('a{b}€'), 8, 'braces and the euro sign take two')
  t.equal(segments(''), 0)
  t.equal(segments('a'.repeat(160)), 1)
  t.equal(segments('a'.repeat(161)), 2)
  t.equal(segments('a'.repeat(306)), 2)
  t.equal(segments('a'.repeat(307)), 3)
  t.equal(segments('a'.repeat(459)), 3)
  t.equal(segments('a'.repeat(460)), 4)
  t.equal(segments(`${'a'.repeat(159)}[`), 2, 'one extended character over 160')
  t.equal(segments(`${'a'.repeat(152)}[${'a'.repeat(152)}`), 3, 'an escape pair is never split across segments')
})

t.test('SMS templates: filled, limits, never empty', async t => {
  const tpl = 'UBND xa Ky Loi: ho so {ma_ho_so} can bo sung: {noi_dung,20}'
  t.same(fillSmsTemplate(tpl, { ma_ho_so: 'A-1', noi_dung: 'Bản sao   sổ đỏ' }), { ok: true, content: 'UBND xa Ky Loi: ho so A-1 can bo sung: Ban sao so do', segments: 1 })
  t.match(fillSmsTemplate(tpl, { ma_ho_so: 'A-1', noi_dung: 'x'.repeat(21) }), { ok: false, issue: { kind: 'too-long', param: 'noi_dung' } })
  t.match(fillSmsTemplate(tpl, { ma_ho_so: 'A-1', noi_dung: ' ' }), { ok: false, issue: { kind: 'empty' } })
  t.match(fillSmsTemplate(tpl, { ma_ho_so: 'A-1' }), { ok: false, issue: { kind: 'missing', param: 'noi_dung' } })
  t.match(fillSmsTemplate('{a}', { a: 'x'.repeat(460) }), { ok: false, issue: { kind: 'too-many-segments', segments: 4 } })
})

t.test('ZNS template data', async t => {
  t.match(checkZnsData(RECEIVED_TEMPLATE, RECEIVED_DATA), { ok: true, data: RECEIVED_DATA })
  t.match(checkZnsData(RECEIVED_TEMPLATE, { ...RECEIVED_DATA, ngay_hen_tra: '31/02/2025' }), { ok: false, issue: { kind: 'type' } }, 'no 31 February')
  t.match(checkZnsData({ ...RECEIVED_TEMPLATE, params: [{ name: 'n', type: 'NUMBER', maxLength: 3 }], text: '<n>' }, { n: 'ba' }), { ok: false, issue: { kind: 'type' } })
  t.match(checkZnsData({ ...RECEIVED_TEMPLATE, params: [{ name: 'n', type: 'NUMBER', maxLength: 3 }], text: '<n>' }, { n: 3 }), { ok: true, data: { n: '3' } })
  t.match(checkZnsData({ ...RECEIVED_TEMPLATE, params: [{ name: 'n', type: 'STRING', maxLength: 3 }], text: '<n>' }, { n: 'Đặng' }), { ok: false, issue: { kind: 'too-long' } })
  t.match(checkZnsData({ ...RECEIVED_TEMPLATE, params: [{ name: 'n', type: 'STRING', maxLength: 3 }], text: '<n>' }, { n: 'Đặn' }), { ok: true }, 'lengths count characters, not bytes')
})
