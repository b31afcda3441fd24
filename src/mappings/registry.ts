/**
 * The registry of sector mappings: every file in `sectors/` that default-exports a
 * SectorMapping is a system the gateway takes in. Adding a sector is adding a file there
 * (plus its fixtures); nothing else has to change. The canonical input schema is composed
 * from the mappings' detail sections, then compiled once by ajv.
 */
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { TSchema } from 'typebox'
import { canonicalInputSchema, type CanonicalInput } from '../schemas/canonical-dossier.js'
import { issue, type FieldIssue } from '../errors.js'
import type { MapContext, MapOutcome, SectorMapping } from './types.js'
import type { Reader } from './reader.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv
const SECTORS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sectors')

export class MappingRegistry {
  private readonly bySystem = new Map<string, SectorMapping>()
  private readonly validate: ValidateFunction<CanonicalInput>

  constructor (mappings: SectorMapping[]) {
    const details: Record<string, TSchema> = {}
    for (const m of mappings) {
      if (this.bySystem.has(m.system)) throw new Error(`two mappings for system ${m.system}`)
      this.bySystem.set(m.system, m)
      if (m.detailsSchema !== undefined) details[m.system] = m.detailsSchema
    }
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    this.validate = ajv.compile<CanonicalInput>(canonicalInputSchema(details))
  }

  get (system: string): SectorMapping | undefined {
    return this.bySystem.get(system)
  }

  systems (): string[] {
    return [...this.bySystem.keys()].sort()
  }

  /** Runs a mapping and checks its result against the canonical schema. Pure. */
  run (mapping: SectorMapping, r: Reader, ctx: MapContext): MapOutcome {
    let dossier: CanonicalInput
    try {
      dossier = mapping.map(r, ctx)
    } catch (err) {
      // A mapping that trips over input it did not expect must still answer with a field error.
      if (r.issues.length > 0) return { ok: false, issues: r.issues }
      return { ok: false, issues: [issue('UNMAPPABLE', r.field(), `không đọc được hồ sơ: ${(err as Error).message}`, `cannot read the dossier: ${(err as Error).message}`)] }
    }
    if (r.issues.length > 0) return { ok: false, issues: r.issues }
    if (!this.validate(dossier)) {
      const prefix = mapping.system === 'canonical' ? '' : 'canonical:'
      return { ok: false, issues: (this.validate.errors ?? []).slice(0, 50).map(e => ajvIssue(e, prefix)) }
    }
    return { ok: true, dossier, review: r.reviews }
  }
}

export async function loadMappings (dir = SECTORS_DIR): Promise<MappingRegistry> {
  const files = readdirSync(dir).filter(f => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts')).sort()
  const mappings: SectorMapping[] = []
  for (const f of files) {
    const mod = await import(pathToFileURL(join(dir, f)).href) as { default?: SectorMapping }
    if (mod.default?.system === undefined || typeof mod.default.map !== 'function') {
      throw new Error(`${f} in ${dir} does not default-export a SectorMapping`)
    }
    mappings.push(mod.default)
  }
  return new MappingRegistry(mappings)
}

const VI: Record<string, string> = {
  required: 'là trường bắt buộc',
  type: 'sai kiểu dữ liệu',
  maxLength: 'quá dài',
  minLength: 'quá ngắn hoặc rỗng',
  pattern: 'không đúng định dạng',
  format: 'không đúng định dạng',
  additionalProperties: 'có trường không được hỗ trợ',
  anyOf: 'không thuộc các giá trị cho phép',
  const: 'không thuộc các giá trị cho phép',
  enum: 'không thuộc các giá trị cho phép',
  maxItems: 'có quá nhiều phần tử',
  minimum: 'nhỏ hơn giá trị cho phép',
  maximum: 'lớn hơn giá trị cho phép'
}

function ajvIssue (e: ErrorObject, prefix: string): FieldIssue {
  let path = e.instancePath.split('/').slice(1).map(seg => /^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`).join('').replace(/^\./, '')
  if (e.keyword === 'required') path = path === '' ? String(e.params.missingProperty) : `${path}.${String(e.params.missingProperty)}`
  if (e.keyword === 'additionalProperties') path = path === '' ? String(e.params.additionalProperty) : `${path}.${String(e.params.additionalProperty)}`
  const field = prefix + (path === '' ? '(root)' : path)
  const code = e.keyword === 'required' ? 'REQUIRED' : e.keyword === 'additionalProperties' ? 'UNKNOWN_FIELD' : `INVALID_${e.keyword.toUpperCase()}`
  const en = e.keyword === 'required' ? 'is required' : e.keyword === 'additionalProperties' ? 'is not a known field' : (e.message ?? 'is invalid')
  return issue(code, field, `${field} ${VI[e.keyword] ?? 'không hợp lệ'}`, `${field} ${en}`)
}
