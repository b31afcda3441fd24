/**
 * The body of `POST /v1/portal/callbacks` as the portal sends it (shared/contracts/
 * portal-protocol.md, "Callbacks"): `{MaSuKien, LoaiSuKien, MaHoSo, ThoiDiem, DuLieu}`, with
 * one DuLieu shape per event type. `parseCallback` checks a parsed body and returns the event
 * with its DuLieu normalised, or every problem (up to MAX_CALLBACK_ISSUES) in the portal's own
 * field names. Signature and timestamp are the route's business, not this module's.
 */
import type { ValidateFunction } from 'ajv'
import { Type, type Static, type TSchema } from 'typebox'
import { issue, type FieldIssue } from '../../domain/errors.js'
import { compileSchema, dotted, expects, reduceToSchema, schemaIssues } from './schema-issues.js'
import {
  MaHoSo, PortalDate, PortalDocumentSchema, PortalHoSoSchema, dateIssue, hoSoIssues, maHoSoIssue, type PortalHoSoInput
} from './portal-hoso.js'

export {
  MaHoSo, PortalDate, PortalDocumentSchema, PortalFeeSchema, PortalHoSoSchema, PortalIdentitySchema, PortalResultDocumentSchema,
  PortalSupplementSchema, hoSoIssues, type PortalDocumentInput, type PortalHoSoInput
} from './portal-hoso.js'

export const CALLBACK_TYPES = ['HoSoMoi', 'NopBoSung', 'ThanhToan', 'RutHoSo', 'DanhGia'] as const
export type CallbackType = typeof CALLBACK_TYPES[number]

/** A body with more problems than this gets the first ones: enough to fix, bounded to answer. */
export const MAX_CALLBACK_ISSUES = 20

export const PortalCallbackEnvelopeSchema = Type.Object({
  MaSuKien: Type.String({
    minLength: 1,
    maxLength: 100,
    pattern: '^[A-Za-z0-9._:-]+$',
    ...expects('chữ cái không dấu, chữ số và . _ : -', 'ASCII letters, digits and . _ : -')
  }),
  LoaiSuKien: Type.Enum(CALLBACK_TYPES, { 'x-code': 'UNKNOWN_EVENT_TYPE' }),
  MaHoSo,
  ThoiDiem: PortalDate,
  // Checked against the schema of its event type.
  DuLieu: Type.Object({})
})

export const NopBoSungSchema = Type.Object({
  NoiDungBoSung: Type.Optional(Type.String({ maxLength: 2000 })),
  TaiLieuNop: Type.Optional(Type.Array(PortalDocumentSchema, { maxItems: 100 }))
})

const MAX_AMOUNT = 1e12
export const ThanhToanSchema = Type.Object({
  // Digits in a string are accepted as well: amounts this large are sent as text by some systems.
  SoTien: Type.Union([Type.Integer({ minimum: 0, maximum: MAX_AMOUNT }), Type.String({ pattern: '^\\d+$', maxLength: 20 })],
    expects('số nguyên từ 0 đến 1000000000000 (số hoặc chuỗi chữ số)', 'a whole number from 0 to 1000000000000 (a number or a string of digits)')),
  MaGiaoDich: Type.String({ minLength: 1, maxLength: 100 }),
  NganHang: Type.Optional(Type.String({ maxLength: 255 }))
})

export const RutHoSoSchema = Type.Object({
  LyDo: Type.String({ maxLength: 2000 })
})

export const DanhGiaSchema = Type.Object({
  DiemDanhGia: Type.Union([Type.Integer({ minimum: 1, maximum: 5 }), Type.String({ pattern: '^\\d+$', maxLength: 20 })],
    expects('số nguyên từ 1 đến 5 (số hoặc chuỗi chữ số)', 'a whole number from 1 to 5 (a number or a string of digits)')),
  NoiDung: Type.Optional(Type.String({ maxLength: 2000 }))
})

/** DuLieu's schema for each event type. */
export const CALLBACK_DATA_SCHEMAS = {
  HoSoMoi: PortalHoSoSchema,
  NopBoSung: NopBoSungSchema,
  ThanhToan: ThanhToanSchema,
  RutHoSo: RutHoSoSchema,
  DanhGia: DanhGiaSchema
} as const

