/**
 * `civil-status`: the civil status (hộ tịch) software, JSON. See
 * shared/contracts/sector-formats.md. Pure: field paths in errors are the sender's own
 * (`nguoiYeuCau.giayTo.so`).
 */
import { Type } from 'typebox'
import type { CanonicalInput, DocumentRef, Fee, StatusCode } from '../../domain/canonical-dossier.js'
import type { Reader } from '../reader.js'
import type { MapContext, SectorMapping } from '../types.js'
import {
  agencyCode, birthDate, booleanFlag, cccd, cmnd, dateTime, email, personName, phone,
  procedureCode, table, text, vnd, type Gender, optional
} from '../../domain/toolkit/index.js'
import { communeCode } from '../communes.js'

const KIND = table('loaiViec', {
  KHAI_SINH: { vi: 'Đăng ký khai sinh', subject: 'treEm' },
  KHAI_TU: { vi: 'Đăng ký khai tử', subject: 'nguoiChet' },
  KET_HON: { vi: 'Đăng ký kết hôn', subject: undefined },
  XAC_NHAN_TTHN: { vi: 'Cấp Giấy xác nhận tình trạng hôn nhân', subject: undefined }
} as const)
const CHANNEL = table<CanonicalInput['channel']>('kenhNop', { TRUC_TIEP: 'in-person', TRUC_TUYEN: 'online', BUU_CHINH: 'postal' } as const)
const STATUS = table<StatusCode>('trangThai', {
  TIEP_NHAN: '2', DANG_XU_LY: '4', BO_SUNG: '5', DA_CO_KET_QUA: '9', DA_TRA: '10', TU_CHOI: '3', RUT: '7'
} as const)
const GENDER = table<Gender>('gioiTinh', { NAM: 'male', NU: 'female' } as const, { caseInsensitive: true })
const ID_KIND = table<'cccd' | 'cmnd'>('giayTo.loai', { CCCD: 'cccd', CMND: 'cmnd' } as const, { caseInsensitive: true })
const FEE_WHEN = table<Fee['collectedAt']>('thuKhi', { TIEP_NHAN: 'intake', BO_SUNG: 'supplement', TRA_KET_QUA: 'return' } as const)

const Person = Type.Object({
  role: Type.String(),
  name: Type.String(),
  birthDate: Type.Optional(Type.String()),
  gender: Type.Optional(Type.String()),
  ethnicity: Type.Optional(Type.String()),
  nationality: Type.Optional(Type.String()),
  ids: Type.Array(Type.Object({ type: Type.String(), number: Type.String() }))
}, { additionalProperties: false })

const detailsSchema = Type.Object({
  kind: Type.String(),
  relationship: Type.Optional(Type.String({ maxLength: 50 })),
  persons: Type.Array(Person, { maxItems: 10 }),
  eventDate: Type.Optional(Type.String()),
  place: Type.Optional(Type.Object({ name: Type.Optional(Type.String()), communeCode: Type.Optional(Type.String()) }, { additionalProperties: false })),
  purpose: Type.Optional(Type.String({ maxLength: 500 }))
}, { additionalProperties: false })

type PersonOut = { role: string, name: string, birthDate?: string, gender?: Gender, ethnicity?: string, nationality?: string, ids: Array<{ type: 'cccd' | 'cmnd', number: string }> }

/** A person block (`hoTen`, `ngaySinh`, `gioiTinh`, `giayTo`), with the ID checked against birth date and sex. */
function person (r: Reader, role: string, ctx: MapContext): PersonOut | undefined {
  const name = r.req('hoTen', personName())
  if (name === undefined) return undefined
  const p: PersonOut = { role, name, ids: [] }
  const bd = r.opt('ngaySinh', birthDate())
  const g = r.opt('gioiTinh', GENDER)
  if (bd !== undefined) p.birthDate = bd
  if (g !== undefined) p.gender = g
  const ethnicity = r.opt('danToc', text({ max: 50 }))
  const nationality = r.opt('quocTich', text({ max: 50 }))
  if (ethnicity !== undefined) p.ethnicity = ethnicity
  if (nationality !== undefined) p.nationality = nationality
  const id = r.at('giayTo')
  if (id !== undefined) {
    const kind = id.req('loai', ID_KIND)
    const number = kind === 'cccd'
      ? id.req('so', cccd({ provincePrefixes: ctx.adminUnits.cccdProvincePrefixes, ...(bd === undefined ? {} : { birthDate: bd }), ...(g === undefined ? {} : { gender: g }) }))
      : kind === 'cmnd' ? id.req('so', cmnd()) : undefined
    if (kind !== undefined && number !== undefined) p.ids.push({ type: kind, number })
  }
  return p
}

function summary (kindVi: string, kind: string, persons: PersonOut[], applicant: string): string {
  const name = (role: string): string | undefined => persons.find(p => p.role === role)?.name
  if (kind === 'KHAI_SINH') return `${kindVi} cho ${name('child') ?? applicant}`
  if (kind === 'KHAI_TU') return `${kindVi} cho ${name('deceased') ?? applicant}`
  if (kind === 'KET_HON') return `${kindVi} giữa ${name('husband') ?? '?'} và ${name('wife') ?? '?'}`
  return `${kindVi} cho ${applicant}`
}

