/**
 * The portal's HoSo → canonical dossier. Scenarios: `fixtures/portal/<scenario>.input.json` (a
 * callback body as the portal posts it) beside `<scenario>.expected.json` (the canonical input,
 * or the issues: code and field). Each body goes through `parseCallback` then `fromPortalHoSo`,
 * as the callback route would. Expected files are written by hand from the protocol, never
 * generated from the output.
 */
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { Compile } from 'typebox/compile'
import { fromPortalHoSo } from '../../src/mappings/from-portal.js'
import { toPortalHoSo } from '../../src/mappings/to-portal.js'
import { fromPortalDate, toPortalDate } from '../../src/domain/toolkit/dates.js'
import { parseCallback, type PortalHoSoInput } from '../../src/mappings/schemas/portal-callback.js'
import { CanonicalInputBase, type CanonicalDossier, type CanonicalInput } from '../../src/domain/canonical-dossier.js'
import type { FieldIssue } from '../../src/domain/errors.js'
import { sampleHoSo } from '../../simulator/fixtures.js'
import { findNullOrNonNfc, validateData, validateHoSo } from '../../simulator/validate.js'

interface Expected {
  about: string
  canonical?: CanonicalInput
  issues?: Array<{ code: string, field: string }>
}

const DIR = fileURLToPath(new URL('../../fixtures/portal/', import.meta.url))
const REQUIRED_SCENARIOS = ['hoso-moi-birth-registration', 'hoso-moi-land-with-fees-paid-online', 'hoso-moi-missing-commune', 'hoso-moi-bad-dates']
/** The fields of the protocol's HoSo table: what to-portal sends, and what must come back. */
const HO_SO_TABLE = [
  'MaHoSo', 'MaTTHC', 'TenTTHC', 'MaLinhVuc', 'KenhThucHien', 'ChuHoSo', 'LoaiDoiTuong', 'DinhDanhCHS', 'SoDienThoai', 'Email',
  'DiaChiThuongTru', 'MaXa', 'TrichYeuHoSo', 'NgayTiepNhan', 'NgayHenTra', 'TrangThaiHoSo', 'NgayTra', 'DonViXuLy', 'TaiLieuNop',
  'DanhSachLePhi', 'DuocThanhToanTrucTuyen', 'GhiChu',
  // Optional fields of current integrations that an online dossier carries at submission.
  'SoBienNhan', 'NgayNopHoSo', 'HoSoCoThanhPhanSoHoa'
]
const canonicalCheck = Compile(CanonicalInputBase)

function scenarios (): string[] {
  const files = readdirSync(DIR)
  const names = files.filter(f => f.endsWith('.input.json')).map(f => f.replace(/\.input\.json$/, '')).sort()
  for (const f of files) {
    const base = f.replace(/\.(input|expected)\.json$/, '')
    if (base === f) throw new Error(`fixtures/portal/${f}: not a scenario file`)
    if (!names.includes(base)) throw new Error(`fixtures/portal/${f}: no input for scenario ${base}`)
    if (!files.includes(`${base}.expected.json`)) throw new Error(`fixtures/portal/${f}: no ${base}.expected.json`)
  }
  return names
}

function read (name: string): unknown {
  return JSON.parse(readFileSync(join(DIR, name), 'utf8'))
}

/** What the store would hold for a dossier taken in from the portal: its code is the portal's. */
function stored (d: CanonicalInput): CanonicalDossier {
  return {
    schemaVersion: 1,
    maHoSo: d.sourceId,
    ...d,
    provenance: {
      system: 'portal',
      clientId: 'portal',
      sourceId: d.sourceId,
      payloadSha256: '0'.repeat(64),
      mappingVersion: 'portal@1',
      contentType: 'application/json',
      receivedAt: '2025-07-01T00:00:00+07:00'
    }
  }
}

/** The HoSo-table fields of a HoSo as to-portal would write them: empties gone, unknown ID types gone. */
function tableFields (h: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of HO_SO_TABLE) {
    const v = h[k]
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0 && k !== 'DinhDanhCHS')) continue
    out[k] = v
  }
  const ids = Array.isArray(h.DinhDanhCHS) ? h.DinhDanhCHS as Array<{ LoaiDinhDanh: string }> : []
  out.DinhDanhCHS = ids.filter(d => ['1', '2', '3'].includes(d.LoaiDinhDanh))
  return out
}

function run (body: unknown): { ok: true, dossier: CanonicalInput, hoSo: PortalHoSoInput } | { ok: false, issues: FieldIssue[] } {
  const parsed = parseCallback(body)
  if (!parsed.ok) return parsed
  if (parsed.event.LoaiSuKien !== 'HoSoMoi') throw new Error(`not a HoSoMoi scenario: ${parsed.event.LoaiSuKien}`)
  const mapped = fromPortalHoSo(parsed.event.DuLieu)
  return mapped.ok ? { ...mapped, hoSo: parsed.event.DuLieu } : mapped
}

