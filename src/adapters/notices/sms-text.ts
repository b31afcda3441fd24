/**
 * SMS content for customer-care templates (the contract's "SMS brandname"): the registered
 * template filled (`{name}`, or `{name,N}` for at most N characters; never an empty value),
 * written without Vietnamese diacritics (`IsUnicode "0"`: `đ` → `d`), in GSM-7, counted in
 * segments (160 septets alone, 153 each when split; `^ { } [ ] ~ \ |` and `€` take two) and
 * kept to at most 3 segments. Pure.
 */

export const SMS_MAX_SEGMENTS = 3

const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
const GSM_EXTENDED = '^{}\\[~]|€'
const BASIC = new Set(GSM_BASIC)
const EXTENDED = new Set(GSM_EXTENDED)

/** Typography a sender's text often carries, in the characters GSM-7 has. */
const LOOKALIKE: Record<string, string> = {
  '\u201C': '"', '\u201D': '"', '\u201E': '"', '\u2018': "'", '\u2019': "'", '\u2013': '-', '\u2014': '-', '\u2026': '...', '\u00A0': ' ', '\t': ' '
}

/**
 * The text without diacritics, in GSM-7: marks removed (NFD then dropped), `đ`/`Đ` → `d`/`D`,
 * typographic quotes and dashes made plain, any other character outside GSM-7 → `?`.
 */
export function toGsmAscii (text: string): string {
  const bare = text.normalize('NFC').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFD').replace(/\p{M}/gu, '')
  let out = ''
  for (const ch of bare) {
    const c = LOOKALIKE[ch] ?? ch
    out += [...c].every(x => BASIC.has(x) || EXTENDED.has(x)) ? c : '?'
  }
  return out
}

/** Septets of a GSM-7 text. */
export function septets (gsm: string): number {
  let n = 0
  for (const ch of gsm) n += EXTENDED.has(ch) ? 2 : 1
  return n
}

/** Segments of a GSM-7 text: one of 160 septets, or several of 153 (an escape pair never split). */
export function segments (gsm: string): number {
  const total = septets(gsm)
  if (total <= 160) return total === 0 ? 0 : 1
  let count = 1
  let used = 0
  for (const ch of gsm) {
    const w = EXTENDED.has(ch) ? 2 : 1
    if (used + w > 153) { count++; used = 0 }
    used += w
  }
  return count
}

export type SmsFill =
  | { ok: true, content: string, segments: number }
  /** `missing`: the template names a value the notice does not give (configuration). */
  | { ok: false, issue: { kind: 'missing' | 'empty' | 'too-long', param: string } | { kind: 'too-many-segments', segments: number } }

const PLACEHOLDER = /\{([A-Za-z0-9_]+)(?:,(\d{1,4}))?\}/g

/** The template's placeholders with their limits (checked when the notices file is loaded). */
export function smsPlaceholders (template: string): Array<{ name: string, max?: number }> {
  return [...template.matchAll(PLACEHOLDER)].map(m => ({ name: m[1] as string, ...(m[2] === undefined ? {} : { max: Number(m[2]) }) }))
}

export function fillSmsTemplate (template: string, values: Readonly<Record<string, string | number>>): SmsFill {
  for (const p of smsPlaceholders(template)) {
    const v = values[p.name]
    if (v === undefined) return { ok: false, issue: { kind: 'missing', param: p.name } }
    const s = toGsmAscii(String(v)).replace(/\s+/g, ' ').trim()
    if (s === '') return { ok: false, issue: { kind: 'empty', param: p.name } }
    if (p.max !== undefined && s.length > p.max) return { ok: false, issue: { kind: 'too-long', param: p.name } }
  }
  const content = toGsmAscii(template.replace(PLACEHOLDER, (_m, name: string) => String(values[name]).replace(/\s+/g, ' ').trim()))
  const n = segments(content)
  if (n > SMS_MAX_SEGMENTS) return { ok: false, issue: { kind: 'too-many-segments', segments: n } }
  return { ok: true, content, segments: n }
}
