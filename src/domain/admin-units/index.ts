/**
 * Vietnam's administrative units: the list in force since 1 July 2025 (34 provinces, 3,321
 * communes) and the map from the units before it. Read once at start-up from
 * `data/admin-units/` (see ATTRIBUTION.md there); everything else here is lookups in memory.
 *
 * The two sources disagree on a few codes (README.md in the data folder). Such codes are
 * reported as they are, through `legacyCommune` and `anomalies`, never papered over.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { matchByAddress, type MatchOptions } from './address-match.js'
import type { Commune, Province } from './types.js'
import { parseCurrent, parseLegacy, type LegacyCommuneRecord } from './raw-data.js'

export type { MatchOptions } from './address-match.js'

export type { Commune, Province } from './types.js'

/** An old commune as the legacy map names it. */
export interface LegacyCommuneInfo {
  code: string
  /** With its type word, e.g. `Xã Thạch Ngọc`. */
  fullName: string
  /** The old district, e.g. `Huyện Thạch Hà`. */
  district: string
  /** The old province, e.g. `Tỉnh Hà Tĩnh`. */
  province: string
  oldProvinceCode: string
}

export type LegacyTranslation =
  /** One target, present in the 2025 list. */
  | { kind: 'moved', commune: Commune, from?: LegacyCommuneInfo }
  /** Several targets, all present: the old code alone does not tell which. */
  | { kind: 'split', candidates: Commune[], from?: LegacyCommuneInfo }
  /** The 2025 list lacks a target (`missing`, among all `targets`): report, never guess. */
  | { kind: 'target-unknown', targets: string[], missing?: string[], from?: LegacyCommuneInfo }
  /** Not a pre-2025 commune code. */
  | { kind: 'unknown' }

export interface AdminUnitAnomalies {
  /** Old communes with a target the 2025 list does not have; `targets` is the whole list, `missing` the absent ones. */
  legacyTargetsMissing: Array<{ oldCode: string, targets: string[], missing: string[] }>
  /** 2025 communes that no old commune maps to. */
  communesWithoutLegacy: string[]
}

export interface AdminUnits {
  province (code: string): Province | undefined
  provinces (): Province[]
  /** A commune of the 2025 list only. */
  commune (code: string): Commune | undefined
  communesOf (provinceCode: string): Commune[]
  /** Always through the legacy map: a new code may reuse an old one for a different area. */
  legacyCommune (oldCode: string): LegacyTranslation
  legacyProvince (oldCode: string): { name: string, to: string[] } | undefined
  /** `0` + each 2-digit province code before 2025: the first three digits of a citizen ID. */
  cccdProvincePrefixes: ReadonlySet<string>
  /**
   * Among `candidates`, the single one whose name occurs in `addressText`; undefined when none
   * or several match. See address-match.ts for the rules; pass `opts` from a translation's
   * `from` so that old names in the text do not count.
   */
  matchByAddress (candidates: Commune[], addressText: string, opts?: MatchOptions): Commune | undefined
  /** Codes the two sources disagree on. */
  anomalies (): AdminUnitAnomalies
}

export const CURRENT_FILE = 'admin-units-2025.json'
export const LEGACY_FILE = 'admin-units-legacy.json'

const DEFAULT_DIR = fileURLToPath(new URL('../../../data/admin-units/', import.meta.url))

const loaded = new Map<string, AdminUnits>()

/**
 * The administrative units in `dir` (default: `data/admin-units` of this repository), read
 * and indexed once per directory. Throws when a file is missing or not in the expected shape:
 * the gateway must not start without them.
 */
export function loadAdminUnits (dir: string = DEFAULT_DIR): AdminUnits {
  const key = resolve(dir)
  const cached = loaded.get(key)
  if (cached !== undefined) return cached
  const read = (file: string): unknown => {
    const path = join(key, file)
    try {
      return JSON.parse(readFileSync(path, 'utf8'))
    } catch (err) {
      throw new Error(`admin units: cannot read ${path}`, { cause: err })
    }
  }
  const units = buildAdminUnits(read(CURRENT_FILE), read(LEGACY_FILE))
  loaded.set(key, units)
  return units
}

