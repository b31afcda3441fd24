/**
 * `social-insurance`: the social insurance (BHXH) software, SOAP 1.1, operation `GuiHoSo`
 * carrying `HoSo` in namespace `urn:vn:bhxh:tiepnhan:2.1` under any prefix (`bh:`, `ns2:` or
 * the default namespace). See shared/contracts/sector-formats.md. Pure: field paths in errors
 * are the sender's own, from the payload down (`HoSo/NguoiThamGia/SoCCCD`).
 *
 * Decisions on what the format leaves open:
 * - The holder is the insured person (`NguoiThamGia`), a citizen. `MaSoBHXH` is kept as an ID
 *   of type `social-insurance` (the portal has no such ID type and leaves it out, but the
 *   dossier keeps it); `SoCCCD`, when sent, must agree with the birth year and sex.
 * - `LyDo` (the reason, e.g. a damaged card) goes into the summary and the details.
 * - `SoHoSo` is also the receipt number (`receiptNumber`). The format carries no files, so
 *   nothing is said about digitisation.
 * - The header's `DonViGui` (the sending office) goes into the details when intake hands the
 *   SOAP header to the mapping as `soapHeader` in the context; without it, it is left out.
 */
import { Type } from 'typebox'
import type { CanonicalInput, Holder, StatusCode } from '../../domain/canonical-dossier.js'
import type { Reader } from '../reader.js'
import type { MapContext, SectorMapping } from '../types.js'
import {
  agencyCode, birthDate, cccd, dateTime, email, personName, sourceId, phone, procedureCode,
  socialInsuranceNumber, table, text, truncate, type Gender, optional
} from '../../domain/toolkit/index.js'
import { communeCode } from '../communes.js'

const CHANNEL = table<CanonicalInput['channel']>('KenhNop', { TT: 'in-person', DVC: 'online', BCCI: 'postal' } as const, { caseInsensitive: true })
const STATUS = table<StatusCode>('TrangThai', { 1: '2', 2: '4', 3: '5', 4: '9', 5: '10', 6: '3' } as const)
const GENDER = table<Gender>('GioiTinh', { 1: 'male', 2: 'female' } as const)
const SOURCE_ID = sourceId()
const SUMMARY_MAX = 1000

const detailsSchema = Type.Object({
  insuranceNumber: Type.String({ pattern: '^\\d{10}$' }),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
  sender: Type.Optional(Type.String({ maxLength: 100 }))
}, { additionalProperties: false })

function insured (r: Reader, units: MapContext['adminUnits']): { holder: Holder, insuranceNumber: string | undefined } {
  const p = r.need('NguoiThamGia')
  if (p === undefined) {
    return { holder: { kind: 'citizen', name: '', ids: [] }, insuranceNumber: undefined }
  }
  const birth = p.opt('NgaySinh', birthDate())
  const gender = p.opt('GioiTinh', GENDER)
  const insuranceNumber = p.req('MaSoBHXH', socialInsuranceNumber())
  const citizenId = p.opt('SoCCCD', cccd({
    provincePrefixes: units.cccdProvincePrefixes,
    ...(birth === undefined ? {} : { birthDate: birth }),
    ...(gender === undefined ? {} : { gender })
  }))
  const ids: Holder['ids'] = []
  if (insuranceNumber !== undefined) ids.push({ type: 'social-insurance', number: insuranceNumber })
  if (citizenId !== undefined) ids.push({ type: 'cccd', number: citizenId })
  const address = p.opt('DiaChi', text({ max: 500 }))
  return {
    insuranceNumber,
    holder: {
      kind: 'citizen',
      name: p.req('HoTen', personName()) ?? '',
      ids,
      ...optional('birthDate', birth),
      ...optional('gender', gender),
      ...optional('phone', p.opt('DienThoai', phone())),
      ...optional('email', p.opt('Email', email())),
      ...(address === undefined ? {} : { address: { text: address } })
    }
  }
}

function summary (procedure: string | undefined, holder: Holder, insuranceNumber: string | undefined, reason: string | undefined): string {
  const who = insuranceNumber === undefined ? holder.name : `${holder.name} (mã số BHXH ${insuranceNumber})`
  const s = `${procedure ?? 'Hồ sơ bảo hiểm xã hội'} cho ${who}${reason === undefined ? '' : `; lý do: ${reason}`}`
  // The parts are each bounded but together may pass the portal's limit: cut, and say so.
  return truncate(s, SUMMARY_MAX)
}

function map (r: Reader, ctx: MapContext): CanonicalInput {
  const units = ctx.adminUnits
  const sender = ctx.soapHeader?.opt('DonViGui', text({ max: 100 }))
  const procedureName = r.opt('TenThuTuc', text({ max: 500 }))
  const { holder, insuranceNumber } = insured(r, units)
  const reason = r.opt('LyDo', text({ max: 500 }))
  const ownNumber = r.req('SoHoSo', SOURCE_ID)
  return {
    sourceId: ownNumber ?? '',
    ...optional('receiptNumber', ownNumber),
    procedure: { code: r.req('MaThuTuc', procedureCode()) ?? '', ...optional('name', procedureName) },
    agency: {
      code: r.req('MaCoQuan', agencyCode()) ?? '',
      ...optional('name', r.opt('TenCoQuan', text({ max: 255 }))),
      communeCode: r.req('MaXaTiepNhan', communeCode(units)) ?? ''
    },
    channel: r.req('KenhNop', CHANNEL) ?? 'in-person',
    holder,
    summary: summary(procedureName, holder, insuranceNumber, reason),
    receivedAt: r.req('NgayNhan', dateTime()) ?? '',
    // `yyyyMMdd` without a time: due by the end of that day.
    dueAt: r.req('NgayHenTra', dateTime({ dateOnly: 'end' })) ?? '',
    ...optional('returnedAt', r.opt('NgayTra', dateTime())),
    status: r.req('TrangThai', STATUS) ?? '1',
    documents: [],
    fees: [],
    paidOnline: false,
    ...optional('note', r.opt('GhiChu', text({ max: 2000 }))),
    details: {
      'social-insurance': {
        insuranceNumber: insuranceNumber ?? '',
        ...optional('reason', reason),
        ...optional('sender', sender)
      }
    }
  }
}

const mapping: SectorMapping = {
  system: 'social-insurance',
  title: { vi: 'Bảo hiểm xã hội', en: 'Social insurance' },
  version: '1.0.0',
  format: 'soap',
  xml: { root: 'HoSo', namespace: 'urn:vn:bhxh:tiepnhan:2.1' },
  soapOperation: 'GuiHoSo',
  agencyField: 'MaCoQuan',
  statusField: 'TrangThai',
  detailsSchema,
  map
}
export default mapping
