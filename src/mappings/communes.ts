/**
 * Commune and province codes for mappings. Current codes are checked against the 2025 list;
 * a code from before 1 July 2025 is translated through the legacy map, never looked up in the
 * current list directly, since some new codes reuse an old code for a different area.
 */
import type { AdminUnits, Commune, LegacyCommuneInfo } from '../domain/admin-units/index.js'
import type { Conv } from './reader.js'
import type { Reader } from './reader.js'

function name (c: Commune): string {
  return `${c.code} ${c.fullName}`
}

/** A current (2025) 5-digit commune code. Errors: `INVALID_COMMUNE_CODE`, `UNKNOWN_COMMUNE`. */
export function communeCode (units: AdminUnits): Conv<string> {
  return (raw) => {
    const code = raw.trim()
    if (!/^\d{5}$/.test(code)) {
      return { ok: false, code: 'INVALID_COMMUNE_CODE', vi: 'không phải mã xã hợp lệ (5 chữ số)', en: 'is not a valid commune code (5 digits)' }
    }
    if (units.commune(code) === undefined) {
      const hint = legacyHint(units, code)
      return {
        ok: false,
        code: 'UNKNOWN_COMMUNE',
        vi: `có mã xã ${code} không có trong danh mục đơn vị hành chính từ 01/7/2025${hint.vi}`,
        en: `has commune code ${code}, which is not in the list of administrative units in force since 1 July 2025${hint.en}`
      }
    }
    return { ok: true, value: code }
  }
}

/** Where an old code went, for the officer who typed one where a 2025 code belongs. Never applied silently. */
function legacyHint (units: AdminUnits, code: string): { vi: string, en: string } {
  const t = units.legacyCommune(code)
  if (t.kind === 'moved') return { vi: ` (mã xã cũ, nay là ${name(t.commune)})`, en: ` (an old code, now ${name(t.commune)})` }
  if (t.kind === 'split') {
    const list = t.candidates.map(name).join('; ')
    return { vi: ` (mã xã cũ, nay chia cho: ${list})`, en: ` (an old code, now split between: ${list})` }
  }
  return { vi: '', en: '' }
}

/**
 * A commune code from before 1 July 2025, kept as it is (for the record) next to a current
 * code that says where it went. Errors: `INVALID_COMMUNE_CODE`, `UNKNOWN_LEGACY_COMMUNE`.
 */
export function legacyCommuneCode (units: AdminUnits): Conv<string> {
  return (raw) => {
    const code = raw.trim()
    if (!/^\d{5}$/.test(code)) {
      return { ok: false, code: 'INVALID_COMMUNE_CODE', vi: 'không phải mã xã hợp lệ (5 chữ số)', en: 'is not a valid commune code (5 digits)' }
    }
    if (units.legacyCommune(code).kind === 'unknown') {
      return {
        ok: false,
        code: 'UNKNOWN_LEGACY_COMMUNE',
        vi: `có mã ${code} không phải mã xã trước ngày 01/7/2025`,
        en: `has code ${code}, which is not a commune code from before 1 July 2025`
      }
    }
    return { ok: true, value: code }
  }
}

/** A current (2025) 2-digit province code. Errors: `INVALID_PROVINCE_CODE`, `UNKNOWN_PROVINCE`. */
export function provinceCode (units: AdminUnits): Conv<string> {
  return (raw) => {
    const code = raw.trim()
    if (!/^\d{2}$/.test(code)) {
      return { ok: false, code: 'INVALID_PROVINCE_CODE', vi: 'không phải mã tỉnh hợp lệ (2 chữ số)', en: 'is not a valid province code (2 digits)' }
    }
    if (units.province(code) === undefined) {
      return {
        ok: false,
        code: 'UNKNOWN_PROVINCE',
        vi: `có mã tỉnh ${code} không có trong danh mục đơn vị hành chính từ 01/7/2025`,
        en: `has province code ${code}, which is not in the list of administrative units in force since 1 July 2025`
      }
    }
    return { ok: true, value: code }
  }
}

