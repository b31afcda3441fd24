/**
 * The portal's HoSo as the portal sends it to the gateway (the `HoSoMoi` callback): every field
 * of the protocol's HoSo table and of its table of optional fields (shared/contracts/
 * portal-protocol.md, "Records"). Where the protocol sets no limit, the canonical dossier's is
 * used, so that a HoSo that passes here also fits the dossier it maps to.
 *
 * Checks a schema cannot state (dates that exist, an ID number of its type's shape, the day in
 * a MaHoSo) are in `hoSoIssues`.
 */
import { Type, type Static } from 'typebox'
import { issue, type FieldIssue } from '../../domain/errors.js'
import { fromPortalDate } from '../../domain/toolkit/dates.js'
import { expects } from './schema-issues.js'

const AGENCY = '[0-9A-Z]{1,5}(?:\\.[0-9A-Z]{1,5}){1,6}'
/** `<agency code>-<yyMMdd>-<5 digits>`, the agency code as the canonical `AgencyCode`. */
export const MA_HO_SO_PATTERN = `^${AGENCY}-\\d{6}-\\d{5}$`
const MA_HO_SO = new RegExp(MA_HO_SO_PATTERN)

export const MaHoSo = Type.String({
  maxLength: 50,
  pattern: MA_HO_SO_PATTERN,
  ...expects('<mã định danh cơ quan>-<yyMMdd>-<5 chữ số>, ví dụ 000.00.12.H42-250701-00017',
    '<agency code>-<yyMMdd>-<5 digits>, e.g. 000.00.12.H42-250701-00017')
})

/** `yyyyMMddHHmmss`, local time; that the date exists is checked by `fromPortalDate`. */
export const PortalDate = Type.String({
  pattern: '^\\d{14}$',
  ...expects('ngày giờ dạng yyyyMMddHHmmss (ví dụ 20250701081500)', 'a date-time yyyyMMddHHmmss (e.g. 20250701081500)', 'INVALID_DATE')
})

const text = (max: number, min = 1) => Type.String({ minLength: min, maxLength: max })
const flag = Type.Enum(['0', '1'])

export const PortalDocumentSchema = Type.Object({
  TepDinhKemId: text(100),
  TenTepDinhKem: text(255),
  DuongDanTaiTepTin: text(2000),
  MaThanhPhanHoSo: Type.Optional(text(50)),
  DuocSoHoa: Type.Optional(flag),
  DuocTaiSuDung: Type.Optional(flag)
})

export const PortalFeeSchema = Type.Object({
  TenPhiLePhi: text(255),
  MaPhiLePhi: Type.Optional(text(50)),
  Gia: Type.Integer({ minimum: 0, maximum: 1e12 }),
  HinhThucThu: Type.Enum(['1', '2', '4'])
})

export const PortalIdentitySchema = Type.Object({
  // Any type: the ones the gateway does not know are dropped by the mapping, not refused.
  LoaiDinhDanh: text(10),
  SoDinhDanh: text(50)
})

export const PortalSupplementSchema = Type.Object({
  HoSoBoSungId: text(100),
  NguoiYeuCauBoSung: text(255),
  NoiDungBoSung: text(2000),
  NgayBoSung: PortalDate,
  NgayTiepNhanBoSung: Type.Optional(PortalDate),
  TrangThaiBoSung: flag,
  NgayHenTraTruoc: PortalDate,
  NgayHenTraMoi: Type.Optional(PortalDate)
})

export const PortalResultDocumentSchema = Type.Object({
  TenGiayTo: text(255),
  MaGiayToKetQua: text(100),
  DuongDanTepTinKetQua: text(2000),
  MaThanhPhanHoSo: Type.Optional(text(50))
})

