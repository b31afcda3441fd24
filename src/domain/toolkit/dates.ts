/**
 * Dates and times. Every sender means local time in Asia/Ho_Chi_Minh (UTC+07:00, no daylight
 * saving since 1975), whatever the notation; the gateway keeps ISO 8601 with an explicit
 * `+07:00` and the portal wants `yyyyMMddHHmmss` in that same local time.
 */
import type { Conv, ConvResult } from './conv.js'

const LOCAL_OFFSET_MIN = 7 * 60
const MINUTE_MS = 60_000

interface Parts {
  y: number
  mo: number
  d: number
  h: number
  mi: number
  s: number
  /** No time of day was given. */
  dateOnly: boolean
  /** Minutes east of UTC; undefined when the text carries no zone and so means local time. */
  offset: number | undefined
}

// dd/MM/yyyy as Vietnamese software writes it; the same separator twice, so that `01/07-2025`
// is refused rather than read.
const VN_DATE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$/

function num (s: string | undefined): number {
  return s === undefined ? 0 : Number(s)
}

/** Parts from the matched fields, year first; absent time fields are 0. */
function fields (f: ReadonlyArray<string | undefined>, offset: number | undefined): Parts {
  const [y, mo, d, h, mi, s] = f.map(num) as [number, number, number, number, number, number]
  return { y, mo, d, h, mi, s, dateOnly: f[3] === undefined, offset }
}

function parseOffset (z: string): number | undefined {
  if (z === 'Z' || z === 'z') return 0
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z)
  if (m === null) return undefined
  const h = Number(m[2])
  const mi = num(m[3])
  if (h > 14 || mi > 59) return undefined
  return (m[1] === '-' ? -1 : 1) * (h * 60 + mi)
}

/** The shape of a date in any accepted notation; ranges are checked by `valid`. */
function parse (raw: string): Parts | undefined {
  const t = raw.trim()
  let m = VN_DATE.exec(t)
  if (m !== null) {
    return fields([m[4], m[3], m[1], m[5], m[6], m[7]], undefined)
  }
  m = ISO_DATE.exec(t)
  if (m !== null) {
    let offset: number | undefined
    if (m[8] !== undefined) {
      offset = parseOffset(m[8])
      if (offset === undefined) return undefined
    }
    // Fractions of a second are dropped, not rounded: rounding could move the value into the
    // next second, minute or even day.
    return fields([m[1], m[2], m[3], m[4], m[5], m[6]], offset)
  }
  m = COMPACT.exec(t)
  if (m !== null) {
    return fields([m[1], m[2], m[3], m[4], m[5], m[6]], undefined)
  }
  return undefined
}

