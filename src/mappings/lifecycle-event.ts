/**
 * `parseEvent`: the body of `POST /v1/dossiers/:maHoSo/events` as a LifecycleEvent, or every
 * problem with it, each with a stable code, its field path (`documents[0].url`) and a message
 * in Vietnamese and English that starts with that path. Never throws, whatever the body.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { issue, type FieldIssue } from '../domain/errors.js'
import { AJV_OPTIONS } from './schemas/schema-issues.js'
import { dateTime } from '../domain/toolkit/dates.js'
import { normalizeText, text } from '../domain/toolkit/text.js'
import type { Conv } from './reader.js'
import { EVENT_SCHEMAS, EVENT_TYPES, type EventType, type LifecycleEvent } from '../domain/lifecycle/schemas.js'

type Obj = Record<string, unknown>
type Parsed = { ok: true, event: LifecycleEvent } | { ok: false, issues: FieldIssue[] }

const MAX_ISSUES = 50
// ajv rather than typebox/compile: every problem at once (typebox stops at 8 errors, a global setting).
const ajv = new Ajv(AJV_OPTIONS)
const CHECKS = Object.fromEntries(EVENT_TYPES.map(t => [t, ajv.compile(EVENT_SCHEMAS[t])])) as Record<EventType, ValidateFunction>
/** Values that are not free text: trimmed, never rewritten. */
const VERBATIM = new Set(['type', 'at', 'dueAt', 'newDueAt', 'status', 'url'])
const TEXT_FIELDS = ['content', 'reason', 'officer', 'title', 'department', 'requestedBy']
const DOCUMENT_TEXT_FIELDS = ['name', 'code', 'componentCode']
const AT = dateTime()
const DUE = dateTime({ dateOnly: 'end' })
const TEXT = text({ max: 2000 })

function isObj (v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** A copy with text normalised; `Object.fromEntries` keeps `__proto__` an own key for the schema to refuse. */
function normalised (o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => {
    if (typeof v === 'string') return [k, VERBATIM.has(k) ? v.trim() : normalizeText(v)]
    if (k === 'documents' && Array.isArray(v)) return [k, v.map(d => isObj(d) ? normalised(d) : d)]
    return [k, v]
  }))
}

function fieldOf (instancePath: string, child?: string): string {
  const segs = instancePath.split('/').slice(1)
  if (child !== undefined) segs.push(child)
  return segs.map(s => /^\d+$/.test(s) ? `[${s}]` : `.${s.replace(/~1/g, '/').replace(/~0/g, '~')}`).join('').replace(/^\./, '')
}

function patternIssue (field: string): FieldIssue {
  const last = field.replace(/^.*\./, '')
  if (last === 'url') {
    return issue('INVALID_URL', field, `${field} phải là địa chỉ http:// hoặc https:// không có khoảng trắng`, `${field} must be an http:// or https:// address without spaces`)
  }
  if (last === 'at') {
    return issue('INVALID_DATE', field, `${field} phải là ngày giờ ISO 8601 có múi giờ (ví dụ 2025-07-01T08:15:00+07:00)`,
      `${field} must be an ISO 8601 date-time with a zone (e.g. 2025-07-01T08:15:00+07:00)`)
  }
  return issue('INVALID_DATE', field, `${field} phải là ngày giờ ISO 8601 có múi giờ hoặc một ngày yyyy-MM-dd`,
    `${field} must be an ISO 8601 date-time with a zone, or a date yyyy-MM-dd`)
}

