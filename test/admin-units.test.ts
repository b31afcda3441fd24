import t from 'tap'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildAdminUnits, loadAdminUnits, type Commune, type LegacyTranslation } from '../src/domain/admin-units/index.js'

const DATA = new URL('../data/admin-units/', import.meta.url)
const units = loadAdminUnits()
const legacyCodes = Object.keys(JSON.parse(readFileSync(new URL('admin-units-legacy.json', DATA), 'utf8')).communes)

function split (oldCode: string): Extract<LegacyTranslation, { kind: 'split' }> {
  const x = units.legacyCommune(oldCode)
  if (x.kind !== 'split') throw new Error(`${oldCode} is ${x.kind}, not split`)
  return x
}

function optsOf (x: Extract<LegacyTranslation, { kind: 'split' }>) {
  return { oldNames: [x.from?.fullName ?? ''], parentNames: [x.from?.district ?? '', x.from?.province ?? ''] }
}

t.test('the 2025 list: 34 provinces, 3,321 communes', async t => {
  const provinces = units.provinces()
  t.equal(provinces.length, 34)
  t.equal(provinces.reduce((n, p) => n + units.communesOf(p.code).length, 0), 3321)
  t.same(units.province('42'), { code: '42', name: 'Hà Tĩnh', fullName: 'Tỉnh Hà Tĩnh' })
  t.equal(units.province('45'), undefined, 'Quảng Trị before 2025')
  t.same(units.commune('18754'), { code: '18754', name: 'Sông Trí', fullName: 'Phường Sông Trí', provinceCode: '42' })
  t.equal(units.commune('18625'), undefined, 'old Thạch Ngọc no longer exists')
  t.equal(units.communesOf('42').length, 69)
  t.same(units.communesOf('99'), [])
  units.communesOf('42').pop()
  t.equal(units.communesOf('42').length, 69, 'callers get their own array')
})

t.test('the legacy map: 63 provinces, 10,047 communes, 460 split', async t => {
  t.equal(legacyCodes.length, 10047)
  const kinds: Record<string, number> = {}
  let multi = 0
  for (const code of legacyCodes) {
    const x = units.legacyCommune(code)
    kinds[x.kind] = (kinds[x.kind] ?? 0) + 1
    if (x.kind === 'split' || (x.kind === 'target-unknown' && x.targets.length > 1)) multi++
  }
  t.same(kinds, { moved: 9582, split: 459, 'target-unknown': 6 })
  t.equal(multi, 460, '459 split with every target known, and 06886 whose targets include a missing one')
  t.equal(units.cccdProvincePrefixes.size, 63)
  t.ok(units.cccdProvincePrefixes.has('001'))
  t.ok(units.cccdProvincePrefixes.has('042'))
  t.notOk(units.cccdProvincePrefixes.has('003'))
  t.same(units.legacyProvince('45'), { name: 'Tỉnh Quảng Trị', to: ['44'] })
  t.equal(units.legacyProvince('99'), undefined)
})

t.test('a new code may reuse an old code for a different area', async t => {
  t.equal(units.commune('18601')?.name, 'Việt Xuyên')
  const fromOld18601 = units.legacyCommune('18601') // old Việt Tiến
  t.match(fromOld18601, { kind: 'moved', commune: { code: '18601' }, from: { fullName: 'Xã Việt Tiến' } })
  t.match(units.legacyCommune('18625'), {
    kind: 'moved',
    commune: { code: '18601', name: 'Việt Xuyên' },
    from: { code: '18625', fullName: 'Xã Thạch Ngọc', district: 'Huyện Thạch Hà', province: 'Tỉnh Hà Tĩnh', oldProvinceCode: '42' }
  })
  t.same(units.legacyCommune('99999'), { kind: 'unknown' })
  t.same(units.legacyCommune('06978'), { kind: 'unknown' }, 'a 2025 code (Xã Ba Chẽ) that was never an old code')
  t.match(units.legacyCommune('18754'), { kind: 'moved', commune: { code: '18754' } }, 'most new codes are also old ones')
})