function daysInMonth (y: number, mo: number): number {
  if (mo === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28
  return [4, 6, 9, 11].includes(mo) ? 30 : 31
}

function valid (p: Parts): boolean {
  return p.mo >= 1 && p.mo <= 12 && p.d >= 1 && p.d <= daysInMonth(p.y, p.mo) &&
    p.h <= 23 && p.mi <= 59 && p.s <= 59
}

/** The same instant in local time (+07:00). */
function toLocal (p: Parts): Parts {
  if (p.offset === undefined || p.offset === LOCAL_OFFSET_MIN) return p
  const utc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - p.offset * MINUTE_MS
  return { ...fromUtcFields(new Date(utc + LOCAL_OFFSET_MIN * MINUTE_MS)), dateOnly: p.dateOnly }
}

/** The UTC fields of `l`, which holds local time shifted into UTC. */
function fromUtcFields (l: Date): Parts {
  const f = [l.getUTCFullYear(), l.getUTCMonth() + 1, l.getUTCDate(), l.getUTCHours(), l.getUTCMinutes(), l.getUTCSeconds()]
  return fields(f.map(String), LOCAL_OFFSET_MIN)
}

function pad (n: number, w = 2): string {
  return String(n).padStart(w, '0')
}

function formatIso (p: Parts): string {
  return `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}+07:00`
}

const INVALID_DATE_TIME: ConvResult<never> = Object.freeze({
  ok: false,
  code: 'INVALID_DATE',
  vi: 'không phải ngày giờ hợp lệ (dd/MM/yyyy, dd/MM/yyyy HH:mm, yyyyMMdd hoặc ISO 8601)',
  en: 'is not a valid date or date-time (dd/MM/yyyy, dd/MM/yyyy HH:mm, yyyyMMdd or ISO 8601)'
})

function yearRange (min: number, max: number): ConvResult<never> {
  return {
    ok: false,
    code: 'INVALID_DATE',
    vi: `có năm nằm ngoài khoảng ${min}–${max}`,
    en: `has a year outside ${min}–${max}`
  }
}

/**
 * A date-time in any notation the sector systems use, as ISO 8601 local time with `+07:00`.
 * A value without a zone is local time; one with `Z` or an offset is converted. A date alone
 * becomes the start (00:00:00, default) or the end (23:59:59) of that day.
 */
export function dateTime (opts: { dateOnly?: 'start' | 'end' } = {}): Conv<string> {
  const endOfDay = opts.dateOnly === 'end'
  return (raw) => {
    const p = parse(raw)
    if (p === undefined || !valid(p)) return INVALID_DATE_TIME
    if (p.y < 1900 || p.y > 2100) return yearRange(1900, 2100)
    if (p.dateOnly && endOfDay) {
      p.h = 23
      p.mi = 59
      p.s = 59
    }
    const l = toLocal(p)
    if (l.y < 1900 || l.y > 2100) return yearRange(1900, 2100)
    return { ok: true, value: formatIso(l) }
  }
}

const INVALID_BIRTH: ConvResult<never> = Object.freeze({
  ok: false,
  code: 'INVALID_DATE',
  vi: 'không phải ngày sinh hợp lệ (yyyy, dd/MM/yyyy, yyyy-MM-dd hoặc yyyyMMdd)',
  en: 'is not a valid birth date (yyyy, dd/MM/yyyy, yyyy-MM-dd or yyyyMMdd)'
})

/**
 * A birth date as `yyyy-MM-dd`, or `yyyy` when only the year is known. Civil records write an
 * unknown day as `00` (`00/00/1979`, `00/03/1979`): such a value is kept as the year alone,
 * since the canonical form has no month-only precision. A date-time yields its local date.
 * Pure code has no clock, so future dates are not refused: the range is 1850..2100.
 */
export function birthDate (): Conv<string> {
  return (raw) => {
    const t = raw.trim()
    if (/^\d{4}$/.test(t)) {
      const y = Number(t)
      return y < 1850 || y > 2100 ? yearRange(1850, 2100) : { ok: true, value: t }
    }
    const p = parse(t)
    if (p === undefined) return INVALID_BIRTH
    if (p.d === 0 && p.dateOnly && p.mo <= 12) {
      return p.y < 1850 || p.y > 2100 ? yearRange(1850, 2100) : { ok: true, value: pad(p.y, 4) }
    }
    if (!valid(p)) return INVALID_BIRTH
    const l = toLocal(p)
    if (l.y < 1850 || l.y > 2100) return yearRange(1850, 2100)
    return { ok: true, value: `${pad(l.y, 4)}-${pad(l.mo)}-${pad(l.d)}` }
  }
}

const OWN_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/
const OWN_BIRTH_DATE = /^\d{4}(?:-\d{2}-\d{2})?$/

const INVALID_OWN_DATE_TIME: ConvResult<never> = Object.freeze({
  ok: false,
  code: 'INVALID_DATE',
  vi: 'không phải ngày giờ hợp lệ dạng yyyy-MM-ddTHH:mm:ss+07:00 (ví dụ 2025-07-01T08:15:00+07:00)',
  en: 'is not a valid date-time of the form yyyy-MM-ddTHH:mm:ss+07:00 (e.g. 2025-07-01T08:15:00+07:00)'
})

const NO_SUCH_DATE: ConvResult<never> = Object.freeze({
  ok: false,
  code: 'INVALID_DATE',
  vi: 'không phải ngày giờ có thật (ngày, tháng, giờ, phút hoặc giây vượt quá giới hạn)',
  en: 'is not a date-time that exists (day, month, hour, minute or second out of range)'
})

const INVALID_OWN_BIRTH: ConvResult<never> = Object.freeze({
  ok: false,
  code: 'INVALID_DATE',
  vi: 'không phải ngày sinh hợp lệ dạng yyyy-MM-dd hoặc yyyy',
  en: 'is not a valid birth date of the form yyyy-MM-dd or yyyy'
})

const NO_SUCH_BIRTH_DATE: ConvResult<never> = Object.freeze({
  ok: false,
  code: 'INVALID_DATE',
  vi: 'không phải ngày có thật',
  en: 'is not a date that exists'
})

/**
 * A date-time already in the gateway's own form, `yyyy-MM-ddTHH:mm:ss+07:00`, for senders that
 * speak the canonical schema. The shape is not enough: the date and time must exist (no 30
 * February, no hour 25), or the value could not be converted for the portal later.
 * Error: `INVALID_DATE`.
 */
export function isoDateTime (): Conv<string> {
  const own = dateTime()
  return (raw) => {
    const t = raw.trim()
    if (!OWN_DATE_TIME.test(t)) return INVALID_OWN_DATE_TIME
    const p = parse(t)
    if (p === undefined || !valid(p)) return NO_SUCH_DATE
    return own(t)
  }
}

/**
 * A birth date already in the canonical form, `yyyy-MM-dd` or `yyyy`, that exists and falls in
 * 1850..2100 (see `birthDate`). Error: `INVALID_DATE`.
 */
export function isoBirthDate (): Conv<string> {
  const conv = birthDate()
  return (raw) => {
    if (!OWN_BIRTH_DATE.test(raw.trim())) return INVALID_OWN_BIRTH
    const r = conv(raw)
    // The right shape, so the only thing wrong can be the date itself (or its year's range).
    return r === INVALID_BIRTH ? NO_SUCH_BIRTH_DATE : r
  }
}

/**
 * An ISO 8601 date-time (normally the gateway's own `+07:00` form) in the portal's notation,
 * `yyyyMMddHHmmss` local time. Throws a RangeError on anything else: its input comes from the
 * canonical dossier, which has been validated already, so a failure here is a programming error.
 */
export function toPortalDate (iso: string): string {
  const m = ISO_DATE.exec(iso.trim())
  const p = m === null ? undefined : parse(iso)
  if (p === undefined || p.dateOnly || !valid(p)) throw new RangeError(`not an ISO 8601 date-time: ${iso}`)
  const l = toLocal(p)
  return `${pad(l.y, 4)}${pad(l.mo)}${pad(l.d)}${pad(l.h)}${pad(l.mi)}${pad(l.s)}`
}

/** An instant (epoch milliseconds, e.g. from the caller's clock) as ISO 8601 local time. */
export function isoFromEpoch (ms: number): string {
  const l = new Date(Math.floor(ms / 1000) * 1000 + LOCAL_OFFSET_MIN * MINUTE_MS)
  if (Number.isNaN(l.getTime())) throw new RangeError(`not a valid instant: ${ms}`)
  return formatIso(fromUtcFields(l))
}

const PORTAL_DATE = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/

const INVALID_PORTAL_DATE: ConvResult<never> = Object.freeze({
  ok: false,
  code: 'INVALID_DATE',
  vi: 'không phải ngày giờ dạng yyyyMMddHHmmss (ví dụ 20250701081500)',
  en: 'is not a date-time of the form yyyyMMddHHmmss (e.g. 20250701081500)'
})

/**
 * The portal's `yyyyMMddHHmmss` (local time) as ISO 8601 with `+07:00`: the inverse of
 * `toPortalDate`. Strict, since the value comes from outside: exactly 14 digits, no spaces,
 * naming a date and time that exist, in 1900..2100. Error: `INVALID_DATE`.
 */
export function fromPortalDate (portal: string): ConvResult<string> {
  const m = PORTAL_DATE.exec(portal)
  if (m === null) return INVALID_PORTAL_DATE
  const p = fields(m.slice(1), LOCAL_OFFSET_MIN)
  if (!valid(p)) return NO_SUCH_DATE
  if (p.y < 1900 || p.y > 2100) return yearRange(1900, 2100)
  return { ok: true, value: formatIso(p) }
}

/** The local day (Asia/Ho_Chi_Minh, UTC+7 all year) of `ms`, as `yyyy-mm-dd`. */
export function localDay (ms = Date.now()): string {
  return new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10)
}
