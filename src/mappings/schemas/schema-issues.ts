/**
 * JSON Schemas (TypeBox, or ajv on a TypeBox schema) as validators of what an outside party
 * sends, with answers the sender can act on: one issue per field, a stable code, the field in
 * the sender's own terms and a message in Vietnamese and English that never quotes the value
 * (it may be a citizen ID or a name).
 *
 * Two schema annotations are read here: `x-expected` ({ vi, en }: what a value of that field
 * looks like, said when its format is wrong) and `x-code` (the code of a value that does not
 * fit, instead of INVALID_FORMAT / NOT_ALLOWED): see `expects`.
 *
 * Schemas are compiled by ajv, as intake compiles the canonical schema: TypeBox's own compiler
 * stops at 8 errors (a process-wide setting), and a sender should hear of every problem at once.
 */
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { issue, type FieldIssue, type Message } from '../../domain/errors.js'

/** The part of an error that TypeBox's `Errors` and ajv's `errors` have in common. */
export interface SchemaError {
  keyword: string
  schemaPath: string
  instancePath: string
  params: object
}

/** Names an instance path (`/DuLieu/DinhDanhCHS/0/SoDinhDanh`) in the sender's terms. */
export type FieldNamer = (instancePath: string) => string

// A type literal, not an interface: TypeBox's options take an index signature.
export type Expectation = { 'x-expected': Message, 'x-code'?: string, description: string }

/** Schema options that say what a value looks like (and, optionally, the code when it does not). */
export function expects (vi: string, en: string, code?: string): Expectation {
  return { 'x-expected': { vi, en }, ...(code === undefined ? {} : { 'x-code': code }), description: en }
}

type Json = Record<string, unknown>

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

/**
 * The options of every ajv that checks what may reach the portal: all errors at once, and
 * `unicode: false`, so `maxLength`/`minLength` count UTF-16 code units (`string.length`), as the
 * portal does (portal-protocol.md: a character outside the BMP counts as two), where JSON
 * Schema's default counts code points and would pass 560 CJK Extension B characters as 560.
 */
export const AJV_OPTIONS = { allErrors: true, strict: false, unicode: false, logger: ajvLogger() } as const

/**
 * ajv 8 still honours `unicode: false` but warns on every instance that the option is deprecated;
 * that line would reach stderr at every start and in every CLI output. Only that warning is
 * dropped; every other goes to the console as ajv would send it.
 */
function ajvLogger (): { log: (...a: unknown[]) => void, warn: (...a: unknown[]) => void, error: (...a: unknown[]) => void } {
  return {
    log: (...a) => { console.log(...a) },
    warn: (...a) => { if (!String(a[0]).startsWith('DEPRECATED: option unicode.')) console.warn(...a) },
    error: (...a) => { console.error(...a) }
  }
}

const ajv = new Ajv(AJV_OPTIONS)
addFormats(ajv)

/** A validator of `schema` that reports all its errors; `T` is the type the schema describes. */
export function compileSchema<T> (schema: object): ValidateFunction<T> {
  return ajv.compile<T>(schema)
}

function isRecord (v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** `/DuLieu/TaiLieuNop/0/TenTepDinhKem` → `DuLieu.TaiLieuNop[0].TenTepDinhKem`. */
export function dotted (instancePath: string): string {
  let out = ''
  for (const raw of instancePath.split('/').slice(1)) {
    const s = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    out += /^\d+$/.test(s) ? `[${s}]` : out === '' ? s : `.${s}`
  }
  return out
}

/**
 * A copy of `value` reduced to what `schema` describes, as the schema's check should see it:
 * - fields the schema does not name are left out (forward compatibility: the sender may add
 *   fields; a `__proto__` or `constructor` key is never copied);
 * - `null`, and `""` for an optional field, count as absent (the protocol omits empty fields);
 * - text is NFC; text that is not well-formed Unicode is an issue;
 * - an array longer than its `maxItems` keeps one item more than allowed, enough for the check
 *   to say it is too long without an issue for each of a million items.
 */
export function reduceToSchema (schema: unknown, value: unknown, path: string, issues: FieldIssue[], name: FieldNamer): unknown {
  if (typeof value === 'string') {
    if (!value.isWellFormed()) {
      const f = name(path)
      issues.push(issue('INVALID_TEXT', f, `${f} chứa ký tự Unicode không hợp lệ`, `${f} contains text that is not valid Unicode`))
      return value
    }
    return value.normalize('NFC')
  }
  if (!isRecord(schema)) return value
  if (schema.type === 'object' && isRecord(value) && isRecord(schema.properties)) {
    const required = Array.isArray(schema.required) ? schema.required : []
    const out: Json = {}
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (!Object.hasOwn(value, key)) continue
      const v = value[key]
      if (v === null || (v === '' && !required.includes(key))) continue
      out[key] = reduceToSchema(sub, v, `${path}/${key}`, issues, name)
    }
    return out
  }
  if (schema.type === 'array' && Array.isArray(value)) {
    const max = typeof schema.maxItems === 'number' ? schema.maxItems + 1 : value.length
    return value.slice(0, max).map((v, i) => reduceToSchema(schema.items, v, `${path}/${i}`, issues, name))
  }
  return value
}