t.test('the portal scenarios are complete', async t => {
  const names = scenarios()
  for (const s of REQUIRED_SCENARIOS) t.ok(names.includes(s), s)
  t.ok(names.length >= 6, `${names.length} scenarios`)
})

for (const name of scenarios()) {
  t.test(name, async t => {
    const expected = read(`${name}.expected.json`) as Expected
    t.ok((expected.canonical === undefined) !== (expected.issues === undefined), 'the scenario expects a dossier or issues')
    const out = run(read(`${name}.input.json`))
    if (expected.issues !== undefined) {
      if (out.ok) throw new Error('expected issues, got a dossier')
      const byField = (a: { field: string }, b: { field: string }) => a.field.localeCompare(b.field)
      t.strictSame(out.issues.map(i => ({ code: i.code, field: i.field })).sort(byField), [...expected.issues].sort(byField), 'issues')
      for (const i of out.issues) {
        t.ok(i.message.vi.startsWith(i.field) && i.message.en.startsWith(i.field), `${i.field}: both messages name the field`)
      }
      return
    }
    if (!out.ok) throw new Error(`expected a dossier, got ${JSON.stringify(out.issues)}`)
    t.strictSame(out.dossier, expected.canonical, 'canonical dossier')
    t.ok(canonicalCheck.Check(out.dossier), 'valid against CanonicalInputBase')
    const back = toPortalHoSo(stored(out.dossier))
    t.strictSame(back, tableFields(out.hoSo as unknown as Record<string, unknown>), 'to-portal gives back the HoSo fields')
    t.equal(validateData([back], validateHoSo), undefined, 'the portal simulator accepts what goes back')
    t.equal(findNullOrNonNfc(back), undefined, 'no null, all text NFC')
  })
}

t.test('round trip: the sample HoSo comes back field for field', async t => {
  const hoSo = sampleHoSo(17)
  const out = run({ MaSuKien: 'evt-1', LoaiSuKien: 'HoSoMoi', MaHoSo: hoSo.MaHoSo, ThoiDiem: '20250701081600', DuLieu: hoSo })
  if (!out.ok) throw new Error(JSON.stringify(out.issues))
  t.strictSame(toPortalHoSo(stored(out.dossier)), hoSo)
  // The same with every optional HoSo-table field present.
  const full = sampleHoSo(18, {
    MaLinhVuc: 'HOTICH',
    DiaChiThuongTru: 'Xóm 2, xã Việt Xuyên, tỉnh Hà Tĩnh',
    TrangThaiHoSo: '10',
    NgayTra: '20250701160000',
    DonViXuLy: 'Bộ phận một cửa',
    DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '042186001234' }, { LoaiDinhDanh: '2', SoDinhDanh: '186001234' }],
    TaiLieuNop: [{ TepDinhKemId: 'f-1', TenTepDinhKem: 'Giấy chứng sinh.pdf', DuongDanTaiTepTin: 'https://files.example.vn/f-1', MaThanhPhanHoSo: 'GCS' }],
    DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí', MaPhiLePhi: 'LP', Gia: 8000, HinhThucThu: '2' }],
    DuocThanhToanTrucTuyen: '1',
    GhiChu: 'Ghi chú'
  })
  const out2 = run({ MaSuKien: 'evt-2', LoaiSuKien: 'HoSoMoi', MaHoSo: full.MaHoSo, ThoiDiem: '20250701081600', DuLieu: full })
  if (!out2.ok) throw new Error(JSON.stringify(out2.issues))
  t.strictSame(toPortalHoSo(stored(out2.dossier)), full)
  t.equal(out2.dossier.returnedAt, '2025-07-01T16:00:00+07:00')
  t.strictSame(out2.dossier.fees.map(f => f.collectedAt), ['supplement'])
})

/** A HoSo that passed parseCallback, then changed: fromPortalHoSo must not trust it blindly. */
function sample (overrides: Record<string, unknown>): PortalHoSoInput {
  return sampleHoSo(17, overrides) as unknown as PortalHoSoInput
}

t.test('fromPortalHoSo converts dates strictly', async t => {
  const out = fromPortalHoSo(sample({ NgayTiepNhan: '20250631081500', NgayHenTra: '2025070116300', NgayTra: '20250701240000' }))
  if (out.ok) throw new Error('accepted impossible dates')
  t.strictSame(out.issues.map(i => [i.code, i.field]).sort(), [
    ['INVALID_DATE', 'DuLieu.NgayHenTra'], ['INVALID_DATE', 'DuLieu.NgayTiepNhan'], ['INVALID_DATE', 'DuLieu.NgayTra']
  ])
})

