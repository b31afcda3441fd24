/**
 * `land`: the land registration office software (đất đai), XML, root `HoSoDangKyDatDai` in
 * namespace `urn:vn:datdai:hoso:1.2` (any prefix). See shared/contracts/sector-formats.md.
 * Pure: field paths in errors are the sender's own (`HoSoDangKyDatDai/NguoiNop/GiayTo/@so`).
 *
 * Decisions on what the format leaves open:
 * - `NguoiNop/@laToChuc="true"` with a `GiayTo/@loai="MST"` is an `enterprise` (the portal gets
 *   the enterprise code as its ID); an organisation without an MST is an `organisation`. An
 *   organisation may carry only an MST and a person only a CCCD or CMND: anything else is a
 *   typing mistake the officer must see. An organisation's name is free text (digits allowed).
 * - The parcel commune: `ThuaDat/DiaChi/@maXa` (a 2025 code, sent by updated installations)
 *   wins over `@maXaCu` (a code from before 1 July 2025), which is translated, never looked up
 *   in the 2025 list; a split commune the address text cannot settle is held for review.
 * - Empty `MucDichSuDung` rows (left by a form template) are skipped; one purpose is required.
 * - `TepTin/@ma` is the dossier component (TP01, TP02, ...) and, when unique, the document id;
 *   a component with several files gets `<ma>-<position>`.
 * - The format has no online-payment flag: land fees are paid at the counter.
 * - `MaHoSoNganh` is also the receipt number (`receiptNumber`). Every `TepTin` is a file the
 *   office holds, so it is `digitised`, and so is the dossier when it has one; with no file the
 *   flag is left out (the format does not say the papers were not scanned).
 */
import { Type } from 'typebox'
import type { CanonicalInput, DocumentRef, Fee, Holder, StatusCode } from '../../domain/canonical-dossier.js'
import type { AdminUnits } from '../../domain/admin-units/index.js'
import type { Conv, Reader } from '../reader.js'
import type { MapContext, SectorMapping } from '../types.js'
import {
  agencyCode, birthDate, booleanFlag, cccd, cmnd, dateTime, decimal, email, enterpriseCode,
  landUsePurpose, pattern, personName, phone, procedureCode, sourceId, table, text, vnd, optional
} from '../../domain/toolkit/index.js'
import { communeCode, legacyCommune } from '../communes.js'

const CHANNEL = table<CanonicalInput['channel']>('HinhThucNop', { TrucTiep: 'in-person', TrucTuyen: 'online', BuuChinh: 'postal' } as const)
const STATUS = table<StatusCode>('TrangThai', {
  DA_TIEP_NHAN: '2', DANG_THAM_DINH: '4', CHO_BO_SUNG: '5', CHO_NOP_THUE: '6', DA_CAP_GCN: '9', DA_TRA_KQ: '10', TU_CHOI: '3'
} as const)
const FEE_WHEN = table<Fee['collectedAt']>('LePhi/@thuKhi', { TiepNhan: 'intake', BoSung: 'supplement', TraKetQua: 'return' } as const)
const ID_KIND = table<'cccd' | 'cmnd' | 'enterprise'>('GiayTo/@loai', { CCCD: 'cccd', CMND: 'cmnd', MST: 'enterprise' } as const, { caseInsensitive: true })
// Areas are kept in m²; other units would need a conversion the format does not define.
const AREA_UNIT = table('DienTich/@donVi', { m2: 'm2', 'm²': 'm2' } as const, { caseInsensitive: true })
const SOURCE_ID = sourceId()
const HEX64 = pattern(/[0-9a-fA-F]{64}/, 'INVALID_SHA256', 'không phải mã băm SHA-256 hợp lệ (64 ký tự hex)', 'is not a valid SHA-256 digest (64 hex characters)')
const SHA256: Conv<string> = (raw) => {
  const r = HEX64(raw)
  return r.ok ? { ok: true, value: r.value.toLowerCase() } : r
}
const PARCEL_TARGET = 'details.land.parcel.communeCode'

