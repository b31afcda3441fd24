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
import { canonicalInputSchema, type CanonicalInput } from '../domain/canonical-dossier.js'
import { AJV_OPTIONS } from './schemas/schema-issues.js'
import { issue, type FieldIssue } from '../domain/errors.js'
import type { MapContext, MapOutcome, SectorMapping, SectorWords } from './types.js'
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
    const ajv = new Ajv(AJV_OPTIONS)
    addFormats(ajv)
    this.validate = ajv.compile<CanonicalInput>(canonicalInputSchema(details))
  }

  get (system: string): SectorMapping | undefined {
    return this.bySystem.get(system)
  }

  systems (): string[] {
    return [...this.bySystem.keys()].sort()
  }

  /** Each sector's words for its own section (SectorMapping.words). */
  words (): Record<string, SectorWords> {
    return Object.fromEntries([...this.bySystem].flatMap(([s, m]) => m.words === undefined ? [] : [[s, m.words]]))
  }

  /** Each system's name in words, from its mapping: a new sector names itself in its own file. */
  titles (): Record<string, { vi: string, en: string }> {
    return Object.fromEntries([...this.bySystem].map(([s, m]) => [s, m.title]))
  }

  /** Runs a mapping and checks its result against the canonical schema. Pure. */
  run (mapping: SectorMapping, r: Reader, ctx: MapContext): MapOutcome {
    let dossier: CanonicalInput
    // The SOAP header is read through a Reader of its own: its problems are the sender's too.
    const problems = (): FieldIssue[] => [...r.issues, ...(ctx.soapHeader?.issues ?? [])]
    try {
      dossier = mapping.map(r, ctx)
    } catch (err) {
      // A mapping that trips over input it did not expect must still answer with a field error.
      if (problems().length > 0) return { ok: false, issues: problems().slice(0, MAX_ISSUES) }
      return { ok: false, issues: [issue('UNMAPPABLE', r.field(), `không đọc được hồ sơ: ${(err as Error).message}`, `cannot read the dossier: ${(err as Error).message}`)] }
    }
    const issues = problems()
    if (mapping.system === 'canonical') {
      // The sender's document is itself a canonical input: the schema's findings on its shape
      // are the sender's problems as much as the converters' findings on its values.
      const shape = this.validate(dossier) ? [] : schemaIssues(this.validate.errors ?? [], '')
      const all = mergeIssues(issues, shape)
      return all.length > 0 ? { ok: false, issues: all } : { ok: true, dossier, review: r.reviews }
    }
    // Capped as the schema's findings are: one reply must not grow with the document's repetitions.
    if (issues.length > 0) return { ok: false, issues: issues.slice(0, MAX_ISSUES) }
    if (!this.validate(dossier)) return { ok: false, issues: schemaIssues(this.validate.errors ?? [], 'canonical:') }
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

const MAX_ISSUES = 50

/**
 * One issue per field: a union of literals (`channel`) fails once per literal and once more as
 * a whole; the sender needs to hear it once, with the values allowed.
 */
function schemaIssues (errors: ErrorObject[], prefix: string): FieldIssue[] {
  const allowed = new Map<string, string[]>()
  for (const e of errors) {
    if (e.keyword !== 'const') continue
    const list = allowed.get(e.instancePath) ?? []
    list.push(String(e.params.allowedValue))
    allowed.set(e.instancePath, list)
  }
  const byField = new Map<string, FieldIssue>()
  for (const e of errors) {
    if (e.keyword === 'const') continue
    const values = e.keyword === 'anyOf' ? allowed.get(e.instancePath) : undefined
    const i = values === undefined ? ajvIssue(e, prefix) : oneOfIssue(e, prefix, values)
    if (!byField.has(i.field)) byField.set(i.field, i)
  }
  for (const e of errors) {
    // A lone const (a literal, not a union): still worth one issue.
    if (e.keyword === 'const' && !errors.some(x => x.keyword === 'anyOf' && x.instancePath === e.instancePath)) {
      const i = ajvIssue(e, prefix)
      if (!byField.has(i.field)) byField.set(i.field, i)
    }
  }
  return [...byField.values()].slice(0, MAX_ISSUES)
}

function oneOfIssue (e: ErrorObject, prefix: string, values: string[]): FieldIssue {
  const field = prefix + (fieldOf(e) === '' ? '(root)' : fieldOf(e))
  const list = values.join(', ')
  return issue('INVALID_VALUE', field, `${field} không thuộc các giá trị cho phép: ${list}`, `${field} must be one of: ${list}`)
}

/**
 * Converter findings and schema findings on one document, each problem once: a value of the
 * wrong type is the schema's to report (the converters read it as text and would say something
 * beside the point, also about what lies below it); otherwise the converter's message, which
 * says what the value should be, wins over the schema's pattern on the same field.
 */
export function mergeIssues (converted: FieldIssue[], shape: FieldIssue[]): FieldIssue[] {
  const typeFields = shape.filter(i => i.code === 'INVALID_TYPE').map(i => i.field)
  const under = (field: string, parent: string): boolean =>
    field === parent || field.startsWith(`${parent}.`) || field.startsWith(`${parent}[`)
  const kept = converted.filter(i => !typeFields.some(f => under(i.field, f)))
  const keptFields = new Set(kept.map(i => i.field))
  return [...kept, ...shape.filter(i => !keptFields.has(i.field))].slice(0, MAX_ISSUES)
}

function fieldOf (e: ErrorObject): string {
  return e.instancePath.split('/').slice(1).map(seg => /^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`).join('').replace(/^\./, '')
}

function ajvIssue (e: ErrorObject, prefix: string): FieldIssue {
  let path = fieldOf(e)
  if (e.keyword === 'required') path = path === '' ? String(e.params.missingProperty) : `${path}.${String(e.params.missingProperty)}`
  if (e.keyword === 'additionalProperties') path = path === '' ? String(e.params.additionalProperty) : `${path}.${String(e.params.additionalProperty)}`
  const field = prefix + (path === '' ? '(root)' : path)
  const code = e.keyword === 'required' ? 'REQUIRED' : e.keyword === 'additionalProperties' ? 'UNKNOWN_FIELD' : `INVALID_${e.keyword.toUpperCase()}`
  const en = e.keyword === 'required' ? 'is required' : e.keyword === 'additionalProperties' ? 'is not a known field' : (e.message ?? 'is invalid')
  return issue(code, field, `${field} ${VI[e.keyword] ?? 'không hợp lệ'}`, `${field} ${en}`)
}