t.test('fromPortalHoSo names the HoSo field of whatever the canonical schema refuses', async t => {
  const out = fromPortalHoSo(sample({
    TenTTHC: 'x'.repeat(501),
    TrangThaiHoSo: '11',
    TaiLieuNop: [{ TepDinhKemId: 'a', TenTepDinhKem: 'a', DuongDanTaiTepTin: 'u' }, { TepDinhKemId: 'b', TenTepDinhKem: 'n'.repeat(256), DuongDanTaiTepTin: 'u' }],
    DinhDanhCHS: [{ LoaiDinhDanh: '7', SoDinhDanh: 'x' }, ...Array.from({ length: 6 }, () => ({ LoaiDinhDanh: '2', SoDinhDanh: '186001234' }))]
  }))
  if (out.ok) throw new Error('accepted')
  t.strictSame(out.issues.map(i => [i.code, i.field]).sort(), [
    ['NOT_ALLOWED', 'DuLieu.TrangThaiHoSo'],
    ['TOO_LONG', 'DuLieu.TaiLieuNop[1].TenTepDinhKem'],
    ['TOO_LONG', 'DuLieu.TenTTHC'],
    ['TOO_MANY', 'DuLieu.DinhDanhCHS']
  ].sort())
  for (const i of out.issues) t.notOk(i.message.en.includes('xxxx') || i.message.en.includes('nnnn'), 'values are not quoted')
})

t.test('fromPortalHoSo refuses codes outside its tables rather than guessing', async t => {
  const out = fromPortalHoSo(sample({ KenhThucHien: '4', LoaiDoiTuong: '0', DuocThanhToanTrucTuyen: '2', DanhSachLePhi: [{ TenPhiLePhi: 'a', Gia: 1, HinhThucThu: '3' }] }))
  if (out.ok) throw new Error('accepted')
  t.strictSame(out.issues.map(i => i.field).sort(), [
    'DuLieu.DanhSachLePhi[0].HinhThucThu', 'DuLieu.DuocThanhToanTrucTuyen', 'DuLieu.KenhThucHien', 'DuLieu.LoaiDoiTuong'
  ])
  t.ok(out.issues.every(i => i.code === 'NOT_ALLOWED'))
})

t.test('unknown ID types are dropped, and the canonical issues still point at the right DinhDanhCHS entry', async t => {
  const ok = fromPortalHoSo(sample({ DinhDanhCHS: [{ LoaiDinhDanh: '5', SoDinhDanh: 'BHXH' }, { LoaiDinhDanh: '2', SoDinhDanh: '186001234' }] }))
  t.ok(ok.ok)
  if (ok.ok) t.strictSame(ok.dossier.holder.ids, [{ type: 'cmnd', number: '186001234' }])
  const bad = fromPortalHoSo(sample({ DinhDanhCHS: [{ LoaiDinhDanh: '5', SoDinhDanh: 'BHXH' }, { LoaiDinhDanh: '2', SoDinhDanh: '18600123' }] }))
  if (bad.ok) throw new Error('accepted an 8-digit CMND')
  t.strictSame(bad.issues.map(i => i.field), ['DuLieu.DinhDanhCHS[1].SoDinhDanh'])
})

t.test('the agency is the prefix of MaHoSo', async t => {
  const out = fromPortalHoSo(sample({ MaHoSo: '000.00.45.H42-250702-00009' }))
  t.ok(out.ok)
  if (out.ok) {
    t.equal(out.dossier.agency.code, '000.00.45.H42')
    t.equal(out.dossier.sourceId, '000.00.45.H42-250702-00009')
  }
  const bad = fromPortalHoSo(sample({ MaHoSo: 'abc' }))
  if (bad.ok) throw new Error('accepted a MaHoSo without agency')
  t.strictSame([...new Set(bad.issues.map(i => i.field))], ['DuLieu.MaHoSo'])
})

t.test('fromPortalDate: the strict inverse of toPortalDate', async t => {
  for (const p of ['20250701081500', '20240229235959', '19000101000000', '21001231235959', '20251231000000']) {
    const r = fromPortalDate(p)
    if (!r.ok) throw new Error(`refused ${p}`)
    t.match(r.value, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/)
    t.equal(toPortalDate(r.value), p, p)
  }
  t.strictSame(fromPortalDate('20250701081500'), { ok: true, value: '2025-07-01T08:15:00+07:00' })
  for (const p of ['', '2025070108150', '202507010815000', ' 20250701081500', '2025-07-01T08:15', '20250229000000', '20250431000000',
    '20250701240000', '20250701086000', '20250701081560', '20251301000000', '20250001000000', '20250700000000', '18991231235959', '21010101000000', '２０２５0701081500']) {
    const r = fromPortalDate(p)
    t.equal(r.ok ? 'accepted' : r.code, 'INVALID_DATE', JSON.stringify(p))
  }
})
