import t from 'tap'
import { CURRENT_LAND_USE_CODES, LAND_USE_PURPOSES, landUsePurpose } from '../../src/domain/toolkit/land-use.js'

t.test('landUsePurpose accepts the codes of the classification', async t => {
  const conv = landUsePurpose()
  for (const code of ['ONT', 'ODT', 'CLN', 'LUC', 'LUK', 'HNK', 'RSX', 'RPH', 'RDD', 'NTS', 'CNT', 'LMU', 'NKH', 'TSC',
    'DGD', 'DYT', 'SKC', 'TMD', 'DGT', 'NTD', 'BCS']) {
    t.same(conv(code), { ok: true, value: code }, code)
  }
  t.same(conv(' ont '), { ok: true, value: 'ONT' }, 'trimmed and upper-cased')
})

t.test('codes retired in 2024 are still accepted unless only current codes are wanted', async t => {
  for (const code of ['LUN', 'BHK', 'NHK', 'DDT', 'DSH']) {
    t.same(landUsePurpose()(code), { ok: true, value: code }, code)
    t.equal(LAND_USE_PURPOSES[code]?.current, false)
  }
  t.equal(LAND_USE_PURPOSES.BHK?.replacedBy, 'HNK')
  const strict = landUsePurpose({ currentOnly: true })
  t.match(strict('BHK'), { ok: false, code: 'UNKNOWN_LAND_USE_CODE', en: /now HNK/ })
  t.same(strict('ONT'), { ok: true, value: 'ONT' })
})

t.test('unknown codes and aggregates are refused', async t => {
  const conv = landUsePurpose()
  for (const raw of ['XYZ', 'NNP', 'PNN', 'OTC', 'LUA', 'CSD', 'đất ở', '', 'toString', 'ONT+CLN']) {
    t.match(conv(raw), { ok: false, code: 'UNKNOWN_LAND_USE_CODE' }, raw)
  }
})

t.test('the table is well-formed', async t => {
  for (const [code, p] of Object.entries(LAND_USE_PURPOSES)) {
    t.match(code, /^[A-Z]{3}$/)
    t.ok(p.name.startsWith('Đất') || p.name.startsWith('Núi'), code)
    t.equal(p.name, p.name.normalize('NFC'))
    if (p.replacedBy !== undefined) t.equal(LAND_USE_PURPOSES[p.replacedBy]?.current, true, `${code} → ${p.replacedBy}`)
  }
  t.ok(CURRENT_LAND_USE_CODES.includes('ONT'))
  t.notOk(CURRENT_LAND_USE_CODES.includes('BHK'))
  t.ok(Object.isFrozen(LAND_USE_PURPOSES))
})