export interface LegacyCommuneOptions {
  units: AdminUnits
  /** Address text that may name the new commune when the old one was split. */
  addressText?: string
  /** The canonical field the code fills, e.g. `holder.address.communeCode`, for the review item. */
  target: string
  /** Record `REQUIRED` when the value is absent (default: absent is fine, undefined is returned). */
  required?: boolean
}

function matchOptions (from: LegacyCommuneInfo | undefined): { oldNames: string[], parentNames: string[] } {
  if (from === undefined) return { oldNames: [], parentNames: [] }
  return { oldNames: [from.fullName], parentNames: [from.district, from.province].filter(s => s !== '') }
}

function oldLabel (oldCode: string, from: LegacyCommuneInfo | undefined): string {
  return from === undefined ? oldCode : `${oldCode} (${from.fullName}, ${from.district})`
}

/**
 * The current commune code for the pre-2025 commune code at `path`:
 * - moved to one commune: that commune's code;
 * - split: the candidate the address text names (see `AdminUnits.matchByAddress`), otherwise
 *   a `COMMUNE_SPLIT` review item for an officer, and undefined;
 * - a target missing from the 2025 list: `LEGACY_COMMUNE_TARGET_UNKNOWN` naming the targets;
 * - not an old commune code: `UNKNOWN_LEGACY_COMMUNE`; not 5 digits: `INVALID_COMMUNE_CODE`.
 */
export function legacyCommune (r: Reader, path: string, opts: LegacyCommuneOptions): string | undefined {
  const raw = r.raw(path)
  if (raw === undefined) {
    if (opts.required === true) r.required(path)
    return undefined
  }
  const oldCode = raw.trim()
  if (!/^\d{5}$/.test(oldCode)) {
    r.fail(path, 'INVALID_COMMUNE_CODE', 'không phải mã xã hợp lệ (5 chữ số)', 'is not a valid commune code (5 digits)')
    return undefined
  }
  const t = opts.units.legacyCommune(oldCode)
  switch (t.kind) {
    case 'moved':
      return t.commune.code
    case 'split': {
      const hit = opts.addressText === undefined
        ? undefined
        : opts.units.matchByAddress(t.candidates, opts.addressText, matchOptions(t.from))
      if (hit !== undefined) return hit.code
      const list = t.candidates.map(name).join('; ')
      const label = oldLabel(oldCode, t.from)
      r.review({
        code: 'COMMUNE_SPLIT',
        field: r.field(path),
        target: opts.target,
        oldCode,
        candidates: t.candidates.map(c => ({ code: c.code, name: c.fullName })),
        message: {
          vi: `Xã cũ ${label} đã được chia cho nhiều xã mới (${list}); địa chỉ không đủ để xác định xã mới, cần cán bộ chọn`,
          en: `Old commune ${label} was split between several new communes (${list}); the address does not tell which, an officer must choose`
        }
      })
      return undefined
    }
    case 'target-unknown': {
      const missing = t.missing ?? t.targets
      r.fail(path, 'LEGACY_COMMUNE_TARGET_UNKNOWN',
        `là mã xã cũ ${oldLabel(oldCode, t.from)}, được chuyển vào ${t.targets.join(', ')} nhưng danh mục từ 01/7/2025 không có mã ${missing.join(', ')}; cần cán bộ xác định xã mới`,
        `is old commune code ${oldLabel(oldCode, t.from)}, mapped to ${t.targets.join(', ')}, but the list in force since 1 July 2025 lacks ${missing.join(', ')}; an officer must determine the new commune`)
      return undefined
    }
    case 'unknown':
      r.fail(path, 'UNKNOWN_LEGACY_COMMUNE',
        `có mã ${oldCode} không phải mã xã trước ngày 01/7/2025`,
        `has code ${oldCode}, which is not a commune code from before 1 July 2025`)
      return undefined
  }
}