function map (r: Reader, ctx: MapContext): CanonicalInput {
  const units = ctx.adminUnits
  const sourceId = r.req('soBienNhan', text({ max: 100 }))
  const kindRaw = r.raw('loaiViec')?.trim()
  const kind = r.req('loaiViec', KIND)
  const applicantR = r.need('nguoiYeuCau')
  const applicant = applicantR === undefined ? undefined : person(applicantR, 'applicant', ctx)

  const persons: PersonOut[] = []
  const body = r.at('noiDung')
  const roles: Record<string, string> = { treEm: 'child', me: 'mother', cha: 'father', nguoiChet: 'deceased', chong: 'husband', vo: 'wife' }
  for (const [key, role] of Object.entries(roles)) {
    const pr = body?.at(key)
    const p = pr === undefined ? undefined : person(pr, role, ctx)
    if (p !== undefined) persons.push(p)
  }
  if (kind?.subject !== undefined && body?.at(kind.subject) === undefined) {
    r.fail(`noiDung/${kind.subject}`, 'REQUIRED', 'là trường bắt buộc với loại việc này', 'is required for this kind of case')
  }

  const documents: DocumentRef[] = r.all('tepDinhKem').map((t, i) => {
    const code = t.opt('ma', text({ max: 50 }))
    const doc: DocumentRef = {
      id: `${code ?? 'TEP'}-${i + 1}`,
      name: t.req('ten', text({ max: 255 })) ?? '',
      url: t.req('url', text({ max: 2000 })) ?? '',
      // An attached file is an electronic copy the receiving system holds: digitised.
      digitised: true
    }
    if (code !== undefined) doc.componentCode = code
    const mime = t.opt('mime', text({ max: 100 }))
    const size = t.opt('kichThuoc', vnd())
    if (mime !== undefined) doc.mimeType = mime
    if (size !== undefined) doc.size = size
    return doc
  })
  const fees: Fee[] = r.all('lePhi').map(f => {
    const fee: Fee = {
      name: f.req('ten', text({ max: 255 })) ?? '',
      amount: f.req('soTien', vnd()) ?? 0,
      collectedAt: f.opt('thuKhi', FEE_WHEN) ?? 'intake'
    }
    const code = f.opt('ma', text({ max: 50 }))
    const paid = f.opt('daThu', booleanFlag())
    if (code !== undefined) fee.code = code
    if (paid !== undefined) fee.paid = paid
    return fee
  })

  const agency = r.need('coQuanDangKy')
  const holderIds = applicant?.ids ?? []
  const out = {
    sourceId: sourceId ?? '',
    // The receipt number is the system's own, the same one that identifies the dossier.
    ...optional('receiptNumber', sourceId),
    procedure: { code: r.req('maThuTuc', procedureCode()) ?? '', ...(kind === undefined ? {} : { name: kind.vi }) },
    agency: {
      code: agency?.req('maDinhDanh', agencyCode()) ?? '',
      communeCode: agency?.req('maXa', communeCode(units)) ?? '',
      ...optional('name', agency?.opt('ten', text({ max: 255 })))
    },
    channel: r.req('kenhNop', CHANNEL) ?? 'in-person',
    holder: {
      kind: 'citizen' as const,
      name: applicant?.name ?? '',
      ids: holderIds,
      ...optional('birthDate', applicant?.birthDate),
      ...optional('gender', applicant?.gender),
      ...optional('phone', applicantR?.opt('soDienThoai', phone())),
      ...optional('email', applicantR?.opt('email', email())),
      ...(applicantR?.has('diaChi') === true ? { address: { text: applicantR.opt('diaChi', text({ max: 500 })) ?? '' } } : {})
    },
    summary: kind === undefined ? '' : summary(kind.vi, kindRaw ?? '', persons, applicant?.name ?? ''),
    receivedAt: r.req('ngayTiepNhan', dateTime()) ?? '',
    // Birth and death registrations are due the same day: a bare date means by the end of it.
    dueAt: r.req('ngayHenTra', dateTime({ dateOnly: 'end' })) ?? '',
    ...optional('returnedAt', r.opt('ngayTra', dateTime())),
    status: r.req('trangThai', STATUS) ?? '1',
    documents,
    ...(documents.length > 0 ? { digitised: true } : {}),
    fees,
    paidOnline: r.opt('thanhToanTrucTuyen', booleanFlag()) ?? false,
    ...optional('note', r.opt('ghiChu', text({ max: 2000 }))),
    details: {
      'civil-status': {
        kind: kindRaw ?? '',
        ...optional('relationship', applicantR?.opt('quanHe', text({ max: 50 }))),
        persons,
        ...optional('eventDate', body?.at('nguoiChet')?.opt('ngayChet', dateTime())),
        ...placeOf(body, units),
        ...optional('purpose', body?.opt('mucDich', text({ max: 500 })))
      }
    }
  }
  return out
}

function placeOf (body: Reader | undefined, units: MapContext['adminUnits']): { place?: { name?: string, communeCode?: string } } {
  const p = body?.at('treEm/noiSinh') ?? body?.at('nguoiChet/noiChet')
  if (p === undefined) return {}
  const name = p.opt('ten', text({ max: 255 }))
  const code = p.opt('maXa', communeCode(units))
  return { place: { ...optional('name', name), ...optional('communeCode', code) } }
}

const mapping: SectorMapping = {
  system: 'civil-status',
  title: { vi: 'Hộ tịch', en: 'Civil status' },
  version: '1.0.0',
  format: 'json',
  agencyField: 'coQuanDangKy/maDinhDanh',
  statusField: 'trangThai',
  detailsSchema,
  map
}
export default mapping