function schemaIssue (e: ErrorObject, allowed: Map<string, string[]>): FieldIssue[] {
  const field = fieldOf(e.instancePath) || '(root)'
  const p = e.params
  switch (e.keyword) {
    case 'required': {
      const f = fieldOf(e.instancePath, String(p.missingProperty))
      return [issue('REQUIRED', f, `${f} là trường bắt buộc`, `${f} is required`)]
    }
    case 'additionalProperties': {
      const f = fieldOf(e.instancePath, String(p.additionalProperty))
      return [issue('UNKNOWN_FIELD', f, `${f} không phải trường được hỗ trợ với loại sự kiện này`, `${f} is not a known field for this event type`)]
    }
    case 'anyOf': {
      const list = (allowed.get(e.instancePath) ?? []).join(', ')
      return [issue('INVALID_VALUE', field, `${field} không thuộc các giá trị cho phép: ${list}`, `${field} must be one of: ${list}`)]
    }
    case 'type':
      return [issue('INVALID_TYPE', field, `${field} sai kiểu dữ liệu (cần ${String(p.type)})`, `${field} must be of type ${String(p.type)}`)]
    case 'minLength':
      return [issue('TOO_SHORT', field, `${field} không được để trống`, `${field} must not be empty`)]
    case 'maxLength':
      return [issue('TOO_LONG', field, `${field} dài quá ${String(p.limit)} ký tự`, `${field} is longer than ${String(p.limit)} characters`)]
    case 'minItems':
      return [issue('TOO_FEW_ITEMS', field, `${field} cần ít nhất ${String(p.limit)} phần tử`, `${field} needs at least ${String(p.limit)} items`)]
    case 'maxItems':
      return [issue('TOO_MANY_ITEMS', field, `${field} có quá ${String(p.limit)} phần tử`, `${field} has more than ${String(p.limit)} items`)]
    case 'pattern':
      return [patternIssue(field)]
    case 'const':
      // Reported once, through `anyOf`, with the values allowed.
      return []
    default:
      return [issue('INVALID_VALUE', field, `${field} không hợp lệ`, `${field} is invalid`)]
  }
}

/** One issue per field, the first found. */
function schemaIssues (errors: readonly ErrorObject[]): FieldIssue[] {
  const allowed = new Map<string, string[]>()
  for (const e of errors) {
    if (e.keyword === 'const') allowed.set(e.instancePath, [...(allowed.get(e.instancePath) ?? []), String(e.params.allowedValue)])
  }
  const byField = new Map<string, FieldIssue>()
  for (const e of errors) {
    for (const i of schemaIssue(e, allowed)) if (!byField.has(i.field)) byField.set(i.field, i)
  }
  const out = [...byField.values()].slice(0, MAX_ISSUES)
  return out.length > 0 ? out : [issue('INVALID_VALUE', '(root)', '(root) không hợp lệ', '(root) is invalid')]
}

/** Runs `conv` on `o[key]` when it is there; the value is replaced, or an issue recorded. */
function convert (o: Obj, key: string, field: string, conv: Conv<string>, issues: FieldIssue[]): void {
  const v = o[key]
  if (typeof v !== 'string') return
  const r = conv(v)
  if (r.ok) o[key] = r.value
  else issues.push(issue(r.code, field, `${field} ${r.vi}`, `${field} ${r.en}`))
}

export function parseEvent (body: unknown): Parsed {
  try {
    return parse(body)
  } catch {
    // Nothing above is expected to throw; if it does, the sender still gets an answer.
    return { ok: false, issues: [issue('INVALID_BODY', '(root)', '(root) không đọc được sự kiện', '(root) the event cannot be read')] }
  }
}

function parse (body: unknown): Parsed {
  if (!isObj(body)) {
    return { ok: false, issues: [issue('INVALID_BODY', '(root)', '(root) phải là một đối tượng JSON', '(root) must be a JSON object')] }
  }
  const type = Object.hasOwn(body, 'type') ? body.type : undefined
  if (type === undefined) return { ok: false, issues: [issue('REQUIRED', 'type', 'type là trường bắt buộc', 'type is required')] }
  if (typeof type !== 'string' || !(EVENT_TYPES as string[]).includes(type)) {
    const list = EVENT_TYPES.join(', ')
    return { ok: false, issues: [issue('UNKNOWN_EVENT_TYPE', 'type', `type không phải loại sự kiện được hỗ trợ: ${list}`, `type is not a known event type: ${list}`)] }
  }
  const t = type as EventType
  const o = normalised(body)
  const check = CHECKS[t]
  if (!check(o)) return { ok: false, issues: schemaIssues(check.errors ?? []) }

  const issues: FieldIssue[] = []
  for (const k of TEXT_FIELDS) convert(o, k, k, TEXT, issues)
  if (Array.isArray(o.documents)) {
    o.documents.forEach((d, i) => {
      if (isObj(d)) for (const k of DOCUMENT_TEXT_FIELDS) convert(d, k, `documents[${i}].${k}`, TEXT, issues)
    })
  }
  convert(o, 'at', 'at', AT, issues)
  convert(o, 'dueAt', 'dueAt', DUE, issues)
  convert(o, 'newDueAt', 'newDueAt', DUE, issues)
  if (issues.length > 0) return { ok: false, issues: issues.slice(0, MAX_ISSUES) }
  if (t === 'result' && o.status === undefined) o.status = '9'
  return { ok: true, event: o as LifecycleEvent }
}