export type NopBoSungData = Static<typeof NopBoSungSchema>
export interface ThanhToanData { SoTien: number, MaGiaoDich: string, NganHang?: string }
export type RutHoSoData = Static<typeof RutHoSoSchema>
export interface DanhGiaData { DiemDanhGia: number, NoiDung?: string }

interface Envelope<T extends CallbackType, D> {
  MaSuKien: string
  LoaiSuKien: T
  MaHoSo: string
  /** `yyyyMMddHHmmss`, local time, as sent (a date that exists). */
  ThoiDiem: string
  DuLieu: D
}

export type PortalCallback =
  | Envelope<'HoSoMoi', PortalHoSoInput>
  | Envelope<'NopBoSung', NopBoSungData>
  | Envelope<'ThanhToan', ThanhToanData>
  | Envelope<'RutHoSo', RutHoSoData>
  | Envelope<'DanhGia', DanhGiaData>

/**
 * `envelope`: set when only DuLieu of a HoSoMoi is at fault (the envelope is valid): the portal
 * sent an online dossier the gateway cannot take in as it is, which is kept for admins, not lost.
 */
export type ParseCallbackResult = { ok: true, event: PortalCallback } | { ok: false, issues: FieldIssue[], envelope?: IncompleteEnvelope }

/** The envelope of a HoSoMoi whose DuLieu is incomplete or invalid. */
export interface IncompleteEnvelope { MaSuKien: string, LoaiSuKien: 'HoSoMoi', MaHoSo: string, ThoiDiem: string }

interface Checker<T> {
  schema: object
  validate: ValidateFunction<T>
}

function checker<S extends TSchema> (schema: S): Checker<Static<S>> {
  return { schema, validate: compileSchema<Static<S>>(schema) }
}

const ENVELOPE = checker(PortalCallbackEnvelopeSchema)
const HO_SO = checker(PortalHoSoSchema)
const NOP_BO_SUNG = checker(NopBoSungSchema)
const THANH_TOAN = checker(ThanhToanSchema)
const RUT_HO_SO = checker(RutHoSoSchema)
const DANH_GIA = checker(DanhGiaSchema)

type Rec = Record<string, unknown>

