/**
 * Vietnamese phone numbers in the national form the portal wants (`0xxxxxxxxx`).
 *
 * Since the 2018 renumbering, mobile numbers have 10 digits and start with 03, 05, 07, 08 or
 * 09; fixed lines have 11 digits and start with 02 (area code 02x or 02xx). Anything else, such
 * as the retired 11-digit 01x mobile numbers, is refused rather than rewritten: converting an
 * old number is a guess about which network renumbered it.
 */
import type { Conv } from './conv.js'

const SEPARATORS = /[\s.\-()/\u00A0]/g

function national (digits: string): string | undefined {
  let rest: string
  if (digits.startsWith('+84')) rest = digits.slice(3)
  else if (digits.startsWith('0084')) rest = digits.slice(4)
  else if (digits.startsWith('84') && (digits.length === 11 || digits.length === 12)) rest = digits.slice(2)
  else return digits
  // `+84 (0) 912…` and `(+84) 0912…` keep the trunk 0 by mistake; no subscriber number after
  // the country code starts with 0, so dropping it cannot change the number.
  if (rest.startsWith('0')) rest = rest.slice(1)
  return `0${rest}`
}

/**
 * Accepts spaces, dots, dashes, slashes and parentheses as separators and the prefixes `+84`,
 * `(+84)`, `0084` and `84`. Error: `INVALID_PHONE`.
 */
export function phone (): Conv<string> {
  return (raw) => {
    const compact = raw.trim().replace(SEPARATORS, '')
    const n = /^\+?\d+$/.test(compact) ? national(compact) : undefined
    if (n !== undefined && (/^0[35789]\d{8}$/.test(n) || /^02\d{9}$/.test(n))) return { ok: true, value: n }
    return {
      ok: false,
      code: 'INVALID_PHONE',
      vi: 'không phải số điện thoại hợp lệ (di động 10 chữ số hoặc cố định 11 chữ số bắt đầu bằng 02)',
      en: 'is not a valid phone number (10-digit mobile or 11-digit fixed line starting with 02)'
    }
  }
}