t.test('the two sources disagree on 6 + 7 codes, reported as they are', async t => {
  const a = units.anomalies()
  t.same(a.legacyTargetsMissing, [
    { oldCode: '06886', targets: ['06799', '06886', '06970'], missing: ['06970'] },
    { oldCode: '06970', targets: ['06970'], missing: ['06970'] },
    { oldCode: '06973', targets: ['06970'], missing: ['06970'] },
    { oldCode: '06982', targets: ['06970'], missing: ['06970'] },
    { oldCode: '06988', targets: ['06970'], missing: ['06970'] },
    { oldCode: '23938', targets: ['23737'], missing: ['23737'] }
  ])
  t.same(a.communesWithoutLegacy, ['06978', '11948', '19742', '20333', '21548', '23938', '26732'])
  t.match(units.legacyCommune('06973'), { kind: 'target-unknown', targets: ['06970'], missing: ['06970'] })
  a.communesWithoutLegacy.pop()
  t.equal(units.anomalies().communesWithoutLegacy.length, 7, 'callers get copies')
})

t.test('matchByAddress names the new commune only when the text settles it', async t => {
  const kyLoi = split('18796') // Xã Kỳ Lợi → Vũng Áng 18823, Sông Trí 18754, Hoành Sơn 18832
  const o = optsOf(kyLoi)
  const m = (text: string) => units.matchByAddress(kyLoi.candidates, text, o)?.code
  t.equal(m('Tổ dân phố 3, phường Sông Trí, tỉnh Hà Tĩnh'), '18754')
  t.equal(m('TDP 3 phường Sông Trí tỉnh Hà Tĩnh'), '18754', 'followed by the next unit without a comma')
  t.equal(m('PHƯỜNG SÔNG TRÍ'), '18754', 'case-folded')
  t.equal(m('Tổ 3, P. Sông Trí, Hà Tĩnh'), '18754', 'abbreviated type word')
  t.equal(m('To 3, phuong Song Tri, Ha Tinh'), '18754', 'no accents at all')
  t.equal(m('Tổ 3, Sông Trí, Hà Tĩnh'), '18754', 'bare name as a whole part')
  t.equal(m('phu\u031Bo\u031B\u0300ng So\u0302ng Tri\u0301'), '18754', 'decomposed input')
  t.equal(m('Tổ 5, phường Hoành Sơn'), '18832')
  t.equal(m('thôn Tây Yên, xã Kỳ Lợi, thị xã Kỳ Anh'), undefined, 'the old address says nothing of the new commune')
  t.equal(m('phường Sông Trí và phường Vũng Áng'), undefined, 'two candidates')
  t.equal(m('phường Sông Trí, phường Vũng Áng'), undefined)
  t.equal(m('phường Sông Trí 2'), undefined, 'a longer name is another commune')
  t.equal(m('thôn Sông Trí, xã X'), undefined, 'a village of that name is not the ward')
  t.equal(m(''), undefined)
  t.equal(units.matchByAddress([], 'phường Sông Trí'), undefined)
})

t.test('matchByAddress: tone placement and accents', async t => {
  const kimThu = split('10159') // Xã Kim Thư, Huyện Thanh Oai → Xã Thanh Oai 10114 or Xã Hoà Phú 10096
  const o = optsOf(kimThu)
  t.equal(units.matchByAddress(kimThu.candidates, 'thôn 2, xã Hòa Phú, Hà Nội', o)?.code, '10096', 'Hòa = Hoà')
  t.equal(units.matchByAddress(kimThu.candidates, 'thôn 2, xã Hoà Phú, Hà Nội', o)?.code, '10096')
  t.equal(units.matchByAddress(kimThu.candidates, 'thon 2, xa Hoa Phu, Ha Noi', o)?.code, '10096')
  t.equal(units.matchByAddress(kimThu.candidates, 'xã Kim Thư, Thanh Oai, Hà Nội', o), undefined,
    'a bare old district name is not the new commune named after it')
  t.equal(units.matchByAddress(kimThu.candidates, 'xã Kim Thư, huyện Thanh Oai', o), undefined)
  t.equal(units.matchByAddress(kimThu.candidates, 'thôn 2, xã Thanh Oai, Hà Nội', o)?.code, '10114',
    'with its type word it is the new commune')
})