/** The schema at `schemaPath`; ajv's paths end with the keyword, so the last schema on the way. */
function resolve (root: unknown, schemaPath: string): Json {
  let at: unknown = root
  let last: Json = isRecord(root) ? root : {}
  for (const s of schemaPath.replace(/^#/, '').split('/').slice(1)) {
    at = isRecord(at) || Array.isArray(at) ? (at as Record<string, unknown>)[s] : undefined
    if (isRecord(at)) last = at
  }
  return last
}

const TYPE_WORDS: Record<string, Message> = {
  string: { vi: 'chuỗi ký tự (string)', en: 'a string' },
  integer: { vi: 'số nguyên', en: 'an integer' },
  number: { vi: 'số', en: 'a number' },
  object: { vi: 'đối tượng JSON', en: 'a JSON object' },
  array: { vi: 'mảng (array)', en: 'an array' },
  boolean: { vi: 'giá trị true/false', en: 'true or false' }
}

function num (params: object, key: string): string {
  const v = (params as Json)[key]
  return typeof v === 'number' || typeof v === 'bigint' ? String(v) : '?'
}

function values (params: object): string {
  const p = params as Json
  const list = Array.isArray(p.allowedValues) ? p.allowedValues : [p.allowedValue]
  return list.map(v => JSON.stringify(v)).join(', ')
}

function one (e: SchemaError, s: Json, f: string): FieldIssue {
  const expected = isRecord(s['x-expected']) ? s['x-expected'] as unknown as Message : undefined
  const code = typeof s['x-code'] === 'string' ? s['x-code'] : undefined
  switch (e.keyword) {
    case 'type': {
      const t = TYPE_WORDS[String((e.params as Json).type)] ?? { vi: 'đúng kiểu', en: 'of the right type' }
      return issue('INVALID_TYPE', f, `${f} phải là ${t.vi}`, `${f} must be ${t.en}`)
    }
    case 'minLength':
      return num(e.params, 'limit') === '1'
        ? issue('REQUIRED', f, `${f} không được để trống`, `${f} must not be empty`)
        : issue('TOO_SHORT', f, `${f} phải có ít nhất ${num(e.params, 'limit')} ký tự`, `${f} must be at least ${num(e.params, 'limit')} characters long`)
    case 'maxLength':
      return issue('TOO_LONG', f, `${f} dài quá ${num(e.params, 'limit')} ký tự`, `${f} is longer than ${num(e.params, 'limit')} characters`)
    case 'maxItems':
      return issue('TOO_MANY', f, `${f} có quá ${num(e.params, 'limit')} phần tử`, `${f} has more than ${num(e.params, 'limit')} items`)
    case 'minimum':
      return issue('OUT_OF_RANGE', f, `${f} phải lớn hơn hoặc bằng ${num(e.params, 'limit')}`, `${f} must be at least ${num(e.params, 'limit')}`)
    case 'maximum':
      return issue('OUT_OF_RANGE', f, `${f} phải nhỏ hơn hoặc bằng ${num(e.params, 'limit')}`, `${f} must be at most ${num(e.params, 'limit')}`)
    case 'enum':
    case 'const':
      return issue(code ?? 'NOT_ALLOWED', f, `${f} phải là một trong các giá trị ${values(e.params)}`, `${f} must be one of ${values(e.params)}`)
    case 'additionalProperties':
      return issue('NOT_ALLOWED', f, `${f} không phải là trường được biết`, `${f} is not a known field`)
    default:
      return expected === undefined
        ? issue(code ?? 'INVALID_FORMAT', f, `${f} không đúng định dạng`, `${f} has an invalid format`)
        : issue(code ?? 'INVALID_FORMAT', f, `${f} không đúng định dạng: cần ${expected.vi}`, `${f} has an invalid format: expected ${expected.en}`)
  }
}

/**
 * The errors of a schema check as issues, at most one per field, in the order found. Of a
 * union (`anyOf`) that failed, the branch of the value's own type speaks (an amount that is a
 * number too large says so, rather than that it is not a string either).
 */
export function schemaIssues (schema: unknown, errors: readonly SchemaError[], name: FieldNamer): FieldIssue[] {
  const unions = errors.filter(e => e.keyword === 'anyOf')
  // TypeBox names the union's schema (`#/properties/n`), ajv the keyword too (`#/properties/n/anyOf`).
  const inUnion = (e: SchemaError): SchemaError | undefined =>
    unions.find(u => e.schemaPath.startsWith(`${u.schemaPath.replace(/\/anyOf$/, '')}/anyOf/`))
  const out: FieldIssue[] = []
  const seen = new Set<string>()
  const add = (i: FieldIssue): void => {
    if (seen.has(i.field)) return
    seen.add(i.field)
    out.push(i)
  }
  for (const e of errors) {
    if (e.keyword === 'required') {
      const p = e.params as Json
      const missing = Array.isArray(p.requiredProperties) ? p.requiredProperties : [p.missingProperty]
      for (const m of missing) {
        const f = name(`${e.instancePath}/${String(m)}`)
        add(issue('REQUIRED', f, `${f} là trường bắt buộc`, `${f} is required`))
      }
      continue
    }
    if (inUnion(e) !== undefined) continue
    const s = resolve(schema, e.schemaPath)
    const f = name(e.instancePath)
    if (e.keyword !== 'anyOf') {
      add(one(e, s, f))
      continue
    }
    const branches = errors.filter(b => inUnion(b) === e)
    const own = branches.find(b => b.keyword !== 'type' && b.keyword !== 'const' && b.keyword !== 'enum')
    if (own !== undefined) {
      add(one(own, { ...resolve(schema, own.schemaPath), ...s }, f))
    } else if (branches.length > 0 && branches.every(b => b.keyword === 'const')) {
      add(one({ ...e, keyword: 'enum', params: { allowedValues: branches.map(b => (b.params as Json).allowedValue) } }, s, f))
    } else {
      const expected = isRecord(s['x-expected']) ? s['x-expected'] as unknown as Message : undefined
      add(expected === undefined
        ? issue('INVALID_TYPE', f, `${f} không đúng kiểu`, `${f} is not of the right type`)
        : issue('INVALID_TYPE', f, `${f} phải là ${expected.vi}`, `${f} must be ${expected.en}`))
    }
  }
  return out
}
