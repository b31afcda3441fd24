/**
 * Numbers as Vietnamese software writes them: comma for decimals, dot for thousands
 * (`1.200,5`), while some systems export the English way (`1,200.5`) or plain (`200.5`).
 *
 * How a separator is read (one rule set for both converters, written down because it decides
 * money and land areas):
 * - both `.` and `,` present: the rightmost one is the decimal separator and the other must
 *   group the integer part in threes (`1.200,5`, `1,200.5`); anything else is refused;
 * - one kind, several times: thousands separators, groups of exactly three (`1.250.000`);
 * - one kind, once: a decimal separator, unless it is followed by exactly three digits and
 *   preceded by one to three digits not starting with 0 (`1.200`, `30,000`). That case is
 *   ambiguous and each converter settles it its own way, see `decimal` and `vnd`;
 * - spaces (also no-break and thin spaces) may group thousands (`1 250 000`).
 */
import type { Conv, ConvResult } from './conv.js'

interface Parsed { negative: boolean, int: string, frac: string }

type Reading = 'decimal' | 'thousands'

interface Policy {
  /** How a lone `,` before exactly three digits is read. */
  comma3: Reading
  /** How a lone `.` before exactly three digits is read. */
  dot3: Reading
}

const SPACE_GROUPED = /^\d{1,3}(?:[ \u00A0\u202F]\d{3})+(?:[.,]\d+)?$/

function grouped (s: string, sep: string): boolean {
  const parts = s.split(sep)
  const first = parts[0]
  return first !== undefined && /^\d{1,3}$/.test(first) && parts.slice(1).every(g => /^\d{3}$/.test(g))
}

function parseNumber (raw: string, policy: Policy): Parsed | undefined {
  let s = raw.trim()
  let negative = false
  if (s.startsWith('-')) {
    negative = true
    s = s.slice(1)
  }
  if (SPACE_GROUPED.test(s)) s = s.replace(/[ \u00A0\u202F]/g, '')
  if (!/^\d+(?:[.,]\d+)*$/.test(s)) return undefined
  const dots = s.split('.').length - 1
  const commas = s.split(',').length - 1
  if (dots > 0 && commas > 0) {
    const dec = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ','
    const thou = dec === '.' ? ',' : '.'
    const at = s.lastIndexOf(dec)
    const intPart = s.slice(0, at)
    if (intPart.includes(dec) || !grouped(intPart, thou)) return undefined
    return { negative, int: intPart.split(thou).join(''), frac: s.slice(at + 1) }
  }
  if (dots + commas === 0) return { negative, int: s, frac: '' }
  const sep = dots > 0 ? '.' : ','
  if (dots + commas > 1) {
    return grouped(s, sep) ? { negative, int: s.split(sep).join(''), frac: '' } : undefined
  }
  const [a = '', b = ''] = s.split(sep)
  const ambiguous = b.length === 3 && /^[1-9]\d{0,2}$/.test(a)
  const reading = ambiguous ? (sep === '.' ? policy.dot3 : policy.comma3) : 'decimal'
  return reading === 'thousands' ? { negative, int: a + b, frac: '' } : { negative, int: a, frac: b }
}

/** Digits beyond this lose precision in a double. */
const MAX_DIGITS = 15

/**
 * A decimal number such as a land area: `200,5` → 200.5, `1.200,5` → 1200.5, `200.5` → 200.5,
 * `200` → 200. A lone comma is always the decimal comma (`1,200` → 1.2: it is the convention
 * of the senders that use a comma at all), while a lone dot before exactly three digits is a
 * thousands dot (`1.200` → 1200), as in the same senders' money amounts.
 * Negative values are refused unless `min` is below zero. Errors: `INVALID_NUMBER`, `OUT_OF_RANGE`.
 */
export function decimal (opts: { min?: number, max?: number, maxFractionDigits?: number } = {}): Conv<number> {
  const min = opts.min ?? 0
  const max = opts.max ?? Number.MAX_SAFE_INTEGER
  return (raw) => {
    const p = parseNumber(raw, { comma3: 'decimal', dot3: 'thousands' })
    if (p === undefined || p.int.length + p.frac.length > MAX_DIGITS) {
      return {
        ok: false,
        code: 'INVALID_NUMBER',
        vi: 'không phải số hợp lệ (ví dụ 200,5 hoặc 1.200,5)',
        en: 'is not a valid number (e.g. 200,5 or 1.200,5)'
      }
    }
    if (opts.maxFractionDigits !== undefined && p.frac.length > opts.maxFractionDigits) {
      return {
        ok: false,
        code: 'INVALID_NUMBER',
        vi: `có quá ${opts.maxFractionDigits} chữ số thập phân`,
        en: `has more than ${opts.maxFractionDigits} decimal places`
      }
    }
    const value = Number(`${p.negative ? '-' : ''}${p.int}.${p.frac === '' ? '0' : p.frac}`)
    if (value < min || value > max) return outOfRange(min, max)
    return { ok: true, value: Object.is(value, -0) ? 0 : value }
  }
}

function outOfRange (min: number, max: number): ConvResult<never> {
  const bounded = max !== Number.MAX_SAFE_INTEGER
  return {
    ok: false,
    code: 'OUT_OF_RANGE',
    vi: bounded ? `phải nằm trong khoảng ${min}–${max}` : `không được nhỏ hơn ${min}`,
    en: bounded ? `must be between ${min} and ${max}` : `must not be less than ${min}`
  }
}

const CURRENCY = /\s*(?:₫|đ|vnđ|vnd|đồng)\.?$/i
const VND_MAX = 1e12

function badAmount (vi: string, en: string): ConvResult<never> {
  return { ok: false, code: 'INVALID_AMOUNT', vi, en }
}

/**
 * An amount in đồng, a whole number: `30.000` → 30000, `1.250.000` → 1250000, `30000`,
 * `1 250 000`, `30.000 đ`. A lone separator before exactly three digits is always a thousands
 * separator here (`30,000` → 30000), since no one writes thousandths of a đồng; a fraction is
 * accepted only when it is zero (`30.000,00`). Negative, fractional and larger than 10^12
 * amounts are refused with `INVALID_AMOUNT`.
 */
export function vnd (): Conv<number> {
  return (raw) => {
    const s = raw.normalize('NFC').trim().replace(CURRENCY, '')
    const p = parseNumber(s, { comma3: 'thousands', dot3: 'thousands' })
    if (p === undefined) {
      return badAmount('không phải số tiền hợp lệ (đồng, ví dụ 30.000)', 'is not a valid amount (đồng, e.g. 30.000)')
    }
    if (p.negative && /[1-9]/.test(p.int + p.frac)) return badAmount('không được là số âm', 'must not be negative')
    if (/[1-9]/.test(p.frac)) {
      return badAmount('phải là số đồng nguyên, không có phần lẻ', 'must be a whole number of đồng')
    }
    const int = p.int.replace(/^0+(?=\d)/, '')
    if (int.length > 13 || Number(int) > VND_MAX) {
      return badAmount('vượt quá 1.000.000.000.000 đồng', 'exceeds 1,000,000,000,000 đồng')
    }
    return { ok: true, value: Number(int) }
  }
}
