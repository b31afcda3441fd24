/**
 * The portal's HoSo → a canonical dossier input: the inverse of src/mappings/to-portal.ts, for
 * the dossiers applicants submit on the portal (the `HoSoMoi` callback). Pure. The MaHoSo is
 * the portal's and stays the dossier's code: it is the source id and carries the agency.
 *
 * Its input is a HoSo as `parseCallback` returns it (shape checked, text NFC). Dates are
 * converted strictly all the same, and the result is checked against the canonical schema as
 * intake checks it (ajv with formats), every issue named by the HoSo field it comes from,
 * `DuLieu.<field>`, as the portal sent it in the callback.
 */
import { issue, type FieldIssue } from '../domain/errors.js'
import { CanonicalInputBase, type CanonicalInput, type DocumentRef, type Fee, type Holder } from '../domain/canonical-dossier.js'
import { hoSoIssues, type PortalHoSoInput } from './schemas/portal-hoso.js'
import { compileSchema, schemaIssues } from './schemas/schema-issues.js'
import { agencyOfCode } from '../domain/dossier-code.js'
import { fromPortalDate } from '../domain/toolkit/dates.js'
import { optional } from '../domain/toolkit/optional.js'

export type FromPortalResult = { ok: true, dossier: CanonicalInput } | { ok: false, issues: FieldIssue[] }

const validate = compileSchema<CanonicalInput>(CanonicalInputBase)

const PREFIX = 'DuLieu'

const CHANNEL: Record<string, CanonicalInput['channel'] | undefined> = { 1: 'in-person', 2: 'online', 3: 'postal' }
const HOLDER_KIND: Record<string, Holder['kind'] | undefined> = { 1: 'citizen', 2: 'enterprise', 3: 'agency', 4: 'organisation' }
const ID_TYPE: Record<string, 'cccd' | 'cmnd' | 'enterprise' | undefined> = { 1: 'cccd', 2: 'cmnd', 3: 'enterprise' }
const FEE_WHEN: Record<string, Fee['collectedAt'] | undefined> = { 1: 'intake', 2: 'supplement', 4: 'return' }

/** Canonical field → the HoSo field it comes from. */
const FIELD: Record<string, string> = {
  sourceId: 'MaHoSo',
  procedure: 'MaTTHC',
  'procedure.code': 'MaTTHC',
  'procedure.name': 'TenTTHC',
  'procedure.domainCode': 'MaLinhVuc',
  agency: 'MaHoSo',
  'agency.code': 'MaHoSo',
  'agency.communeCode': 'MaXa',
  channel: 'KenhThucHien',
  holder: 'ChuHoSo',
  'holder.kind': 'LoaiDoiTuong',
  'holder.name': 'ChuHoSo',
  'holder.ids': 'DinhDanhCHS',
  'holder.phone': 'SoDienThoai',
  'holder.email': 'Email',
  'holder.address': 'DiaChiThuongTru',
  'holder.address.text': 'DiaChiThuongTru',
  summary: 'TrichYeuHoSo',
  receivedAt: 'NgayTiepNhan',
  dueAt: 'NgayHenTra',
  returnedAt: 'NgayTra',
  status: 'TrangThaiHoSo',
  handlingUnit: 'DonViXuLy',
  documents: 'TaiLieuNop',
  fees: 'DanhSachLePhi',
  paidOnline: 'DuocThanhToanTrucTuyen',
  note: 'GhiChu'
}
const ITEM_FIELD: Record<string, { list: string, fields: Record<string, string> }> = {
  'holder.ids': { list: 'DinhDanhCHS', fields: { type: 'LoaiDinhDanh', number: 'SoDinhDanh' } },
  documents: { list: 'TaiLieuNop', fields: { id: 'TepDinhKemId', name: 'TenTepDinhKem', url: 'DuongDanTaiTepTin', componentCode: 'MaThanhPhanHoSo' } },
  fees: { list: 'DanhSachLePhi', fields: { name: 'TenPhiLePhi', code: 'MaPhiLePhi', amount: 'Gia', collectedAt: 'HinhThucThu' } }
}

/**
 * The HoSo field of a canonical instance path (`/holder/ids/0/number` →
 * `DuLieu.DinhDanhCHS[2].SoDinhDanh`); `idIndex` gives each canonical ID's place in
 * DinhDanhCHS, where the types the gateway does not keep were dropped.
 */
function hoSoField (instancePath: string, idIndex: readonly number[]): string {
  const parts = instancePath.split('/').slice(1)
  const at = parts.findIndex(p => /^\d+$/.test(p))
  if (at >= 0) {
    const list = parts.slice(0, at).join('.')
    const item = ITEM_FIELD[list]
    if (item !== undefined) {
      const n = Number(parts[at])
      const i = list === 'holder.ids' ? idIndex[n] ?? n : n
      const sub = parts[at + 1]
      const name = sub === undefined ? '' : `.${item.fields[sub] ?? sub}`
      return `${PREFIX}.${item.list}[${i}]${name}`
    }
  }
  const key = parts.join('.')
  const field = FIELD[key] ?? FIELD[parts[0] ?? '']
  return field === undefined ? PREFIX : `${PREFIX}.${field}`
}

function notAllowed (field: string, allowed: string): FieldIssue {
  const f = `${PREFIX}.${field}`
  return issue('NOT_ALLOWED', f, `${f} phải là một trong các giá trị ${allowed}`, `${f} must be one of ${allowed}`)
}