const detailsSchema = Type.Object({
  formatVersion: Type.Optional(Type.String({ maxLength: 20 })),
  changeType: Type.Optional(Type.String({ maxLength: 50 })),
  parcel: Type.Object({
    sheet: Type.String({ minLength: 1, maxLength: 20 }),
    number: Type.String({ minLength: 1, maxLength: 20 }),
    areaM2: Type.Optional(Type.Number({ minimum: 0 })),
    purposes: Type.Array(Type.String({ pattern: '^[A-Z]{3}$' }), { minItems: 1, maxItems: 20 }),
    address: Type.Optional(Type.String({ maxLength: 500 })),
    communeCode: Type.Optional(Type.String({ pattern: '^\\d{5}$' })),
    legacyCommuneCode: Type.Optional(Type.String({ pattern: '^\\d{5}$' }))
  }, { additionalProperties: false })
}, { additionalProperties: false })

type Id = Holder['ids'][number]

/** One `GiayTo`: its kind must suit the holder, a CCCD must agree with the birth date. */
function identity (g: Reader, isOrg: boolean, birth: string | undefined, units: AdminUnits): Id | undefined {
  const kind = g.req('@loai', ID_KIND)
  if (kind === undefined) return undefined
  if (isOrg !== (kind === 'enterprise')) {
    g.fail('@loai', 'ID_KIND_MISMATCH',
      isOrg ? 'phải là MST khi người nộp là tổ chức (laToChuc="true")' : 'chỉ được là MST khi người nộp là tổ chức (laToChuc="true"); cá nhân dùng CCCD hoặc CMND',
      isOrg ? 'must be MST when the applicant is an organisation (laToChuc="true")' : 'may be MST only for an organisation (laToChuc="true"); a person uses CCCD or CMND')
    return undefined
  }
  const conv = kind === 'cccd'
    ? cccd({ provincePrefixes: units.cccdProvincePrefixes, ...(birth === undefined ? {} : { birthDate: birth }) })
    : kind === 'cmnd' ? cmnd() : enterpriseCode()
  const number = g.req('@so', conv)
  return number === undefined ? undefined : { type: kind, number }
}

function applicant (r: Reader, units: AdminUnits): Holder {
  const p = r.need('NguoiNop')
  if (p === undefined) {
    return { kind: 'citizen', name: '', ids: [] }
  }
  const isOrg = p.opt('@laToChuc', booleanFlag()) ?? false
  const name = p.req('HoTen', isOrg ? text({ max: 200 }) : personName())
  // An organisation has no birth date; one sent anyway is not checked against anything.
  const birth = isOrg ? undefined : p.opt('NgaySinh', birthDate())
  const ids = p.all('GiayTo').map(g => identity(g, isOrg, birth, units)).filter((i): i is Id => i !== undefined)
  const addressText = p.opt('DiaChi', text({ max: 500 }))
  const addressCode = p.opt('DiaChi/@maXa', communeCode(units))
  const address = { ...optional('text', addressText), ...optional('communeCode', addressCode) }
  return {
    kind: !isOrg ? 'citizen' : ids.some(i => i.type === 'enterprise') ? 'enterprise' : 'organisation',
    name: name ?? '',
    ids,
    ...optional('birthDate', birth),
    ...optional('phone', p.opt('DienThoai', phone())),
    ...optional('email', p.opt('Email', email())),
    ...(Object.keys(address).length > 0 ? { address } : {})
  }
}

interface Parcel { sheet: string, number: string, areaM2?: number, purposes: string[], address?: string, communeCode?: string, legacyCommuneCode?: string }

function parcel (r: Reader, units: AdminUnits): Parcel {
  const t = r.need('ThuaDat')
  if (t === undefined) {
    return { sheet: '', number: '', purposes: [] }
  }
  t.opt('DienTich/@donVi', AREA_UNIT)
  const rows = t.all('MucDichSuDung').filter(m => m.raw('') !== undefined)
  if (rows.length === 0) t.required('MucDichSuDung')
  const purposes = rows.map(m => m.req('', landUsePurpose()) ?? '')
  const address = t.opt('DiaChi', text({ max: 500 }))
  const legacy = t.raw('DiaChi/@maXaCu')?.trim()
  const code = t.has('DiaChi/@maXa')
    ? t.opt('DiaChi/@maXa', communeCode(units))
    : legacyCommune(t, 'DiaChi/@maXaCu', { units, target: PARCEL_TARGET, ...optional('addressText', address) })
  return {
    sheet: t.req('SoTo', text({ max: 20 })) ?? '',
    number: t.req('SoThua', text({ max: 20 })) ?? '',
    ...optional('areaM2', t.opt('DienTich', decimal({ max: 1e10 }))),
    purposes,
    ...optional('address', address),
    ...optional('communeCode', code),
    ...(legacy === undefined || t.has('DiaChi/@maXa') ? {} : { legacyCommuneCode: legacy })
  }
}