t.test('matchByAddress: a candidate named like the old unit', async t => {
  const haBang = split('10009') // Xã Hạ Bằng → Xã Hạ Bằng 09982 or Xã Hoà Lạc 09988
  t.equal(units.matchByAddress(haBang.candidates, 'thôn 1, xã Hạ Bằng, huyện Thạch Thất', optsOf(haBang)), undefined,
    'the text may mean the old commune')
  t.equal(units.matchByAddress(haBang.candidates, 'thôn 1, xã Hoà Lạc, Hà Nội', optsOf(haBang))?.code, '09988')
  const giaLoc = split('10999') // Thị trấn Gia Lộc → Xã Gia Lộc 10999 or Xã Gia Phúc 11050
  t.equal(units.matchByAddress(giaLoc.candidates, 'khu 1, xã Gia Lộc, Hải Phòng', optsOf(giaLoc))?.code, '10999',
    'the old unit was a thị trấn, so xã Gia Lộc is the new one')
  t.equal(units.matchByAddress(giaLoc.candidates, 'khu 1, thị trấn Gia Lộc, huyện Gia Lộc', optsOf(giaLoc)), undefined)
  const bhh = split('27439') // Phường Bình Hưng Hoà A → Bình Trị Đông 27448 or Bình Hưng Hoà 27439
  t.equal(units.matchByAddress(bhh.candidates, '12 đường số 1, phường Bình Hưng Hoà A, quận Bình Tân', optsOf(bhh)),
    undefined, 'Bình Hưng Hoà A is not Bình Hưng Hoà')
  t.equal(units.matchByAddress(bhh.candidates, '12 đường số 1, Phường Bình Hưng Hòa, TP Hồ Chí Minh', optsOf(bhh))?.code,
    '27439')
})

t.test('matchByAddress: thị xã X is not xã X', async t => {
  const candidates: Commune[] = [
    { code: '00001', name: 'Kỳ Anh', fullName: 'Xã Kỳ Anh', provinceCode: '42' },
    { code: '00002', name: 'Kỳ Hoa', fullName: 'Phường Kỳ Hoa', provinceCode: '42' }
  ]
  t.equal(units.matchByAddress(candidates, 'thôn 1, xã Kỳ Lợi, thị xã Kỳ Anh'), undefined)
  t.equal(units.matchByAddress(candidates, 'thôn 1, xã Kỳ Anh, Hà Tĩnh')?.code, '00001')
})

t.test('loading is memoized, fast and strict', async t => {
  t.equal(loadAdminUnits(), units)
  t.equal(loadAdminUnits(new URL('.', DATA).pathname), units, 'same directory, same instance')
  const dir = mkdtempSync(join(tmpdir(), 'admin-units-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  cpSync(new URL('.', DATA).pathname, dir, { recursive: true })
  const start = performance.now()
  const fresh = loadAdminUnits(dir)
  const ms = performance.now() - start
  t.not(fresh, units)
  t.equal(fresh.commune('18601')?.name, 'Việt Xuyên')
  t.ok(ms < 1000, `loaded in ${ms.toFixed(0)} ms (target under ~100 ms on an idle machine)`)
  t.throws(() => loadAdminUnits(join(dir, 'missing')), /cannot read/)
  t.throws(() => buildAdminUnits({ provinces: [{ code: '1', name: 'x', fullName: 'x', communes: [] }] }, { provinces: {}, communes: {} }),
    /2-digit code/)
  t.throws(() => buildAdminUnits({ provinces: [] }, { provinces: {}, communes: { 12345: { name: 'x', oldProvince: '01', to: [] } } }),
    /legacy map\.communes\.12345/)
  t.throws(() => buildAdminUnits({ provinces: 'x' }, {}), /expected an array/)
})

t.test('buildAdminUnits on a small fixture', async t => {
  const u = buildAdminUnits(
    { provinces: [{ code: '01', name: 'A', fullName: 'Tỉnh A', communes: [{ code: '00001', name: 'B', fullName: 'Xã B' }, { code: '00002', name: 'C', fullName: 'Phường C' }] }] },
    {
      provinces: { '01': { name: 'Tỉnh A', to: ['01'] } },
      communes: {
        '00001': { name: 'Xã B, Huyện H, Tỉnh A', oldProvince: '01', to: ['00001'] },
        '00005': { name: 'Xã D, Huyện H, Tỉnh A', oldProvince: '01', to: ['00001', '00002'] },
        '00007': { name: 'Xã E, Huyện H, Tỉnh A', oldProvince: '01', to: ['00009'] }
      }
    })
  t.match(u.legacyCommune('00005'), { kind: 'split', candidates: [{ code: '00001' }, { code: '00002' }] })
  t.same(u.anomalies(), {
    legacyTargetsMissing: [{ oldCode: '00007', targets: ['00009'], missing: ['00009'] }],
    communesWithoutLegacy: []
  })
  t.same([...u.cccdProvincePrefixes], ['001'])
})
