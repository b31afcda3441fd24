/**
 * Identity numbers. Each converter returns the number with its separators removed. None of
 * these numbers has a check digit, so none is invented: a well-formed number is accepted.
 *
 * Citizen ID (CCCD, 12 digits; structure set by Circular 07/2016/TT-BCA, kept by Circular
 * 59/2021/TT-BCA and the Law on Identification 2023): 3 digits for the province of birth registration (`0` + the province
 * code before 1 July 2025, `001` Hà Nội … `096` Cà Mau), 1 for century and sex, 2 for the last
 * digits of the birth year, 6 random.
 */
import type { Conv, ConvResult } from './conv.js'

export type Gender = 'male' | 'female'

// Humans separate long numbers with spaces, dots or dashes when they copy them from a card.
function digitsOf (raw: string): string {
  return raw.trim().replace(/[\s.-]/g, '')
}

function fail (code: string, vi: string, en: string): ConvResult<never> {
  return { ok: false, code, vi, en }
}

/** Century and sex from the fourth digit: 0/1 = 1900s male/female, 2/3 = 2000s, … 8/9 = 2300s. */
export function cccdCenturySex (digit: number): { century: number, gender: Gender } {
  return { century: 1900 + Math.floor(digit / 2) * 100, gender: digit % 2 === 0 ? 'male' : 'female' }
}

/**
 * A 12-digit citizen ID. With `provincePrefixes` (from `AdminUnits.cccdProvincePrefixes`) the
 * first three digits must be a birth-registration province code; without it they are only
 * required to start with 0. With `birthDate` (`yyyy` or `yyyy-MM-dd`, as `birthDate()` gives
 * it; anything else throws, as it is a programming error) the century and year digits must
 * match it, with `gender` the sex digit must.
 * Errors: `INVALID_CCCD`, `CCCD_PROVINCE_UNKNOWN`, `CCCD_BIRTH_MISMATCH`, `CCCD_SEX_MISMATCH`.
 */
export function cccd (opts: { provincePrefixes?: ReadonlySet<string>, birthDate?: string, gender?: Gender } = {}): Conv<string> {
  if (opts.birthDate !== undefined && !/^\d{4}(?:-\d{2}-\d{2})?$/.test(opts.birthDate)) {
    throw new RangeError(`cccd: birthDate must be yyyy or yyyy-MM-dd, got ${opts.birthDate}`)
  }
  const birthYear = opts.birthDate === undefined ? undefined : Number(opts.birthDate.slice(0, 4))
  return (raw) => {
    const n = digitsOf(raw)
    if (!/^\d{12}$/.test(n)) {
      return fail('INVALID_CCCD', 'không phải số căn cước công dân hợp lệ (12 chữ số)',
        'is not a valid citizen ID number (12 digits)')
    }
    const prefix = n.slice(0, 3)
    const knownPrefix = opts.provincePrefixes === undefined ? prefix.startsWith('0') : opts.provincePrefixes.has(prefix)
    if (!knownPrefix) {
      return fail('CCCD_PROVINCE_UNKNOWN', `có mã tỉnh nơi đăng ký khai sinh ${prefix} không tồn tại`,
        `has an unknown birth-registration province code ${prefix}`)
    }
    const { century, gender } = cccdCenturySex(Number(n[3]))
    const year = century + Number(n.slice(4, 6))
    if (birthYear !== undefined && birthYear !== year) {
      return fail('CCCD_BIRTH_MISMATCH',
        `không khớp với năm sinh ${birthYear} (số căn cước ghi năm sinh ${year})`,
        `does not match the birth year ${birthYear} (the number encodes ${year})`)
    }
    if (opts.gender !== undefined && opts.gender !== gender) {
      return fail('CCCD_SEX_MISMATCH',
        `không khớp với giới tính ${opts.gender === 'male' ? 'nam' : 'nữ'}`,
        `does not match the gender (${opts.gender})`)
    }
    return { ok: true, value: n }
  }
}

/** The old 9-digit identity card number (CMND). Error: `INVALID_CMND`. */
export function cmnd (): Conv<string> {
  return (raw) => {
    const n = digitsOf(raw)
    return /^\d{9}$/.test(n)
      ? { ok: true, value: n }
      : fail('INVALID_CMND', 'không phải số chứng minh nhân dân hợp lệ (9 chữ số)',
        'is not a valid old identity card number (9 digits)')
  }
}

/**
 * An enterprise code (mã số doanh nghiệp, the tax code): 10 digits, or 10 digits, a dash and
 * 3 digits for a branch or dependent unit. Only white space is removed: the dash is part of
 * the code. Error: `INVALID_ENTERPRISE_CODE`.
 */
export function enterpriseCode (): Conv<string> {
  return (raw) => {
    const n = raw.trim().replace(/\s+/g, '')
    return /^\d{10}(?:-\d{3})?$/.test(n)
      ? { ok: true, value: n }
      : fail('INVALID_ENTERPRISE_CODE', 'không phải mã số doanh nghiệp hợp lệ (10 chữ số, hoặc 10 chữ số-3 chữ số)',
        'is not a valid enterprise code (10 digits, or 10 digits-3 digits)')
  }
}

/** The 10-digit social insurance number (mã số BHXH). Error: `INVALID_SOCIAL_INSURANCE_NUMBER`. */
export function socialInsuranceNumber (): Conv<string> {
  return (raw) => {
    const n = digitsOf(raw)
    return /^\d{10}$/.test(n)
      ? { ok: true, value: n }
      : fail('INVALID_SOCIAL_INSURANCE_NUMBER', 'không phải mã số bảo hiểm xã hội hợp lệ (10 chữ số)',
        'is not a valid social insurance number (10 digits)')
  }
}
