/**
 * Free text: names, summaries, addresses. The portal wants NFC with single spaces; senders
 * send decomposed Unicode (a base letter followed by combining marks), tabs, line breaks,
 * no-break spaces and the invisible characters that copying from a word processor leaves.
 * Lengths are counted in UTF-16 code units, as the portal counts them (portal-protocol.md: a
 * character outside the Basic Multilingual Plane, some chữ Nôm, counts as two), and as the
 * canonical schema's `maxLength` does (ajv with `unicode: false`, schema-issues.ts).
 */
import type { Conv, ConvResult } from './conv.js'

// Invisible format characters with no meaning in Vietnamese text: zero-width space and
// (non-)joiner, word joiner, soft hyphen. Removed so that two spellings of a name compare equal.
const INVISIBLE = /[\u200B-\u200D\u2060\u00AD]/g
// Control characters, direction overrides (which can make text display differently from what
// it contains) and U+FFFD (the mark of an encoding already broken upstream).
const FORBIDDEN = /[\p{Cc}\u202A-\u202E\u2066-\u2069\uFFFD]/u

/** NFC, invisible characters removed, every run of white space one space, trimmed. */
export function normalizeText (raw: string): string {
  return raw.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim().normalize('NFC')
}

/** The portal's length: UTF-16 code units. */
export function portalLength (s: string): number {
  return s.length
}

/** `s` cut to at most `max` UTF-16 code units, ending with `…` when cut, never inside a pair. */
export function truncate (s: string, max: number): string {
  if (s.length <= max) return s
  let end = max - 1
  const last = s.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return `${s.slice(0, end)}…`
}

function check (s: string, min: number, max: number): ConvResult<string> {
  if (!s.isWellFormed() || FORBIDDEN.test(s)) {
    return {
      ok: false,
      code: 'INVALID_TEXT',
      vi: 'chứa ký tự điều khiển hoặc ký tự không hợp lệ',
      en: 'contains control or invalid characters'
    }
  }
  const n = portalLength(s)
  if (n > max) {
    return { ok: false, code: 'TOO_LONG', vi: `dài quá ${max} ký tự`, en: `is longer than ${max} characters` }
  }
  if (n < min) {
    return min <= 1
      ? { ok: false, code: 'TOO_SHORT', vi: 'không được để trống', en: 'must not be empty' }
      : { ok: false, code: 'TOO_SHORT', vi: `phải có ít nhất ${min} ký tự`, en: `must be at least ${min} characters long` }
  }
  return { ok: true, value: s }
}

/** Normalized text (see `normalizeText`). Errors: `INVALID_TEXT`, `TOO_LONG`, `TOO_SHORT`. */
export function text (opts: { max?: number, min?: number } = {}): Conv<string> {
  const min = opts.min ?? 1
  const max = opts.max ?? 10_000
  return (raw) => check(normalizeText(raw), min, max)
}

/**
 * A person's full name: normalized text of at most 200 characters with at least one letter
 * and no digits. Apostrophes and hyphens stay: names such as H'Hen Niê or Y-Moan carry them.
 * Errors: those of `text`, and `INVALID_NAME`.
 */
export function personName (opts: { max?: number } = {}): Conv<string> {
  const base = text({ max: opts.max ?? 200 })
  return (raw) => {
    const r = base(raw)
    if (!r.ok) return r
    if (/\p{Nd}/u.test(r.value)) {
      return { ok: false, code: 'INVALID_NAME', vi: 'không được chứa chữ số', en: 'must not contain digits' }
    }
    if (!/\p{L}/u.test(r.value)) {
      return { ok: false, code: 'INVALID_NAME', vi: 'phải có chữ cái', en: 'must contain letters' }
    }
    return r
  }
}

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/

/**
 * An e-mail address: ASCII only (an internationalized address cannot be checked simply and
 * the portal cannot send to one either), one `@`, a dotted domain with a real-looking top-level
 * label, at most 254 characters. The domain is lower-cased; the local part is kept as given,
 * as mail servers may treat it case-sensitively. Error: `INVALID_EMAIL`.
 */
export function email (): Conv<string> {
  const bad: ConvResult<never> = {
    ok: false,
    code: 'INVALID_EMAIL',
    vi: 'không phải địa chỉ thư điện tử hợp lệ',
    en: 'is not a valid e-mail address'
  }
  return (raw) => {
    const s = raw.trim()
    if (s.length > 254) return bad
    const at = s.lastIndexOf('@')
    if (at < 1) return bad
    const local = s.slice(0, at)
    const domain = s.slice(at + 1).toLowerCase()
    const labels = domain.split('.')
    const tld = labels[labels.length - 1]
    if (local.length > 64 || !LOCAL_PART.test(local) || labels.length < 2 || tld === undefined ||
        !TLD.test(tld) || !labels.every(l => DOMAIN_LABEL.test(l))) return bad
    return { ok: true, value: `${local}@${domain}` }
  }
}
