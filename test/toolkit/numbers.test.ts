import t from 'tap'
import { decimal, vnd } from '../../src/domain/toolkit/numbers.js'

t.test('decimal reads the Vietnamese decimal comma and dot thousands', async t => {
  const conv = decimal()
  const cases: Array<[string, number]> = [
    ['200,5', 200.5], // land area in the sample
    ['1.200,5', 1200.5],
    ['200', 200],
    ['200.5', 200.5], // plain decimal point: one dot, not three digits after it
    ['1.200', 1200], // lone dot before exactly three digits: thousands, as in money
    ['1,200', 1.2], // lone comma: always the decimal comma
    ['1,200.5', 1200.5], // English grouping: the rightmost separator is the decimal one
    ['1.250.000', 1250000],
    ['1.250.000,75', 1250000.75],
    ['0.125', 0.125], // a thousands group cannot follow a lone 0
    ['0,5', 0.5],
    ['1 250,75', 1250.75],
    ['1\u00A0250,75', 1250.75],
    [' 200,5 ', 200.5],
    ['007', 7]
  ]
  for (const [raw, want] of cases) t.same(conv(raw), { ok: true, value: want }, raw)
})

t.test('decimal refuses what it cannot read unambiguously', async t => {
  const conv = decimal()
  for (const raw of ['1.2.3', '1,2,3', '12,', ',5', '.5', '1.200.5', '1,200,5', '1.20,5', '1,2.5', '1,200,000.5,5',
    'abc', '2OO', '1e3', 'NaN', 'Infinity', '0x10', '+5', '1 2', '200 m2', '1234567890123456']) {
    t.match(conv(raw), { ok: false, code: 'INVALID_NUMBER' }, raw)
  }
})

t.test('decimal bounds', async t => {
  t.match(decimal()('-5'), { ok: false, code: 'OUT_OF_RANGE', en: 'must not be less than 0' })
  t.same(decimal({ min: -10 })('-5,5'), { ok: true, value: -5.5 })
  t.match(decimal({ max: 100 })('200,5'), { ok: false, code: 'OUT_OF_RANGE', vi: /0–100/ })
  t.match(decimal({ maxFractionDigits: 2 })('1,125'), { ok: false, code: 'INVALID_NUMBER', en: /2 decimal places/ })
  t.same(decimal({ maxFractionDigits: 2 })('1,12'), { ok: true, value: 1.12 })
})

t.test('vnd reads whole amounts of đồng', async t => {
  const conv = vnd()
  const cases: Array<[string, number]> = [
    ['30.000', 30000], // fee in the land sample
    ['1.250.000', 1250000],
    ['30000', 30000],
    ['30,000', 30000], // lone separator before three digits: always thousands for money
    ['1,250,000', 1250000],
    ['1 250 000', 1250000],
    ['30.000 đ', 30000],
    ['30.000đ', 30000],
    ['30.000 ₫', 30000],
    ['30.000 VNĐ', 30000],
    ['30000 vnd', 30000],
    ['30.000 đồng', 30000],
    ['30.000,00', 30000], // accounting export with a zero fraction
    ['30,00', 30],
    ['0', 0],
    ['1.000.000.000.000', 1e12]
  ]
  for (const [raw, want] of cases) t.same(conv(raw), { ok: true, value: want }, raw)
})

t.test('vnd refuses negatives, fractions and garbage with INVALID_AMOUNT', async t => {
  const conv = vnd()
  t.match(conv('-30.000'), { ok: false, code: 'INVALID_AMOUNT', en: 'must not be negative' })
  t.match(conv('30,5'), { ok: false, code: 'INVALID_AMOUNT', en: 'must be a whole number of đồng' })
  t.match(conv('1.5'), { ok: false, code: 'INVALID_AMOUNT', en: 'must be a whole number of đồng' })
  t.match(conv('30.000,50'), { ok: false, code: 'INVALID_AMOUNT' })
  t.match(conv('1.000.000.000.001'), { ok: false, code: 'INVALID_AMOUNT', en: /exceeds/ })
  for (const raw of ['ba mươi nghìn', '30.00.000', '30k', '$30', '30 000 000 0', '3O.000', 'đ']) {
    t.match(conv(raw), { ok: false, code: 'INVALID_AMOUNT' }, raw)
  }
})
