/**
 * `business-registration`: the business registration software (đăng ký kinh doanh) of a
 * commune or provincial centre: household businesses and enterprises. JSON. It is the fourth
 * sector, added as this one file plus its fixtures, with no other change to the gateway.
 *
 * The format (one object; unknown keys are ignored):
 * ```
 * soHoSo            the system's own dossier number, e.g. "DKKD-18601-2025-000318" (required)
 * maThuTuc          national procedure code, e.g. "2.000720" (required); tenThuTuc its name
 * loaiHinh          HO_KINH_DOANH | DNTN | TNHH_1TV | TNHH_2TV | CO_PHAN | HOP_DANH (required)
 * coQuan            { maDinhDanh: agency code, maXa: 2025 commune code, ten? } (required)
 * ngayNop           ISO 8601, with or without zone (required)
 * hanTraKetQua      ISO 8601; a date alone means the end of that day (required)
 * ngayTraKetQua     ISO 8601, once the result is handed over
 * kenh              TRUC_TIEP | TRUC_TUYEN | BUU_CHINH (required)
 * trangThai         MOI_NOP | DA_TIEP_NHAN | TU_CHOI | DANG_XU_LY | BO_SUNG | CHO_NOP_PHI |
 *                   RUT | DUNG_XU_LY | DA_CAP_GCN | DA_TRA_KQ (required)
 * doanhNghiep       { tenDoanhNghiep (required), maSoDoanhNghiep? (absent until first issued),
 *                     diaChiTruSo?: { diaChi?, maXa? }, vonDieuLe? (đồng, "100.000.000"),
 *                     nganhNghe?: [{ ma: 4–5 digit VSIC code, ten?, chinh? }] } (required)
 * nguoiDaiDien      { hoTen, cccd, ngaySinh?, gioiTinh? NAM|NU, chucDanh?, dienThoai?, email? } (required)
 * lePhi             [{ ten, soTien, ma?, thuKhi? TIEP_NHAN|BO_SUNG|TRA_KET_QUA, daThu? }]
 * thanhToanTrucTuyen  true when the fee was paid online
 * tepDinhKem        [{ ma?, ten, url, mime?, kichThuoc? }]
 * ghiChu            free text
 * ```
 * Decisions: the holder is the business itself, kind `enterprise` for every legal form (a
 * household business is identified by its tax code like an enterprise), with
 * `maSoDoanhNghiep` as its ID once it has one; its phone and e-mail are the representative's,
 * who is the person the portal's notices reach. The representative's CCCD is checked against
 * the birth date and sex and kept in the details. `soHoSo` is also the receipt number
 * (`receiptNumber`); each attached file is `digitised`, and so is the dossier when it has one
 * (without files the flag is left out: the format does not say the papers were not scanned).
 */
import { Type } from 'typebox'
import type { CanonicalInput, DocumentRef, Fee, Holder, StatusCode } from '../../domain/canonical-dossier.js'
import type { Reader } from '../reader.js'
import type { MapContext, SectorMapping, SectorWords } from '../types.js'
import {
  agencyCode, birthDate, booleanFlag, cccd, dateTime, decimal, email, enterpriseCode, pattern, sourceId,
  personName, phone, procedureCode, table, text, vnd, type Gender, optional
} from '../../domain/toolkit/index.js'
import { communeCode } from '../communes.js'

// Each legal form with the wording of a summary when the procedure name is not sent.
const LEGAL_FORM = table('loaiHinh', {
  HO_KINH_DOANH: 'Đăng ký hộ kinh doanh',
  DNTN: 'Đăng ký doanh nghiệp tư nhân',
  TNHH_1TV: 'Đăng ký công ty trách nhiệm hữu hạn một thành viên',
  TNHH_2TV: 'Đăng ký công ty trách nhiệm hữu hạn hai thành viên trở lên',
  CO_PHAN: 'Đăng ký công ty cổ phần',
  HOP_DANH: 'Đăng ký công ty hợp danh'
} as const)
const CHANNEL = table<CanonicalInput['channel']>('kenh', { TRUC_TIEP: 'in-person', TRUC_TUYEN: 'online', BUU_CHINH: 'postal' } as const)
const STATUS = table<StatusCode>('trangThai', {
  MOI_NOP: '1', DA_TIEP_NHAN: '2', TU_CHOI: '3', DANG_XU_LY: '4', BO_SUNG: '5', CHO_NOP_PHI: '6', RUT: '7', DUNG_XU_LY: '8', DA_CAP_GCN: '9', DA_TRA_KQ: '10'
} as const)
const GENDER = table<Gender>('gioiTinh', { NAM: 'male', NU: 'female' } as const, { caseInsensitive: true })
const FEE_WHEN = table<Fee['collectedAt']>('thuKhi', { TIEP_NHAN: 'intake', BO_SUNG: 'supplement', TRA_KET_QUA: 'return' } as const)
const SOURCE_ID = sourceId()
const VSIC = pattern(/\d{4,5}/, 'INVALID_BUSINESS_LINE', 'không phải mã ngành kinh tế hợp lệ (4 hoặc 5 chữ số)', 'is not a valid business line code (4 or 5 digits)')