export const PortalHoSoSchema = Type.Object({
  MaHoSo,
  MaTTHC: Type.String({
    maxLength: 50,
    pattern: '^\\d\\.\\d{6}(\\.[0-9A-Z]{1,5}){0,6}$',
    ...expects('mã thủ tục hành chính, ví dụ 1.001193 hoặc 1.004227.000.00.00.H42', 'a procedure code, e.g. 1.001193 or 1.004227.000.00.00.H42')
  }),
  TenTTHC: Type.Optional(text(500)),
  MaLinhVuc: Type.Optional(text(50)),
  KenhThucHien: Type.Enum(['1', '2', '3']),
  ChuHoSo: text(200),
  LoaiDoiTuong: Type.Enum(['1', '2', '3', '4']),
  // Optional on the way in: a holder may have no ID of the portal's kinds.
  DinhDanhCHS: Type.Optional(Type.Array(PortalIdentitySchema, { maxItems: 5 })),
  SoDienThoai: Type.Optional(Type.String({
    pattern: '^0\\d{9,10}$', ...expects('số điện thoại dạng 0xxxxxxxxx (chỉ chữ số)', 'a phone number 0xxxxxxxxx (digits only)')
  })),
  Email: Type.Optional(Type.String({ maxLength: 254, format: 'email', ...expects('địa chỉ thư điện tử', 'an e-mail address') })),
  DiaChiThuongTru: Type.Optional(text(500)),
  MaXa: Type.String({ pattern: '^\\d{5}$', ...expects('mã xã 5 chữ số', 'a 5-digit commune code') }),
  TrichYeuHoSo: text(1000),
  NgayTiepNhan: PortalDate,
  NgayHenTra: PortalDate,
  TrangThaiHoSo: Type.Enum(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']),
  NgayTra: Type.Optional(PortalDate),
  DonViXuLy: Type.Optional(text(255)),
  TaiLieuNop: Type.Optional(Type.Array(PortalDocumentSchema, { maxItems: 100 })),
  DanhSachLePhi: Type.Optional(Type.Array(PortalFeeSchema, { maxItems: 50 })),
  DuocThanhToanTrucTuyen: Type.Enum(['1', '3']),
  GhiChu: Type.Optional(text(2000)),
  // The optional fields of current integrations.
  SoBienNhan: Type.Optional(text(100)),
  NgayNopHoSo: Type.Optional(PortalDate),
  NgayKetThucXuLy: Type.Optional(PortalDate),
  NgayTuChoi: Type.Optional(PortalDate),
  HoSoCoThanhPhanSoHoa: Type.Optional(flag),
  DanhSachHoSoBoSung: Type.Optional(Type.Array(PortalSupplementSchema, { maxItems: 50 })),
  DanhSachGiayToKetQua: Type.Optional(Type.Array(PortalResultDocumentSchema, { maxItems: 100 }))
})
export type PortalHoSoInput = Static<typeof PortalHoSoSchema>
export type PortalDocumentInput = Static<typeof PortalDocumentSchema>

const HO_SO_DATES = ['NgayTiepNhan', 'NgayHenTra', 'NgayTra', 'NgayNopHoSo', 'NgayKetThucXuLy', 'NgayTuChoi'] as const
const SUPPLEMENT_DATES = ['NgayBoSung', 'NgayTiepNhanBoSung', 'NgayHenTraTruoc', 'NgayHenTraMoi'] as const

const ID_SHAPES: Record<string, { re: RegExp, vi: string, en: string } | undefined> = {
  1: { re: /^\d{12}$/, vi: 'số căn cước công dân 12 chữ số', en: 'a 12-digit citizen ID number' },
  2: { re: /^\d{9}$/, vi: 'số chứng minh nhân dân 9 chữ số', en: 'a 9-digit identity card number' },
  3: { re: /^\d{10}(?:-\d{3})?$/, vi: 'mã số doanh nghiệp (10 chữ số, hoặc 10 chữ số-3 chữ số)', en: 'an enterprise code (10 digits, or 10 digits-3 digits)' }
}

function isRecord (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** A date that has the shape but does not exist; a value of the wrong shape is the schema's to report. */
export function dateIssue (value: unknown, field: string): FieldIssue | undefined {
  if (typeof value !== 'string' || !/^\d{14}$/.test(value)) return undefined
  const r = fromPortalDate(value)
  return r.ok ? undefined : issue(r.code, field, `${field} ${r.vi}`, `${field} ${r.en}`)
}

/** In a MaHoSo of the right shape, the agency code fits the canonical one and the day exists (`250230` does not). */
export function maHoSoIssue (value: unknown, field: string): FieldIssue | undefined {
  if (typeof value !== 'string') return undefined
  const m = /-(\d{2})(\d{2})(\d{2})-\d{5}$/.exec(value)
  if (m === null || !MA_HO_SO.test(value)) return undefined
  if (value.length - m[0].length > 30) {
    return issue('INVALID_FORMAT', field, `${field} không đúng định dạng: mã định danh cơ quan dài quá 30 ký tự`,
      `${field} has an invalid format: its agency code is longer than 30 characters`)
  }
  if (fromPortalDate(`20${m[1] ?? ''}${m[2] ?? ''}${m[3] ?? ''}000000`).ok) return undefined
  return issue('INVALID_FORMAT', field, `${field} không đúng định dạng: phần yyMMdd không phải ngày có thật`,
    `${field} has an invalid format: its yyMMdd part is not a date that exists`)
}

/**
 * What the schema cannot check in a HoSo (a value of any shape; `prefix` is where it sits in the
 * sender's body, `DuLieu`): dates that exist, the day in MaHoSo, each known ID type's shape.
 */
export function hoSoIssues (h: unknown, prefix: string): FieldIssue[] {
  if (!isRecord(h)) return []
  const out: Array<FieldIssue | undefined> = [maHoSoIssue(h.MaHoSo, `${prefix}.MaHoSo`)]
  for (const k of HO_SO_DATES) out.push(dateIssue(h[k], `${prefix}.${k}`))
  const ids = Array.isArray(h.DinhDanhCHS) ? h.DinhDanhCHS : []
  ids.forEach((id: unknown, i) => {
    if (!isRecord(id) || typeof id.LoaiDinhDanh !== 'string' || typeof id.SoDinhDanh !== 'string') return
    const shape = ID_SHAPES[id.LoaiDinhDanh]
    if (shape === undefined || shape.re.test(id.SoDinhDanh)) return
    const f = `${prefix}.DinhDanhCHS[${i}].SoDinhDanh`
    out.push(issue('INVALID_FORMAT', f, `${f} không đúng định dạng: cần ${shape.vi}`, `${f} has an invalid format: expected ${shape.en}`))
  })
  const supplements = Array.isArray(h.DanhSachHoSoBoSung) ? h.DanhSachHoSoBoSung : []
  supplements.forEach((s: unknown, i) => {
    if (!isRecord(s)) return
    for (const k of SUPPLEMENT_DATES) out.push(dateIssue(s[k], `${prefix}.DanhSachHoSoBoSung[${i}].${k}`))
  })
  return out.filter((i): i is FieldIssue => i !== undefined)
}