function documents (r: Reader): DocumentRef[] {
  const files = r.all('GiayToKemTheo/TepTin')
  const codes = files.map(f => f.opt('@ma', text({ max: 50 })))
  // Counted once, not per file: a hostile document may carry thousands of TepTin.
  const seen = new Map<string | undefined, number>()
  for (const c of codes) seen.set(c, (seen.get(c) ?? 0) + 1)
  return files.map((f, i) => {
    const code = codes[i]
    const unique = code !== undefined && seen.get(code) === 1
    const doc: DocumentRef = {
      id: unique ? code : `${code ?? 'TEP'}-${i + 1}`,
      name: f.req('@ten', text({ max: 255 })) ?? '',
      url: f.req('@url', text({ max: 2000 })) ?? '',
      ...optional('componentCode', code),
      ...optional('mimeType', f.opt('@kieu', text({ max: 100 }))),
      ...optional('size', f.opt('@kichThuoc', decimal({ maxFractionDigits: 0 }))),
      ...optional('sha256', f.opt('@sha256', SHA256)),
      digitised: true
    }
    return doc
  })
}

function fees (r: Reader): Fee[] {
  return r.all('LePhi').map(f => ({
    name: f.req('@ten', text({ max: 255 })) ?? '',
    ...optional('code', f.opt('@ma', text({ max: 50 }))),
    amount: f.req('@soTien', vnd()) ?? 0,
    collectedAt: f.opt('@thuKhi', FEE_WHEN) ?? 'intake',
    ...optional('paid', f.opt('@daThu', booleanFlag()))
  }))
}

function summary (procedure: string | undefined, holder: Holder, p: Parcel): string {
  const what = procedure ?? 'Hồ sơ đăng ký đất đai'
  const where = p.number === '' ? '' : `, thửa đất số ${p.number}, tờ bản đồ số ${p.sheet}`
  return `${what} của ${holder.name}${where}`
}

function map (r: Reader, ctx: MapContext): CanonicalInput {
  const units = ctx.adminUnits
  const procedureName = r.opt('TenTTHC', text({ max: 500 }))
  const holder = applicant(r, units)
  const land = parcel(r, units)
  const ownNumber = r.req('MaHoSoNganh', SOURCE_ID)
  const out: CanonicalInput = {
    sourceId: ownNumber ?? '',
    ...optional('receiptNumber', ownNumber),
    procedure: { code: r.req('MaTTHC', procedureCode()) ?? '', ...optional('name', procedureName) },
    agency: {
      code: r.req('DonViTiepNhan/@maDinhDanh', agencyCode()) ?? '',
      ...optional('name', r.opt('DonViTiepNhan', text({ max: 255 }))),
      communeCode: r.req('DonViTiepNhan/@maXa', communeCode(units)) ?? ''
    },
    channel: r.req('HinhThucNop', CHANNEL) ?? 'in-person',
    holder,
    summary: summary(procedureName, holder, land),
    receivedAt: r.req('NgayNhan', dateTime()) ?? '',
    // A due date without a time means by the end of that day, as in every sector's format.
    dueAt: r.req('NgayHenTra', dateTime({ dateOnly: 'end' })) ?? '',
    ...optional('returnedAt', r.opt('NgayTra', dateTime())),
    status: r.req('TrangThai', STATUS) ?? '1',
    documents: documents(r),
    fees: fees(r),
    paidOnline: false,
    ...optional('note', r.opt('GhiChu', text({ max: 2000 }))),
    details: {
      land: {
        ...optional('formatVersion', r.opt('@phienBan', text({ max: 20 }))),
        ...optional('changeType', r.opt('LoaiBienDong', text({ max: 50 }))),
        parcel: land
      }
    }
  }
  if (out.documents.length > 0) out.digitised = true
  return out
}

const mapping: SectorMapping = {
  system: 'land',
  title: { vi: 'Đất đai', en: 'Land' },
  version: '1.0.0',
  format: 'xml',
  xml: { root: 'HoSoDangKyDatDai', namespace: 'urn:vn:datdai:hoso:1.2' },
  agencyField: 'DonViTiepNhan/@maDinhDanh',
  statusField: 'TrangThai',
  detailsSchema,
  map
}
export default mapping
