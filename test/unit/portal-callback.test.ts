import t from 'tap'
import { Compile } from 'typebox/compile'
import {
  CALLBACK_DATA_SCHEMAS, CALLBACK_TYPES, MAX_CALLBACK_ISSUES, PortalCallbackEnvelopeSchema, parseCallback, type PortalCallback
} from '../../src/mappings/schemas/portal-callback.js'
import type { FieldIssue } from '../../src/domain/errors.js'
import { sampleHoSo, sampleMaHoSo } from '../../simulator/fixtures.js'

const MA = sampleMaHoSo(17)
const CODES = new Set(['REQUIRED', 'INVALID_TYPE', 'INVALID_FORMAT', 'INVALID_DATE', 'INVALID_TEXT', 'TOO_LONG', 'TOO_SHORT', 'TOO_MANY',
  'OUT_OF_RANGE', 'NOT_ALLOWED', 'UNKNOWN_EVENT_TYPE', 'MISMATCH'])

function body (LoaiSuKien: string, DuLieu: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { MaSuKien: 'evt-00001', LoaiSuKien, MaHoSo: MA, ThoiDiem: '20250701081500', DuLieu, ...extra }
}

function accepted (b: unknown): PortalCallback {
  const r = parseCallback(b)
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.issues)}`)
  return r.event
}

function refused (b: unknown): FieldIssue[] {
  const r = parseCallback(b)
  if (r.ok) throw new Error('accepted')
  return r.issues
}

const fields = (issues: FieldIssue[]): Array<[string, string]> => issues.map(i => [i.field, i.code])

t.test('the event types', async t => {
  t.strictSame([...CALLBACK_TYPES], ['HoSoMoi', 'NopBoSung', 'ThanhToan', 'RutHoSo', 'DanhGia'])
  t.strictSame(Object.keys(CALLBACK_DATA_SCHEMAS).sort(), [...CALLBACK_TYPES].sort())
})

t.test('HoSoMoi: a whole HoSo, extra fields ignored', async t => {
  const e = accepted(body('HoSoMoi', { ...sampleHoSo(17), TruongMoi: { a: [1] }, SoBienNhan: 'BN-1' }))
  t.equal(e.LoaiSuKien, 'HoSoMoi')
  if (e.LoaiSuKien !== 'HoSoMoi') return
  t.equal(e.DuLieu.MaTTHC, '1.001193')
  t.equal(e.DuLieu.SoBienNhan, 'BN-1', 'optional fields of current integrations are kept')
  t.notOk('TruongMoi' in e.DuLieu, 'a field the protocol does not name is left out')
  t.strictSame(Object.keys(e).sort(), ['DuLieu', 'LoaiSuKien', 'MaHoSo', 'MaSuKien', 'ThoiDiem'])
})

t.test('HoSoMoi: field paths in the portal\'s terms', async t => {
  const issues = refused(body('HoSoMoi', sampleHoSo(17, {
    DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '042186001234' }, { LoaiDinhDanh: '1', SoDinhDanh: '04218600123X' }],
    TaiLieuNop: [{ TepDinhKemId: 'f-1', TenTepDinhKem: 'a'.repeat(256), DuongDanTaiTepTin: 'u' }],
    DanhSachLePhi: [{ TenPhiLePhi: 'Phí', Gia: 1.5, HinhThucThu: '1' }],
    KenhThucHien: '5',
    DanhSachHoSoBoSung: [{ HoSoBoSungId: 'b', NguoiYeuCauBoSung: 'Cán bộ', NoiDungBoSung: 'n', NgayBoSung: '20250230000000', TrangThaiBoSung: '0', NgayHenTraTruoc: '20250710170000' }]
  })))
  t.strictSame(fields(issues).sort(), [
    ['DuLieu.DanhSachHoSoBoSung[0].NgayBoSung', 'INVALID_DATE'],
    ['DuLieu.DanhSachLePhi[0].Gia', 'INVALID_TYPE'],
    ['DuLieu.DinhDanhCHS[1].SoDinhDanh', 'INVALID_FORMAT'],
    ['DuLieu.KenhThucHien', 'NOT_ALLOWED'],
    ['DuLieu.TaiLieuNop[0].TenTepDinhKem', 'TOO_LONG']
  ])
  const id = issues.find(i => i.field === 'DuLieu.DinhDanhCHS[1].SoDinhDanh')
  t.notOk(JSON.stringify(id).includes('04218600123X'), 'the ID number is not echoed')
})

t.test('HoSoMoi: DuLieu.MaHoSo must be the event\'s', async t => {
  t.strictSame(fields(refused(body('HoSoMoi', sampleHoSo(18)))), [['DuLieu.MaHoSo', 'MISMATCH']])
})

t.test('HoSoMoi: required fields, null and empty', async t => {
  const { MaXa, ...noCommune } = sampleHoSo(17)
  t.strictSame(fields(refused(body('HoSoMoi', noCommune))), [['DuLieu.MaXa', 'REQUIRED']])
  t.strictSame(fields(refused(body('HoSoMoi', sampleHoSo(17, { ChuHoSo: null })))), [['DuLieu.ChuHoSo', 'REQUIRED']], 'null is absent')
  t.strictSame(fields(refused(body('HoSoMoi', sampleHoSo(17, { ChuHoSo: '' })))), [['DuLieu.ChuHoSo', 'REQUIRED']], 'empty')
  const e = accepted(body('HoSoMoi', sampleHoSo(17, { Email: '', GhiChu: null })))
  if (e.LoaiSuKien === 'HoSoMoi') t.notOk('Email' in e.DuLieu || 'GhiChu' in e.DuLieu, 'an empty optional field is absent')
})

t.test('NopBoSung', async t => {
  const doc = { TepDinhKemId: 'bs-1', TenTepDinhKem: 'Bản sao.pdf', DuongDanTaiTepTin: 'https://files.example.vn/bs-1' }
  const e = accepted(body('NopBoSung', { NoiDungBoSung: 'Bổ sung bản sao', TaiLieuNop: [doc] }))
  t.strictSame(e.DuLieu, { NoiDungBoSung: 'Bổ sung bản sao', TaiLieuNop: [doc] })
  t.strictSame(accepted(body('NopBoSung', {})).DuLieu, {}, 'both fields are optional')
  t.strictSame(fields(refused(body('NopBoSung', { NoiDungBoSung: 'x'.repeat(2001), TaiLieuNop: [{ ...doc, DuongDanTaiTepTin: 7 }] }))), [
    ['DuLieu.NoiDungBoSung', 'TOO_LONG'], ['DuLieu.TaiLieuNop[0].DuongDanTaiTepTin', 'INVALID_TYPE']
  ])
  t.strictSame(fields(refused(body('NopBoSung', { TaiLieuNop: Array.from({ length: 101 }, () => doc) }))), [['DuLieu.TaiLieuNop', 'TOO_MANY']])
})

t.test('ThanhToan: an amount as a number or digits, normalised to a number', async t => {
  t.strictSame(accepted(body('ThanhToan', { SoTien: 150000, MaGiaoDich: 'GD-1', NganHang: 'Ngân hàng A' })).DuLieu,
    { SoTien: 150000, MaGiaoDich: 'GD-1', NganHang: 'Ngân hàng A' })
  t.strictSame(accepted(body('ThanhToan', { SoTien: '0150000', MaGiaoDich: 'GD-1' })).DuLieu, { SoTien: 150000, MaGiaoDich: 'GD-1' })
  t.strictSame(accepted(body('ThanhToan', { SoTien: '1000000000000', MaGiaoDich: 'GD-1' })).DuLieu, { SoTien: 1e12, MaGiaoDich: 'GD-1' })
  for (const [SoTien, code] of [[-1, 'OUT_OF_RANGE'], [1e12 + 1, 'OUT_OF_RANGE'], ['1000000000001', 'OUT_OF_RANGE'], [1.5, 'INVALID_TYPE'],
    ['1.5', 'INVALID_FORMAT'], ['-3', 'INVALID_FORMAT'], [true, 'INVALID_TYPE']] as const) {
    t.strictSame(fields(refused(body('ThanhToan', { SoTien, MaGiaoDich: 'GD-1' }))), [['DuLieu.SoTien', code]], String(SoTien))
  }
  t.strictSame(fields(refused(body('ThanhToan', { SoTien: 1 }))), [['DuLieu.MaGiaoDich', 'REQUIRED']])
  t.strictSame(fields(refused(body('ThanhToan', { SoTien: 1, MaGiaoDich: 'g'.repeat(101), NganHang: 'n'.repeat(256) }))),
    [['DuLieu.MaGiaoDich', 'TOO_LONG'], ['DuLieu.NganHang', 'TOO_LONG']])
})

t.test('RutHoSo', async t => {
  t.strictSame(accepted(body('RutHoSo', { LyDo: 'Công dân không còn nhu cầu' })).DuLieu, { LyDo: 'Công dân không còn nhu cầu' })
  t.strictSame(fields(refused(body('RutHoSo', {}))), [['DuLieu.LyDo', 'REQUIRED']])
  t.strictSame(fields(refused(body('RutHoSo', { LyDo: 'x'.repeat(2001) }))), [['DuLieu.LyDo', 'TOO_LONG']])
})

t.test('DanhGia: a score 1..5 as a number or a digit, normalised', async t => {
  t.strictSame(accepted(body('DanhGia', { DiemDanhGia: 5, NoiDung: 'Nhanh chóng' })).DuLieu, { DiemDanhGia: 5, NoiDung: 'Nhanh chóng' })
  t.strictSame(accepted(body('DanhGia', { DiemDanhGia: '4' })).DuLieu, { DiemDanhGia: 4 })
  for (const d of [0, 6, '0', '6', '10']) t.strictSame(fields(refused(body('DanhGia', { DiemDanhGia: d }))), [['DuLieu.DiemDanhGia', 'OUT_OF_RANGE']], String(d))
  for (const d of [4.5, 'bốn', null]) t.equal(refused(body('DanhGia', { DiemDanhGia: d }))[0]?.field, 'DuLieu.DiemDanhGia', String(d))
  t.strictSame(fields(refused(body('DanhGia', { DiemDanhGia: 3, NoiDung: 'x'.repeat(2001) }))), [['DuLieu.NoiDung', 'TOO_LONG']])
})

t.test('the envelope', async t => {
  const ok = body('RutHoSo', { LyDo: 'x' })
  t.equal(accepted({ ...ok, MaSuKien: 'a'.repeat(100) }).MaSuKien.length, 100)
  t.ok(accepted({ ...ok, MaSuKien: 'evt:2025-07.01_A-9' }))
  t.strictSame(fields(refused({ ...ok, MaSuKien: 'a'.repeat(101) })), [['MaSuKien', 'TOO_LONG']])
  t.strictSame(fields(refused({ ...ok, MaSuKien: 'sự kiện 1' })), [['MaSuKien', 'INVALID_FORMAT']])
  t.strictSame(fields(refused({ ...ok, MaSuKien: '' })), [['MaSuKien', 'REQUIRED']])
  t.strictSame(fields(refused({ ...ok, LoaiSuKien: 'HoSoCu' })), [['LoaiSuKien', 'UNKNOWN_EVENT_TYPE']])
  t.strictSame(fields(refused({ ...ok, LoaiSuKien: 3 })), [['LoaiSuKien', 'UNKNOWN_EVENT_TYPE']])
  t.strictSame(fields(refused({ ...ok, MaHoSo: '000.00.12.h42-250701-00017' })), [['MaHoSo', 'INVALID_FORMAT']], 'agency code in capitals')
  t.strictSame(fields(refused({ ...ok, MaHoSo: '000.00.12.H42-250732-00017' })), [['MaHoSo', 'INVALID_FORMAT']], 'a day that does not exist')
  t.strictSame(fields(refused({ ...ok, MaHoSo: '000.00.12.H42-250701-0017' })), [['MaHoSo', 'INVALID_FORMAT']])
  t.strictSame(fields(refused({ ...ok, MaHoSo: 'ABCDE.ABCDE.ABCDE.ABCDE.ABCDE.ABC-250701-00017' })), [['MaHoSo', 'INVALID_FORMAT']], 'agency longer than 30')
  t.strictSame(fields(refused({ ...ok, MaHoSo: 'ABCDE.ABCDE.ABCDE.ABCDE.ABCDE.ABCDE.ABCDE-250701-00017' })), [['MaHoSo', 'TOO_LONG']])
  t.strictSame(fields(refused({ ...ok, ThoiDiem: '20250229081500' })), [['ThoiDiem', 'INVALID_DATE']], '2025 is no leap year')
  t.ok(accepted({ ...ok, ThoiDiem: '20240229081500' }))
  t.strictSame(fields(refused({ ...ok, ThoiDiem: '2025-07-01T08:15:00' })), [['ThoiDiem', 'INVALID_DATE']])
  t.strictSame(fields(refused({ ...ok, ThoiDiem: 20250701081500 })), [['ThoiDiem', 'INVALID_TYPE']])
  t.strictSame(fields(refused({ ...ok, DuLieu: [] })), [['DuLieu', 'INVALID_TYPE']])
  t.strictSame(fields(refused({ MaSuKien: 'e' })).map(f => f[0]), ['LoaiSuKien', 'MaHoSo', 'ThoiDiem', 'DuLieu'])
  t.strictSame(fields(refused({ ...ok, MaSuKien: 1, ThoiDiem: 'x' })), [['MaSuKien', 'INVALID_TYPE'], ['ThoiDiem', 'INVALID_DATE']],
    'every problem of the envelope at once')
})

t.test('messages: Vietnamese and English, naming the field, quoting no value', async t => {
  const issues = refused(body('HoSoMoi', sampleHoSo(17, { ChuHoSo: 'Nguyễn Văn An'.repeat(20), SoDienThoai: '091234567', Email: 'an@' })))
  t.ok(issues.length >= 3)
  for (const i of issues) {
    t.ok(CODES.has(i.code), `${i.code} is a known code`)
    t.ok(i.message.vi.startsWith(i.field) && i.message.en.startsWith(i.field), i.field)
    t.ok(i.message.vi !== i.message.en, 'two languages')
    for (const v of ['Nguyễn Văn An', '091234567', 'an@']) t.notOk(i.message.vi.includes(v) || i.message.en.includes(v), `${i.field} does not quote ${v}`)
  }
})

t.test('issues are capped', async t => {
  const docs = Array.from({ length: 100 }, () => ({ TepDinhKemId: 1 }))
  const issues = refused(body('HoSoMoi', sampleHoSo(17, { TaiLieuNop: docs })))
  t.equal(issues.length, MAX_CALLBACK_ISSUES)
  t.equal(new Set(issues.map(i => i.field)).size, issues.length, 'one issue per field')
})

t.test('hostile input never throws', async t => {
  const huge = 'x'.repeat(5_000_000)
  const deep = JSON.parse('['.repeat(5000) + ']'.repeat(5000)) as unknown
  const inputs: unknown[] = [
    null, undefined, 0, -1, NaN, Infinity, true, '', 'HoSoMoi', huge, [], [body('RutHoSo', { LyDo: 'x' })], () => 1, Symbol('s'), 10n,
    {}, Object.create(null), deep,
    JSON.parse('{"__proto__": {"MaSuKien": "e", "LoaiSuKien": "RutHoSo"}, "constructor": {"prototype": 1}}'),
    JSON.parse(`{"MaSuKien":"e","LoaiSuKien":"RutHoSo","MaHoSo":"${MA}","ThoiDiem":"20250701081500","DuLieu":{"__proto__":{"LyDo":"x"}}}`),
    body('HoSoMoi', { __proto__: sampleHoSo(17) }),
    body('HoSoMoi', sampleHoSo(17, { TaiLieuNop: Array.from({ length: 200_000 }, () => ({})) })),
    body('HoSoMoi', sampleHoSo(17, { DinhDanhCHS: deep, TrichYeuHoSo: huge, ChuHoSo: '\uD800 lẻ' })),
    body('HoSoMoi', deep), body('ThanhToan', { SoTien: huge, MaGiaoDich: huge }), body('DanhGia', { DiemDanhGia: '9'.repeat(400) }),
    { ...body('RutHoSo', { LyDo: 'x' }), MaSuKien: huge, MaHoSo: huge, ThoiDiem: huge, LoaiSuKien: huge },
    body('toString', {}), body('__proto__', {}), body('constructor', {}), body('hasOwnProperty', {})
  ]
  for (const [n, input] of inputs.entries()) {
    const r = parseCallback(input)
    t.ok(r.ok || r.issues.length > 0, `input ${n}: an answer`)
    if (!r.ok) t.ok(r.issues.length <= MAX_CALLBACK_ISSUES && r.issues.every(i => CODES.has(i.code)), `input ${n}: bounded, known codes`)
  }
  t.equal(Object.getPrototypeOf({}).MaSuKien, undefined, 'no prototype was polluted')
  const lone = refused(body('HoSoMoi', sampleHoSo(17, { ChuHoSo: '\uD800 lẻ' })))
  t.strictSame(fields(lone), [['DuLieu.ChuHoSo', 'INVALID_TEXT']])
})

t.test('text is NFC in the event', async t => {
  const e = accepted(body('RutHoSo', { LyDo: 'Không còn nhu cầu'.normalize('NFD') }))
  if (e.LoaiSuKien === 'RutHoSo') t.equal(e.DuLieu.LyDo, 'Không còn nhu cầu'.normalize('NFC'))
})

/** A tiny seeded generator: the same cases on every run. */
function rng (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

t.test('fuzz: mutated bodies get an answer, and what is accepted fits the schemas', async t => {
  const rand = rng(20250701)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
  const values: unknown[] = [null, '', ' ', 'x', '1', '5', '0123', '20250701081500', '20251301081500', -1, 0, 3, 1e13, 1.5, true, [], [{}], {}, { a: 1 }, MA]
  const envelope = Compile(PortalCallbackEnvelopeSchema)
  const data = Object.fromEntries(CALLBACK_TYPES.map(k => [k, Compile(CALLBACK_DATA_SCHEMAS[k])]))
  const bases = [
    body('HoSoMoi', sampleHoSo(17)), body('NopBoSung', { NoiDungBoSung: 'n', TaiLieuNop: [] }), body('ThanhToan', { SoTien: '100', MaGiaoDich: 'g' }),
    body('RutHoSo', { LyDo: 'l' }), body('DanhGia', { DiemDanhGia: 3 })
  ]
  let accepted = 0
  for (let n = 0; n < 3000; n++) {
    const b = structuredClone(pick(bases))
    const target = rand() < 0.5 ? b : b.DuLieu as Record<string, unknown>
    const keys = [...Object.keys(target), 'Extra', '__proto__']
    for (let m = 0; m < 1 + Math.floor(rand() * 3); m++) {
      const k = pick(keys)
      if (rand() < 0.2) delete target[k]
      else Object.defineProperty(target, k, { value: pick(values), enumerable: true, writable: true, configurable: true })
    }
    const r = parseCallback(b)
    if (!r.ok) {
      if (r.issues.length === 0 || !r.issues.every(i => CODES.has(i.code))) t.fail(`case ${n}: ${JSON.stringify(r.issues)}`)
      continue
    }
    accepted++
    const validator = data[r.event.LoaiSuKien]
    if (!envelope.Check(r.event) || validator === undefined || !validator.Check(r.event.DuLieu)) t.fail(`case ${n}: accepted but not valid`)
  }
  t.ok(accepted > 100, `${accepted} of 3000 mutated bodies accepted`)
})

t.test('a HoSoMoi whose envelope is right but whose dossier is not says so (envelope): it is kept, not refused', async t => {
  const { ChuHoSo: _c, ...lacking } = sampleHoSo(17)
  const r = parseCallback(body('HoSoMoi', lacking))
  t.notOk(r.ok)
  t.same(!r.ok && r.envelope, { MaSuKien: 'evt-00001', LoaiSuKien: 'HoSoMoi', MaHoSo: MA, ThoiDiem: '20250701081500' })
  const noData = parseCallback(body('HoSoMoi', undefined))
  t.ok(!noData.ok && noData.envelope !== undefined, 'no DuLieu at all: kept too')
  for (const [name, b] of [
    ['a bad event id', body('HoSoMoi', lacking, { MaSuKien: 'not valid!' })],
    ['a bad date', body('HoSoMoi', lacking, { ThoiDiem: '20251341081500' })],
    ['a bad code', body('HoSoMoi', lacking, { MaHoSo: 'x' })],
    ['another type', body('DanhGia', { DiemDanhGia: 7 })]
  ] as const) {
    const x = parseCallback(b)
    t.ok(!x.ok && x.envelope === undefined, `${name}: refused with 400`)
  }
})