const detailsSchema = Type.Object({
  legalForm: Type.String({ maxLength: 20 }),
  enterpriseCode: Type.Optional(Type.String({ maxLength: 14 })),
  charterCapital: Type.Optional(Type.Integer({ minimum: 0 })),
  businessLines: Type.Array(Type.Object({
    code: Type.String({ pattern: '^\\d{4,5}$' }),
    name: Type.Optional(Type.String({ maxLength: 500 })),
    main: Type.Optional(Type.Boolean())
  }, { additionalProperties: false }), { maxItems: 300 }),
  representative: Type.Object({
    name: Type.String({ maxLength: 200 }),
    title: Type.Optional(Type.String({ maxLength: 100 })),
    birthDate: Type.Optional(Type.String()),
    gender: Type.Optional(Type.String()),
    ids: Type.Array(Type.Object({ type: Type.String(), number: Type.String() }, { additionalProperties: false }))
  }, { additionalProperties: false })
}, { additionalProperties: false })

interface Representative { name: string, title?: string, birthDate?: string, gender?: Gender, ids: Array<{ type: 'cccd', number: string }> }

function representative (r: Reader, units: MapContext['adminUnits']): { person: Representative, phone?: string, email?: string } {
  const p = r.need('nguoiDaiDien')
  if (p === undefined) {
    return { person: { name: '', ids: [] } }
  }
  const birth = p.opt('ngaySinh', birthDate())
  const gender = p.opt('gioiTinh', GENDER)
  const id = p.req('cccd', cccd({
    provincePrefixes: units.cccdProvincePrefixes,
    ...(birth === undefined ? {} : { birthDate: birth }),
    ...(gender === undefined ? {} : { gender })
  }))
  return {
    person: {
      name: p.req('hoTen', personName()) ?? '',
      ...optional('title', p.opt('chucDanh', text({ max: 100 }))),
      ...optional('birthDate', birth),
      ...optional('gender', gender),
      ids: id === undefined ? [] : [{ type: 'cccd', number: id }]
    },
    ...optional('phone', p.opt('dienThoai', phone())),
    ...optional('email', p.opt('email', email()))
  }
}

function documents (r: Reader): DocumentRef[] {
  return r.all('tepDinhKem').map((t, i) => {
    const code = t.opt('ma', text({ max: 50 }))
    return {
      id: `${code ?? 'TEP'}-${i + 1}`,
      name: t.req('ten', text({ max: 255 })) ?? '',
      url: t.req('url', text({ max: 2000 })) ?? '',
      ...optional('componentCode', code),
      ...optional('mimeType', t.opt('mime', text({ max: 100 }))),
      ...optional('size', t.opt('kichThuoc', decimal({ maxFractionDigits: 0 }))),
      digitised: true
    }
  })
}

function fees (r: Reader): Fee[] {
  return r.all('lePhi').map(f => ({
    name: f.req('ten', text({ max: 255 })) ?? '',
    ...optional('code', f.opt('ma', text({ max: 50 }))),
    amount: f.req('soTien', vnd()) ?? 0,
    collectedAt: f.opt('thuKhi', FEE_WHEN) ?? 'intake',
    ...optional('paid', f.opt('daThu', booleanFlag()))
  }))
}

