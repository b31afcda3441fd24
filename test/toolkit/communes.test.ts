import t from 'tap'
import { Reader } from '../../src/mappings/reader.js'
import type { XNode } from '../../src/mappings/types.js'
import { loadAdminUnits } from '../../src/domain/admin-units/index.js'
import { communeCode, legacyCommune, legacyCommuneCode, provinceCode } from '../../src/mappings/communes.js'

const units = loadAdminUnits()
const target = 'holder.address.communeCode'

t.test('communeCode and provinceCode check the 2025 list', async t => {
  const commune = communeCode(units)
  t.same(commune('18601'), { ok: true, value: '18601' })
  t.same(commune(' 18754 '), { ok: true, value: '18754' })
  t.match(commune('18625'), { ok: false, code: 'UNKNOWN_COMMUNE', en: /18625/ }, 'an old code that no longer exists')
  for (const raw of ['1860', '186011', 'abcde', '18 601']) t.match(commune(raw), { ok: false, code: 'INVALID_COMMUNE_CODE' }, raw)
  const province = provinceCode(units)
  t.same(province('42'), { ok: true, value: '42' })
  t.match(province('45'), { ok: false, code: 'UNKNOWN_PROVINCE' }, 'Quảng Trị before 2025 is 44 now')
  t.match(province('4'), { ok: false, code: 'INVALID_PROVINCE_CODE' })
})

function doc (maXaCu?: string): Reader {
  return Reader.json({ thuaDat: { diaChi: maXaCu === undefined ? {} : { maXaCu } } })
}
const path = 'thuaDat/diaChi/maXaCu'

t.test('legacyCommune: moved', async t => {
  const r = doc('18625') // Xã Thạch Ngọc → Việt Xuyên, which reuses the old code 18601
  t.equal(legacyCommune(r, path, { units, target }), '18601')
  t.same(r.issues, [])
  t.same(r.reviews, [])
  const r2 = doc('18601') // old Việt Tiến, also inside the new 18601
  t.equal(legacyCommune(r2, path, { units, target }), '18601')
})

t.test('legacyCommune: split, settled by the address', async t => {
  const r = doc('18796') // Xã Kỳ Lợi → Vũng Áng, Sông Trí or Hoành Sơn
  const addressText = 'Tổ dân phố 3, phường Sông Trí, tỉnh Hà Tĩnh'
  t.equal(legacyCommune(r, path, { units, target, addressText }), '18754')
  t.same(r.issues, [])
  t.same(r.reviews, [])
})

t.test('legacyCommune: split, not settled: held for review', async t => {
  for (const addressText of [undefined, 'thôn Tây Yên, xã Kỳ Lợi, thị xã Kỳ Anh, tỉnh Hà Tĩnh',
    'phường Sông Trí và phường Vũng Áng']) {
    const r = doc('18796')
    t.equal(legacyCommune(r, path, { units, target, ...(addressText === undefined ? {} : { addressText }) }), undefined)
    t.same(r.issues, [], 'not an error of the sender')
    t.equal(r.reviews.length, 1)
    t.match(r.reviews[0], {
      code: 'COMMUNE_SPLIT',
      field: 'thuaDat.diaChi.maXaCu',
      target,
      oldCode: '18796',
      candidates: [
        { code: '18823', name: 'Phường Vũng Áng' },
        { code: '18754', name: 'Phường Sông Trí' },
        { code: '18832', name: 'Phường Hoành Sơn' }
      ],
      message: { vi: /Kỳ Lợi.*18754 Phường Sông Trí/, en: /split.*an officer must choose/ }
    })
  }
})

t.test('legacyCommune: a target missing from the 2025 list is reported, never guessed', async t => {
  const r = doc('06886') // Xã Hải Lạng → 06799, 06886, 06970; 06970 is not in the 2025 list
  t.equal(legacyCommune(r, path, { units, target }), undefined)
  t.match(r.issues, [{
    code: 'LEGACY_COMMUNE_TARGET_UNKNOWN',
    field: 'thuaDat.diaChi.maXaCu',
    message: { vi: /^thuaDat\.diaChi\.maXaCu .*06799, 06886, 06970.*06970/, en: /lacks 06970/ }
  }])
  t.same(r.reviews, [])
})

t.test('legacyCommune: unknown and malformed codes', async t => {
  const r = doc('99999')
  t.equal(legacyCommune(r, path, { units, target }), undefined)
  t.match(r.issues, [{ code: 'UNKNOWN_LEGACY_COMMUNE', message: { en: /99999/ } }])
  const r2 = doc('1862')
  t.equal(legacyCommune(r2, path, { units, target }), undefined)
  t.match(r2.issues, [{ code: 'INVALID_COMMUNE_CODE', field: 'thuaDat.diaChi.maXaCu' }])
})

t.test('legacyCommune: absent value', async t => {
  const r = doc()
  t.equal(legacyCommune(r, path, { units, target }), undefined)
  t.same(r.issues, [])
  t.equal(legacyCommune(r, path, { units, target, required: true }), undefined)
  t.match(r.issues, [{ code: 'REQUIRED', field: 'thuaDat.diaChi.maXaCu' }])
})

t.test('legacyCommune reads XML attributes and names the field XPath-style', async t => {
  const el = (name: string, attrs: Record<string, string>, children: XNode[] = [], text = ''): XNode =>
    ({ name, attrs, text, children })
  const root = el('HoSoDangKyDatDai', {}, [
    el('ThuaDat', {}, [el('DiaChi', { maXaCu: '18796' }, [], 'Thôn Trung Tiến, xã Thạch Ngọc, huyện Thạch Hà')])
  ])
  const r = Reader.xml(root)
  t.equal(legacyCommune(r, 'ThuaDat/DiaChi/@maXaCu', { units, target, addressText: r.raw('ThuaDat/DiaChi') }), undefined)
  t.match(r.reviews, [{ field: 'HoSoDangKyDatDai/ThuaDat/DiaChi/@maXaCu', oldCode: '18796' }])
})

t.test('communeCode says where an old code went, and still refuses it', async t => {
  const commune = communeCode(units)
  t.match(commune('18625'), { ok: false, code: 'UNKNOWN_COMMUNE', en: /an old code, now 18601/, vi: /mã xã cũ, nay là 18601/ })
  t.match(commune('18796'), { ok: false, code: 'UNKNOWN_COMMUNE', en: /now split between: 18823/ })
  t.match(commune('99999'), { ok: false, code: 'UNKNOWN_COMMUNE', en: /1 July 2025$/ })
})

t.test('legacyCommuneCode checks a code from before 2025 without translating it', async t => {
  const legacy = legacyCommuneCode(units)
  t.same(legacy('18625'), { ok: true, value: '18625' })
  t.same(legacy(' 18796 '), { ok: true, value: '18796' }, 'split: still a known old code')
  t.match(legacy('99999'), { ok: false, code: 'UNKNOWN_LEGACY_COMMUNE' })
  t.match(legacy('1862'), { ok: false, code: 'INVALID_COMMUNE_CODE' })
})