/** A code through its table; an unknown one is an issue and yields `fallback`, so mapping goes on. */
function code<T> (table: Record<string, T | undefined>, value: string, field: string, fallback: T, issues: FieldIssue[]): T {
  const v = Object.hasOwn(table, value) ? table[value] : undefined
  if (v !== undefined) return v
  issues.push(notAllowed(field, Object.keys(table).map(k => `"${k}"`).join(', ')))
  return fallback
}

function isoDate (value: string, field: string, issues: FieldIssue[]): string {
  const r = fromPortalDate(value)
  if (r.ok) return r.value
  const f = `${PREFIX}.${field}`
  issues.push(issue(r.code, f, `${f} ${r.vi}`, `${f} ${r.en}`))
  return value
}

function firstPerField (issues: readonly FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>()
  return issues.filter(i => !seen.has(i.field) && seen.add(i.field) !== undefined)
}

export function fromPortalHoSo (hoSo: PortalHoSoInput): FromPortalResult {
  // MaHoSo's day, ID shapes: the checks parseCallback makes besides the schema's. Dates are
  // checked again as they are converted, whatever their shape.
  const issues: FieldIssue[] = hoSoIssues(hoSo, PREFIX)

  const idIndex: number[] = []
  const ids: Holder['ids'] = []
  ;(hoSo.DinhDanhCHS ?? []).forEach((d, i) => {
    const type = Object.hasOwn(ID_TYPE, d.LoaiDinhDanh) ? ID_TYPE[d.LoaiDinhDanh] : undefined
    // The portal may know ID types the gateway does not: they are left out, as to-portal does.
    if (type === undefined) return
    idIndex.push(i)
    ids.push({ type, number: d.SoDinhDanh })
  })
  const holder: Holder = {
    kind: code(HOLDER_KIND, hoSo.LoaiDoiTuong, 'LoaiDoiTuong', 'citizen', issues),
    name: hoSo.ChuHoSo,
    ids,
    ...optional('phone', hoSo.SoDienThoai),
    ...optional('email', hoSo.Email),
    ...(hoSo.DiaChiThuongTru === undefined ? {} : { address: { text: hoSo.DiaChiThuongTru } })
  }
  const documents: DocumentRef[] = (hoSo.TaiLieuNop ?? []).map(t => ({
    id: t.TepDinhKemId,
    name: t.TenTepDinhKem,
    url: t.DuongDanTaiTepTin,
    ...optional('componentCode', t.MaThanhPhanHoSo),
    ...(t.DuocSoHoa === '1' ? { digitised: true } : {}),
    ...(t.DuocTaiSuDung === '1' ? { reused: true } : {})
  }))
  const fees: Fee[] = (hoSo.DanhSachLePhi ?? []).map((f, i) => ({
    name: f.TenPhiLePhi,
    ...optional('code', f.MaPhiLePhi),
    amount: f.Gia,
    collectedAt: code(FEE_WHEN, f.HinhThucThu, `DanhSachLePhi[${i}].HinhThucThu`, 'intake', issues)
  }))
  // Anything but "1" would read as not paid: only the two codes are taken.
  if (hoSo.DuocThanhToanTrucTuyen !== '1' && hoSo.DuocThanhToanTrucTuyen !== '3') issues.push(notAllowed('DuocThanhToanTrucTuyen', '"1", "3"'))

  const dossier: CanonicalInput = {
    sourceId: hoSo.MaHoSo,
    procedure: { code: hoSo.MaTTHC, ...optional('name', hoSo.TenTTHC), ...optional('domainCode', hoSo.MaLinhVuc) },
    agency: { code: agencyOfCode(hoSo.MaHoSo) ?? '', communeCode: hoSo.MaXa },
    channel: code(CHANNEL, hoSo.KenhThucHien, 'KenhThucHien', 'online', issues),
    holder,
    summary: hoSo.TrichYeuHoSo,
    receivedAt: isoDate(hoSo.NgayTiepNhan, 'NgayTiepNhan', issues),
    dueAt: isoDate(hoSo.NgayHenTra, 'NgayHenTra', issues),
    ...(hoSo.NgayTra === undefined ? {} : { returnedAt: isoDate(hoSo.NgayTra, 'NgayTra', issues) }),
    status: hoSo.TrangThaiHoSo,
    ...optional('handlingUnit', hoSo.DonViXuLy),
    documents,
    fees,
    paidOnline: hoSo.DuocThanhToanTrucTuyen === '1',
    ...optional('note', hoSo.GhiChu),
    ...optional('receiptNumber', hoSo.SoBienNhan),
    ...(hoSo.NgayNopHoSo === undefined ? {} : { submittedAt: isoDate(hoSo.NgayNopHoSo, 'NgayNopHoSo', issues) }),
    ...(hoSo.HoSoCoThanhPhanSoHoa === undefined ? {} : { digitised: hoSo.HoSoCoThanhPhanSoHoa === '1' })
  }
  if (issues.length > 0) return { ok: false, issues: firstPerField(issues) }
  if (!validate(dossier)) {
    const found = schemaIssues(CanonicalInputBase, validate.errors ?? [], p => hoSoField(p, idIndex))
    // Defensive: a failed check always has errors, but an empty refusal would help no one.
    return { ok: false, issues: found.length > 0 ? found : [issue('INVALID_FORMAT', PREFIX, `${PREFIX} không hợp lệ`, `${PREFIX} is invalid`)] }
  }
  return { ok: true, dossier }
}