function map (r: Reader, ctx: MapContext): CanonicalInput {
  const units = ctx.adminUnits
  const legalFormRaw = r.raw('loaiHinh')?.trim()
  const legalForm = r.req('loaiHinh', LEGAL_FORM)
  const procedureName = r.opt('tenThuTuc', text({ max: 500 }))
  const biz = r.need('doanhNghiep')
  const name = biz?.req('tenDoanhNghiep', text({ max: 200 }))
  const code = biz?.opt('maSoDoanhNghiep', enterpriseCode())
  const office = biz?.at('diaChiTruSo')
  const address = { ...optional('text', office?.opt('diaChi', text({ max: 500 }))), ...optional('communeCode', office?.opt('maXa', communeCode(units))) }
  const rep = representative(r, units)
  const holder: Holder = {
    kind: 'enterprise',
    name: name ?? '',
    ids: code === undefined ? [] : [{ type: 'enterprise', number: code }],
    ...optional('phone', rep.phone),
    ...optional('email', rep.email),
    ...(Object.keys(address).length > 0 ? { address } : {})
  }
  const what = procedureName ?? legalForm ?? 'Đăng ký kinh doanh'
  const agency = r.need('coQuan')
  const ownNumber = r.req('soHoSo', SOURCE_ID)
  const out: CanonicalInput = {
    sourceId: ownNumber ?? '',
    ...optional('receiptNumber', ownNumber),
    procedure: { code: r.req('maThuTuc', procedureCode()) ?? '', ...optional('name', procedureName) },
    agency: {
      code: agency?.req('maDinhDanh', agencyCode()) ?? '',
      ...optional('name', agency?.opt('ten', text({ max: 255 }))),
      communeCode: agency?.req('maXa', communeCode(units)) ?? ''
    },
    channel: r.req('kenh', CHANNEL) ?? 'in-person',
    holder,
    summary: `${what}: ${holder.name}${code === undefined ? '' : ` (mã số ${code})`}`,
    receivedAt: r.req('ngayNop', dateTime()) ?? '',
    dueAt: r.req('hanTraKetQua', dateTime({ dateOnly: 'end' })) ?? '',
    ...optional('returnedAt', r.opt('ngayTraKetQua', dateTime())),
    status: r.req('trangThai', STATUS) ?? '1',
    documents: documents(r),
    fees: fees(r),
    paidOnline: r.opt('thanhToanTrucTuyen', booleanFlag()) ?? false,
    ...optional('note', r.opt('ghiChu', text({ max: 2000 }))),
    details: {
      'business-registration': {
        legalForm: legalFormRaw ?? '',
        ...optional('enterpriseCode', code),
        ...optional('charterCapital', biz?.opt('vonDieuLe', decimal({ maxFractionDigits: 0 }))),
        businessLines: (biz?.all('nganhNghe') ?? []).map(n => ({
          code: n.req('ma', VSIC) ?? '',
          ...optional('name', n.opt('ten', text({ max: 500 }))),
          ...optional('main', n.opt('chinh', booleanFlag()))
        })),
        representative: rep.person
      }
    }
  }
  if (out.documents.length > 0) out.digitised = true
  return out
}

/** How an officer reads this sector's section (`details.business-registration.*`): its own words. */
const words: SectorWords = {
  labels: {
    enterpriseCode: ['ĐKKD: mã số doanh nghiệp', 'Business: enterprise code'],
    legalForm: ['ĐKKD: loại hình', 'Business: legal form'],
    charterCapital: ['ĐKKD: vốn điều lệ (đồng)', 'Business: charter capital (VND)'],
    'businessLines.code': ['ĐKKD: ngành nghề — mã', 'Business: line — code'],
    'businessLines.name': ['ĐKKD: ngành nghề — tên', 'Business: line — name'],
    'businessLines.main': ['ĐKKD: ngành nghề — ngành chính', 'Business: line — main'],
    'representative.name': ['ĐKKD: người đại diện — họ tên', 'Business: representative — name'],
    'representative.title': ['ĐKKD: người đại diện — chức danh', 'Business: representative — title'],
    'representative.birthDate': ['ĐKKD: người đại diện — ngày sinh', 'Business: representative — birth date'],
    'representative.gender': ['ĐKKD: người đại diện — giới tính', 'Business: representative — gender'],
    'representative.ids.type': ['ĐKKD: người đại diện — loại giấy tờ', 'Business: representative — ID type'],
    'representative.ids.number': ['ĐKKD: người đại diện — số giấy tờ', 'Business: representative — ID number']
  },
  kinds: {
    legalForm: 'legalForm',
    'representative.ids.type': 'idType',
    'representative.gender': 'gender'
  },
  values: {
    legalForm: { CO_PHAN: ['Công ty cổ phần', 'Joint-stock company'], TNHH_1TV: ['Công ty TNHH một thành viên', 'Single-member LLC'], TNHH_2TV: ['Công ty TNHH hai thành viên trở lên', 'Multi-member LLC'], HO_KINH_DOANH: ['Hộ kinh doanh', 'Household business'], DNTN: ['Doanh nghiệp tư nhân', 'Private enterprise'] }
  }
}

const mapping: SectorMapping = {
  system: 'business-registration',
  title: { vi: 'Đăng ký kinh doanh', en: 'Business registration' },
  words,
  version: '1.0.0',
  format: 'json',
  agencyField: 'coQuan/maDinhDanh',
  statusField: 'trangThai',
  detailsSchema,
  map
}
export default mapping