/** The units from the two parsed JSON documents (exported for tests with small fixtures). */
export function buildAdminUnits (currentDoc: unknown, legacyDoc: unknown): AdminUnits {
  const current = parseCurrent(currentDoc)
  const legacy = parseLegacy(legacyDoc)

  const provinces = new Map<string, Province>()
  const communes = new Map<string, Commune>()
  const byProvince = new Map<string, Commune[]>()
  for (const p of current) {
    provinces.set(p.code, Object.freeze({ code: p.code, name: p.name, fullName: p.fullName }))
    const list: Commune[] = []
    for (const c of p.communes) {
      const commune = Object.freeze({ code: c.code, name: c.name, fullName: c.fullName, provinceCode: p.code })
      communes.set(c.code, commune)
      list.push(commune)
    }
    byProvince.set(p.code, list)
  }

  // Translations are built on demand: a dossier needs one or two, start-up would pay for 10,047.
  const targeted = new Set<string>()
  const legacyTargetsMissing: AdminUnitAnomalies['legacyTargetsMissing'] = []
  for (const [oldCode, rec] of legacy.communes) {
    let missing: string[] | undefined
    for (const t of rec.to) {
      targeted.add(t)
      if (!communes.has(t)) (missing ??= []).push(t)
    }
    if (missing !== undefined) legacyTargetsMissing.push({ oldCode, targets: [...rec.to], missing })
  }
  const translate = (oldCode: string): LegacyTranslation => {
    const rec = legacy.communes.get(oldCode)
    if (rec === undefined) return { kind: 'unknown' }
    const from = describe(oldCode, rec)
    const missing = rec.to.filter(t => !communes.has(t))
    if (missing.length > 0) return { kind: 'target-unknown', targets: [...rec.to], missing, from }
    const targets = [...new Set(rec.to)].map(t => communes.get(t)).filter((c): c is Commune => c !== undefined)
    const only = targets[0]
    return targets.length === 1 && only !== undefined
      ? { kind: 'moved', commune: only, from }
      : { kind: 'split', candidates: targets, from }
  }
  const communesWithoutLegacy = [...communes.keys()].filter(c => !targeted.has(c)).sort()
  legacyTargetsMissing.sort((a, b) => a.oldCode.localeCompare(b.oldCode))

  const prefixes: ReadonlySet<string> = new Set([...legacy.provinces.keys()].map(c => `0${c}`))

  return {
    province: code => provinces.get(code),
    provinces: () => [...provinces.values()],
    commune: code => communes.get(code),
    communesOf: code => [...(byProvince.get(code) ?? [])],
    legacyCommune: oldCode => translate(oldCode),
    legacyProvince: oldCode => {
      const p = legacy.provinces.get(oldCode)
      return p === undefined ? undefined : { name: p.name, to: [...p.to] }
    },
    cccdProvincePrefixes: prefixes,
    matchByAddress: (candidates, addressText, opts) => matchByAddress(candidates, addressText, opts),
    anomalies: () => ({
      legacyTargetsMissing: legacyTargetsMissing.map(a => ({ ...a, targets: [...a.targets], missing: [...a.missing] })),
      communesWithoutLegacy: [...communesWithoutLegacy]
    })
  }
}

const COMMUNE_TYPE = /^(?:xã|phường|thị trấn)\s/i

/** Splits the legacy name `Xã Thạch Ngọc, Huyện Thạch Hà, Tỉnh Hà Tĩnh` into its units. */
function describe (code: string, rec: LegacyCommuneRecord): LegacyCommuneInfo {
  const parts = rec.name.normalize('NFC').split(',').map(s => s.trim()).filter(s => s !== '')
  const province = parts.length > 1 ? parts.pop() ?? '' : ''
  // One source row puts the district first (`Huyện Kiên Hải, Xã Hòn Tre, …`).
  const at = Math.max(0, parts.findIndex(p => COMMUNE_TYPE.test(p)))
  const fullName = parts.splice(at, 1)[0] ?? rec.name
  return Object.freeze({ code, fullName, district: parts.join(', '), province, oldProvinceCode: rec.oldProvince })
}
