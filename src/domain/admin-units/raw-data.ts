/**
 * The shapes of the two data files, checked once at start-up: a replaced file with a changed
 * layout must stop the gateway with a clear message, not produce empty lookups.
 */

export interface CurrentProvinceRecord {
  code: string
  name: string
  fullName: string
  communes: Array<{ code: string, name: string, fullName: string }>
}

export interface LegacyCommuneRecord {
  name: string
  oldProvince: string
  to: string[]
}

export interface LegacyData {
  provinces: Map<string, { name: string, to: string[] }>
  communes: Map<string, LegacyCommuneRecord>
}

type Obj = Record<string, unknown>

const CODE2 = /^\d{2}$/
const CODE5 = /^\d{5}$/

function bad (where: string, what: string): never {
  throw new Error(`admin units: ${where}: ${what}`)
}

function obj (v: unknown, where: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(where, 'expected an object')
  return v as Obj
}

function arr (v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) bad(where, 'expected an array')
  return v
}

function str (o: Obj, key: string, where: string): string {
  const v = o[key]
  if (typeof v !== 'string' || v.trim() === '') bad(`${where}.${key}`, 'expected a non-empty string')
  return v.normalize('NFC')
}

function code (v: string, digits: number, where: string): string {
  if (v.length !== digits || !/^\d+$/.test(v)) bad(where, `expected a ${digits}-digit code, got ${v}`)
  return v
}

function codes (v: unknown, digits: number, where: string): string[] {
  const list = arr(v, where).map((c, i) => code(typeof c === 'string' ? c : '', digits, `${where}[${i}]`))
  if (list.length === 0) bad(where, 'expected at least one code')
  return list
}

/** `{ provinces: [{ code, name, fullName, communes: [{ code, name, fullName }] }] }` */
export function parseCurrent (doc: unknown): CurrentProvinceRecord[] {
  const seen = new Set<string>()
  return arr(obj(doc, 'current list').provinces, 'current list.provinces').map((pv, i) => {
    const where = `current list.provinces[${i}]`
    const p = obj(pv, where)
    const pcode = code(str(p, 'code', where), 2, `${where}.code`)
    if (seen.has(pcode)) bad(where, `duplicate province code ${pcode}`)
    seen.add(pcode)
    const communes = arr(p.communes, `${where}.communes`).map((cv, j) => {
      const cw = `${where}.communes[${j}]`
      const c = obj(cv, cw)
      const ccode = code(str(c, 'code', cw), 5, `${cw}.code`)
      if (seen.has(ccode)) bad(cw, `duplicate commune code ${ccode}`)
      seen.add(ccode)
      return { code: ccode, name: str(c, 'name', cw), fullName: str(c, 'fullName', cw) }
    })
    return { code: pcode, name: str(p, 'name', where), fullName: str(p, 'fullName', where), communes }
  })
}

/** `{ provinces: { oldCode: { name, to } }, communes: { oldCode: { name, oldProvince, to, … } } }` */
export function parseLegacy (doc: unknown): LegacyData {
  const root = obj(doc, 'legacy map')
  const provinces = new Map<string, { name: string, to: string[] }>()
  for (const [k, v] of Object.entries(obj(root.provinces, 'legacy map.provinces'))) {
    const where = `legacy map.provinces.${k}`
    const p = obj(v, where)
    provinces.set(code(k, 2, where), { name: str(p, 'name', where), to: codes(p.to, 2, `${where}.to`) })
  }
  const communes = new Map<string, LegacyCommuneRecord>()
  // The tight loop of start-up (10,047 rows): checks inline, messages built only on failure.
  for (const [k, v] of Object.entries(obj(root.communes, 'legacy map.communes'))) {
    const c = v as Partial<Record<string, unknown>> | null
    const name = c?.name
    const oldProvince = c?.oldProvince
    const to = c?.to
    if (!CODE5.test(k) || typeof name !== 'string' || name === '' || typeof oldProvince !== 'string' ||
        !CODE2.test(oldProvince) || !Array.isArray(to) || to.length === 0 ||
        !to.every(t => typeof t === 'string' && CODE5.test(t))) {
      bad(`legacy map.communes.${k}`, 'expected { name, oldProvince: 2-digit code, to: [5-digit codes] } under a 5-digit code')
    }
    communes.set(k, { name, oldProvince, to: to as string[] })
  }
  return { provinces, communes }
}
