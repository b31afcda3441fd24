/**
 * The portal's application layer: what `/auth` and `/service` answer, and their effect on the
 * state. Faults and HTTP are handled around it (app.ts); here every answer is a PortalReply.
 */
import type { SimulatorState } from './state.js'
import type { PortalReply } from './types.js'
import { findNullOrNonNfc, invalidMessage, isRecord, validateData, validateHoSo, validateTienDo, type Issue } from './validate.js'

export const SERVICES = ['DongBoHoSoMC', 'CapNhatTienDoHoSoMC', 'TraCuuHoSo'] as const

export const MESSAGES = {
  ok: 'Thành công',
  sessionExpired: 'Phiên làm việc hết hạn',
  badCredentials: 'Tên đăng nhập hoặc mật khẩu không đúng',
  internal: 'Lỗi hệ thống, vui lòng thử lại sau'
} as const

export interface ProtocolContext {
  state: SimulatorState
  username: string
  password: string
  sessionTtlSeconds: () => number
}

const ok = (extra: Record<string, unknown> = {}): PortalReply => ({ error_code: '0', message: MESSAGES.ok, ...extra })
const invalid = (found: Issue): PortalReply => ({ error_code: '-1', message: invalidMessage(found) })
export const sessionExpiredReply = (): PortalReply => ({ error_code: '401', message: MESSAGES.sessionExpired })
export const internalErrorReply = (code = '99', message: string = MESSAGES.internal): PortalReply => ({ error_code: code, message })

export function handleAuth (ctx: ProtocolContext, body: unknown): PortalReply {
  if (!isRecord(body)) return invalid({ field: 'body', reason: 'phải là đối tượng JSON' })
  for (const field of ['username', 'password'] as const) {
    if (typeof body[field] !== 'string') return invalid({ field, reason: 'là trường bắt buộc, kiểu chuỗi' })
  }
  if (body.username !== ctx.username || body.password !== ctx.password) {
    return { error_code: '401', message: MESSAGES.badCredentials }
  }
  const ttl = ctx.sessionTtlSeconds()
  const session = ctx.state.createSession(body.username, ttl)
  return { error_code: '0', message: MESSAGES.ok, session, expires_in: ttl }
}

export function handleService (ctx: ProtocolContext, body: unknown): PortalReply {
  if (!isRecord(body)) return invalid({ field: 'body', reason: 'phải là đối tượng JSON' })
  // The session comes first: a portal does not look at the content of an unauthenticated call.
  if (!ctx.state.isSessionValid(body.session)) return sessionExpiredReply()
  const nulls = findNullOrNonNfc(body)
  if (nulls !== undefined) return invalid(nulls)
  if (typeof body.service !== 'string' || !(SERVICES as readonly string[]).includes(body.service)) {
    return invalid({ field: 'service', reason: `không được hỗ trợ; dịch vụ có: ${SERVICES.join(', ')}` })
  }
  if (typeof body.madonvi !== 'string' || body.madonvi.length === 0) {
    return invalid({ field: 'madonvi', reason: 'là trường bắt buộc, kiểu chuỗi' })
  }
  switch (body.service) {
    case 'DongBoHoSoMC': return syncDossiers(ctx, body, body.madonvi)
    case 'CapNhatTienDoHoSoMC': return appendSteps(ctx, body)
    default: return lookUp(ctx, body)
  }
}

function syncDossiers (ctx: ProtocolContext, body: Record<string, unknown>, madonvi: string): PortalReply {
  const { isUpdating } = body
  if (isUpdating !== 'False' && isUpdating !== 'True') {
    return invalid({ field: 'isUpdating', reason: 'phải là "False" hoặc "True"' })
  }
  const found = validateData(body.data, validateHoSo)
  if (found !== undefined) return invalid(found)
  const records = body.data as Array<Record<string, unknown>>
  const codes = records.map(r => r.MaHoSo as string)
  const { state } = ctx

  if (isUpdating === 'False') {
    // Two creates of one dossier in one call cannot both succeed, and the call is all or nothing.
    const twice = codes.findIndex((c, i) => codes.indexOf(c) !== i)
    if (twice >= 0) return invalid({ field: `data[${twice}].MaHoSo`, reason: `trùng với một bản ghi khác trong cùng lời gọi (${codes[twice]})` })
    const existing = codes.filter(c => state.has(c))
    if (existing.length > 0) {
      for (const c of existing) state.noteDuplicateCreate(c)
      return { error_code: '-3', message: `Hồ sơ đã tồn tại: ${existing.join(', ')}` }
    }
    for (const r of records) state.create(madonvi, r)
    return ok()
  }

  const unknown = codes.findIndex(c => !state.has(c))
  if (unknown >= 0) return { error_code: '-4', message: `Không tìm thấy hồ sơ data[${unknown}].MaHoSo: ${codes[unknown]}` }
  for (const r of records) state.replace(r)
  return ok()
}

function appendSteps (ctx: ProtocolContext, body: Record<string, unknown>): PortalReply {
  const found = validateData(body.data, validateTienDo)
  if (found !== undefined) return invalid(found)
  const steps = body.data as Array<Record<string, unknown>>
  const unknown = steps.findIndex(s => !ctx.state.has(s.MaHoSo as string))
  if (unknown >= 0) {
    return { error_code: '-4', message: `Không tìm thấy hồ sơ data[${unknown}].MaHoSo: ${String(steps[unknown]?.MaHoSo)}` }
  }
  for (const s of steps) ctx.state.appendStep(s)
  return ok()
}

function lookUp (ctx: ProtocolContext, body: Record<string, unknown>): PortalReply {
  if (typeof body.mahoso !== 'string' || body.mahoso.length === 0) {
    return invalid({ field: 'mahoso', reason: 'là trường bắt buộc, kiểu chuỗi' })
  }
  ctx.state.noteLookup()
  const result = ctx.state.lookup(body.mahoso)
  if (result === undefined) return { error_code: '-4', message: `Không tìm thấy hồ sơ ${body.mahoso}` }
  return ok({ result })
}

export interface CallSummary {
  username?: string
  service?: string
  madonvi?: string
  isUpdating?: string
  maHoSo: string[]
}

/** What the record of a call keeps, read leniently: the body may be invalid. */
export function summarize (path: '/auth' | '/service', body: unknown): CallSummary {
  const out: CallSummary = { maHoSo: [] }
  if (!isRecord(body)) return out
  if (path === '/auth') {
    if (typeof body.username === 'string') out.username = body.username
    return out
  }
  if (typeof body.service === 'string') out.service = body.service
  if (typeof body.madonvi === 'string') out.madonvi = body.madonvi
  if (typeof body.isUpdating === 'string') out.isUpdating = body.isUpdating
  if (Array.isArray(body.data)) {
    for (const r of body.data) if (isRecord(r) && typeof r.MaHoSo === 'string') out.maHoSo.push(r.MaHoSo)
  } else if (typeof body.mahoso === 'string') {
    out.maHoSo.push(body.mahoso)
  }
  return out
}
