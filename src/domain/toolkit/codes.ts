/**
 * Code tables and code-shaped identifiers. The values a sender may use are listed in the
 * refusal, so that the officer who typed a wrong one sees the right ones.
 */
import type { Conv, ConvResult } from './conv.js'

/** Longest list of allowed values spelled out in a message; longer tables are cut short. */
const MAX_LISTED = 30
const MAX_ECHO = 40

function listed (keys: readonly string[]): string {
  const shown = keys.slice(0, MAX_LISTED).join(', ')
  return keys.length > MAX_LISTED ? `${shown}, …` : shown
}

/** The sender's value, shortened, for a message: enough to recognise it, not to carry a payload. */
export function echo (raw: string): string {
  const t = raw.trim()
  const chars = Array.from(t)
  return chars.length > MAX_ECHO ? `${chars.slice(0, MAX_ECHO).join('')}…` : t
}

/**
 * A converter from a code table. Values are trimmed; with `caseInsensitive` they are compared
 * in upper case (the table must then not hold two keys differing only in case). Only the
 * table's own keys count: `toString` or `__proto__` are not codes.
 * Error: `UNKNOWN_CODE`, listing the allowed values.
 */
export function table<T> (tableName: string, map: Readonly<Record<string, T>>, opts: { caseInsensitive?: boolean } = {}): Conv<T> {
  const keys = Object.keys(map)
  const fold = opts.caseInsensitive === true
  const lookup = new Map<string, T>()
  for (const k of keys) {
    const key = fold ? k.trim().toUpperCase() : k
    if (lookup.has(key)) throw new Error(`code table ${tableName}: duplicate key ${key}`)
    lookup.set(key, map[k] as T)
  }
  const allowed = listed(keys)
  return (raw) => {
    const t = raw.trim()
    const key = fold ? t.toUpperCase() : t
    if (lookup.has(key)) return { ok: true, value: lookup.get(key) as T }
    return {
      ok: false,
      code: 'UNKNOWN_CODE',
      vi: `có giá trị "${echo(t)}" không thuộc danh mục ${tableName}; giá trị hợp lệ: ${allowed}`,
      en: `has a value "${echo(t)}" that is not in the ${tableName} code table; allowed: ${allowed}`
    }
  }
}

/**
 * A trimmed value that must match `re` as a whole (the pattern is anchored here, and its
 * `g`/`y` flags are dropped so that the converter keeps no state between calls).
 */
export function pattern (re: RegExp, code: string, vi: string, en: string): Conv<string> {
  const whole = new RegExp(`^(?:${re.source})$`, re.flags.replace(/[gy]/g, ''))
  return (raw) => {
    const t = raw.trim()
    return whole.test(t) ? { ok: true, value: t } : { ok: false, code, vi, en }
  }
}

/**
 * A sender's own dossier number: 1 to 100 characters without spaces, control characters or
 * U+FFFD (the mark of an encoding broken upstream: two numbers could collide on it).
 * Errors: `INVALID_SOURCE_ID`.
 */
export function sourceId (): Conv<string> {
  return pattern(/[^\s\p{Cc}\p{Cs}\uFFFD]{1,100}/u, 'INVALID_SOURCE_ID', 'phải có 1–100 ký tự, không có khoảng trắng hay ký tự điều khiển', 'must be 1–100 characters without spaces or control characters')
}

function upperPattern (re: RegExp, maxLength: number, code: string, vi: string, en: string): Conv<string> {
  const inner = pattern(re, code, vi, en)
  return (raw) => {
    // Codes are upper case by definition; a lower-case `h42` is the same code typed carelessly.
    const t = raw.trim().toUpperCase()
    if (t.length > maxLength) return { ok: false, code, vi, en }
    return inner(t)
  }
}

/**
 * An agency identifier code such as `000.00.12.H42`: 2 to 7 dot-separated segments of 1 to 5
 * characters `[0-9A-Z]`, 30 characters at most. Error: `INVALID_AGENCY_CODE`.
 */
export function agencyCode (): Conv<string> {
  return upperPattern(/[0-9A-Z]{1,5}(?:\.[0-9A-Z]{1,5}){1,6}/, 30, 'INVALID_AGENCY_CODE',
    'không phải mã định danh cơ quan hợp lệ (ví dụ 000.00.12.H42)',
    'is not a valid agency identifier code (e.g. 000.00.12.H42)')
}

/**
 * A procedure code from the national catalogue, `1.001193`, optionally with a local suffix of
 * up to six segments (`1.004227.000.00.00.H42`), 50 characters at most.
 * Error: `INVALID_PROCEDURE_CODE`.
 */
export function procedureCode (): Conv<string> {
  return upperPattern(/\d\.\d{6}(?:\.[0-9A-Z]{1,5}){0,6}/, 50, 'INVALID_PROCEDURE_CODE',
    'không phải mã thủ tục hành chính hợp lệ (ví dụ 1.001193)',
    'is not a valid administrative procedure code (e.g. 1.001193)')
}

const FLAGS: Readonly<Record<string, boolean>> = { TRUE: true, FALSE: false, 1: true, 0: false }

/** `true`/`false`/`1`/`0`, in any case. Error: `INVALID_BOOLEAN`. */
export function booleanFlag (): Conv<boolean> {
  return (raw): ConvResult<boolean> => {
    const key = raw.trim().toUpperCase()
    if (Object.hasOwn(FLAGS, key)) return { ok: true, value: FLAGS[key] === true }
    return {
      ok: false,
      code: 'INVALID_BOOLEAN',
      vi: 'phải là true, false, 1 hoặc 0',
      en: 'must be true, false, 1 or 0'
    }
  }
}
