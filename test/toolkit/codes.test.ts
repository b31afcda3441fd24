import t from 'tap'
import { agencyCode, booleanFlag, echo, pattern, procedureCode, sourceId, table } from '../../src/domain/toolkit/codes.js'

t.test('table', async t => {
  const channel = table('hình thức nộp', { TrucTiep: 'in-person', TrucTuyen: 'online', BuuChinh: 'postal' } as const)
  t.same(channel('TrucTuyen'), { ok: true, value: 'online' })
  t.same(channel(' BuuChinh\n'), { ok: true, value: 'postal' }, 'trimmed')
  const r = channel('trực tiếp')
  t.match(r, { ok: false, code: 'UNKNOWN_CODE' })
  if (!r.ok) {
    t.match(r.vi, /TrucTiep, TrucTuyen, BuuChinh/)
    t.match(r.en, /TrucTiep, TrucTuyen, BuuChinh/)
    t.match(r.en, /"trực tiếp"/)
  }
  t.match(channel('tructiep'), { ok: false, code: 'UNKNOWN_CODE' }, 'case-sensitive by default')
  t.match(channel('toString'), { ok: false, code: 'UNKNOWN_CODE' }, 'prototype keys are not codes')
  t.match(channel('__proto__'), { ok: false, code: 'UNKNOWN_CODE' })

  const status = table('trạng thái', { DA_TIEP_NHAN: '2', TU_CHOI: '3' }, { caseInsensitive: true })
  t.same(status('da_tiep_nhan'), { ok: true, value: '2' })
  t.throws(() => table('x', { a: 1, A: 2 }, { caseInsensitive: true }), /duplicate/)

  const numeric = table('giới tính', { 1: 'male', 2: 'female' })
  t.same(numeric('2'), { ok: true, value: 'female' })

  const big = table('big', Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`C${i}`, i])))
  const rb = big('X')
  if (!rb.ok) t.match(rb.en, /C29, …$/)
})

t.test('echo shortens long values', async t => {
  t.equal(echo('  abc '), 'abc')
  t.equal(echo('x'.repeat(100)), `${'x'.repeat(40)}…`)
})

t.test('pattern is anchored and stateless', async t => {
  const conv = pattern(/[A-Z]{2}\d+/g, 'BAD', 'sai', 'wrong')
  t.same(conv('AB12'), { ok: true, value: 'AB12' })
  t.same(conv('AB12'), { ok: true, value: 'AB12' }, 'a g flag does not make the second call fail')
  t.same(conv('xAB12'), { ok: false, code: 'BAD', vi: 'sai', en: 'wrong' })
  t.same(conv('AB12x'), { ok: false, code: 'BAD', vi: 'sai', en: 'wrong' })
  const alt = pattern(/A|B/, 'BAD', 'sai', 'wrong')
  t.match(alt('AB'), { ok: false }, 'alternation anchored as a whole')
})

t.test('agencyCode', async t => {
  const conv = agencyCode()
  t.same(conv('000.00.12.H42'), { ok: true, value: '000.00.12.H42' })
  t.same(conv(' 000.00.12.h42 '), { ok: true, value: '000.00.12.H42' })
  t.same(conv('G01.1'), { ok: true, value: 'G01.1' })
  for (const raw of ['000', '000..12', '000.00.12.H42.', '000.000000.1', '000-00-12-H42', '1.2.3.4.5.6.7.8', 'ĐĐ.01',
    '12345.12345.12345.12345.12345.1']) {
    t.match(conv(raw), { ok: false, code: 'INVALID_AGENCY_CODE' }, raw)
  }
})

t.test('procedureCode', async t => {
  const conv = procedureCode()
  t.same(conv('1.001193'), { ok: true, value: '1.001193' })
  t.same(conv('1.004227.000.00.00.H42'), { ok: true, value: '1.004227.000.00.00.H42' })
  t.same(conv('2.000889'), { ok: true, value: '2.000889' })
  for (const raw of ['1001193', '1.00119', '1.0011930', '12.001193', '1.001193.', '1.001193.A.B.C.D.E.F.G', 'TT-01']) {
    t.match(conv(raw), { ok: false, code: 'INVALID_PROCEDURE_CODE' }, raw)
  }
})

t.test('booleanFlag', async t => {
  const conv = booleanFlag()
  for (const raw of ['true', 'TRUE', 'True', '1', ' true ']) t.same(conv(raw), { ok: true, value: true }, raw)
  for (const raw of ['false', 'FALSE', '0']) t.same(conv(raw), { ok: true, value: false }, raw)
  for (const raw of ['yes', 'có', '2', 'truee', 'constructor']) t.match(conv(raw), { ok: false, code: 'INVALID_BOOLEAN' }, raw)
})

t.test('sourceId: no spaces, control characters or U+FFFD', async t => {
  const conv = sourceId()
  t.same(conv(' HT-18754-2025-000077 '), { ok: true, value: 'HT-18754-2025-000077' })
  t.same(conv('03706/2025/07906'), { ok: true, value: '03706/2025/07906' })
  t.same(conv('Hồ-Sơ-1'), { ok: true, value: 'Hồ-Sơ-1' })
  for (const raw of ['HT 1', 'HT-\uFFFD-1', 'HT-\u0001', 'HT-\uD800', 'x'.repeat(101)]) {
    t.match(conv(raw), { ok: false, code: 'INVALID_SOURCE_ID' }, JSON.stringify(raw))
  }
})