function isRecord (v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function isCallbackType (v: unknown): v is CallbackType {
  return typeof v === 'string' && (CALLBACK_TYPES as readonly string[]).includes(v)
}

const fieldName = (instancePath: string): string => dotted(instancePath) || 'body'

/** The value reduced to what the schema knows, and that value typed when it passes. */
function check<T> (c: Checker<T>, raw: unknown, at: string, issues: FieldIssue[]): { value: unknown, valid: T | undefined } {
  const value = reduceToSchema(c.schema, raw, at, issues, fieldName)
  if (c.validate(value)) return { value, valid: value }
  const errors = (c.validate.errors ?? []).map(e => ({ ...e, instancePath: `${at}${e.instancePath}` }))
  issues.push(...schemaIssues(c.schema, errors, fieldName))
  return { value, valid: undefined }
}

/** A number, or a string of digits (already checked), as a number within min..max. */
function wholeNumber (v: number | string, min: number, max: number, field: string, issues: FieldIssue[]): number {
  const n = typeof v === 'number' ? v : Number(v)
  if (n < min || n > max) {
    issues.push(issue('OUT_OF_RANGE', field, `${field} phải từ ${min} đến ${max}`, `${field} must be from ${min} to ${max}`))
  }
  return n
}

type Base = Pick<Envelope<CallbackType, unknown>, 'MaSuKien' | 'MaHoSo' | 'ThoiDiem'>

/** The event of a valid envelope (`base`) and DuLieu, or undefined with DuLieu's issues recorded. */
function eventOf (type: CallbackType, base: Base | undefined, raw: unknown, maHoSo: unknown, issues: FieldIssue[]): PortalCallback | undefined {
  switch (type) {
    case 'HoSoMoi': {
      const { value, valid } = check(HO_SO, raw, '/DuLieu', issues)
      issues.push(...hoSoIssues(value, 'DuLieu'))
      if (isRecord(value) && typeof value.MaHoSo === 'string' && typeof maHoSo === 'string' && value.MaHoSo !== maHoSo) {
        issues.push(issue('MISMATCH', 'DuLieu.MaHoSo', 'DuLieu.MaHoSo phải trùng với MaHoSo của sự kiện', 'DuLieu.MaHoSo must equal the event\'s MaHoSo'))
      }
      return base === undefined || valid === undefined ? undefined : { ...base, LoaiSuKien: type, DuLieu: valid }
    }
    case 'NopBoSung': {
      const d = check(NOP_BO_SUNG, raw, '/DuLieu', issues).valid
      return base === undefined || d === undefined ? undefined : { ...base, LoaiSuKien: type, DuLieu: d }
    }
    case 'ThanhToan': {
      const d = check(THANH_TOAN, raw, '/DuLieu', issues).valid
      if (d === undefined) return undefined
      const DuLieu = { ...d, SoTien: wholeNumber(d.SoTien, 0, MAX_AMOUNT, 'DuLieu.SoTien', issues) }
      return base === undefined ? undefined : { ...base, LoaiSuKien: type, DuLieu }
    }
    case 'RutHoSo': {
      const d = check(RUT_HO_SO, raw, '/DuLieu', issues).valid
      return base === undefined || d === undefined ? undefined : { ...base, LoaiSuKien: type, DuLieu: d }
    }
    case 'DanhGia': {
      const d = check(DANH_GIA, raw, '/DuLieu', issues).valid
      if (d === undefined) return undefined
      const DuLieu = { ...d, DiemDanhGia: wholeNumber(d.DiemDanhGia, 1, 5, 'DuLieu.DiemDanhGia', issues) }
      return base === undefined ? undefined : { ...base, LoaiSuKien: type, DuLieu }
    }
  }
}

/** One issue per field, the first found; at most MAX_CALLBACK_ISSUES. */
function firstPerField (issues: readonly FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>()
  const out: FieldIssue[] = []
  for (const i of issues) {
    if (seen.has(i.field)) continue
    seen.add(i.field)
    out.push(i)
    if (out.length === MAX_CALLBACK_ISSUES) break
  }
  return out
}

/**
 * A callback body (already parsed from JSON) as a typed event, or its issues. Never throws:
 * any value, of any size or shape, gets an answer. Fields the protocol does not name are
 * ignored and left out of the event; `null`, and `""` in an optional field, count as absent.
 */
export function parseCallback (body: unknown): ParseCallbackResult {
  if (!isRecord(body)) {
    return { ok: false, issues: [issue('INVALID_TYPE', 'body', 'Nội dung (body) phải là một đối tượng JSON', 'The body must be a JSON object')] }
  }
  const issues: FieldIssue[] = []
  const { value, valid: envelope } = check(ENVELOPE, body, '', issues)
  const env = isRecord(value) ? value : {}
  for (const i of [dateIssue(env.ThoiDiem, 'ThoiDiem'), maHoSoIssue(env.MaHoSo, 'MaHoSo')]) if (i !== undefined) issues.push(i)
  const type = env.LoaiSuKien
  const base = envelope === undefined ? undefined : { MaSuKien: envelope.MaSuKien, MaHoSo: envelope.MaHoSo, ThoiDiem: envelope.ThoiDiem }
  // Everything but DuLieu is right: a HoSoMoi that can be kept for admins under its event id and code.
  const envelopeOk = typeof env.MaSuKien === 'string' && typeof env.MaHoSo === 'string' && typeof env.ThoiDiem === 'string' &&
    issues.every(i => i.field === 'DuLieu' || i.field.startsWith('DuLieu.'))
  const data = Object.hasOwn(body, 'DuLieu') ? body.DuLieu : undefined
  const event = isCallbackType(type) && isRecord(data) ? eventOf(type, base, data, env.MaHoSo, issues) : undefined
  if (issues.length > 0 || event === undefined) {
    // Every path to `undefined` above records an issue; the fallback keeps that a guarantee.
    const found = firstPerField(issues)
    const invalid = { ok: false as const, issues: found.length > 0 ? found : [issue('INVALID_FORMAT', 'body', 'Nội dung không hợp lệ', 'The body is invalid')] }
    if (!envelopeOk || type !== 'HoSoMoi') return invalid
    return { ...invalid, envelope: { MaSuKien: env.MaSuKien as string, LoaiSuKien: type, MaHoSo: env.MaHoSo as string, ThoiDiem: env.ThoiDiem as string } }
  }
  return { ok: true, event }
}
