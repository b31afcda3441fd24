/**
 * The routing file (`ROUTING_FILE`, JSON): which sector system handles the dossiers of a
 * procedure, for dossiers the gateway did not receive from a sector system (those submitted on
 * the portal). `{"routes": [{"procedure": "1.001193", "system": "civil-status"},
 * {"procedure": "1.004227*", "system": "land"}]}`.
 *
 * A procedure ending in `*` is a prefix: `1.004227*` covers the national procedure and its local
 * variants (`1.004227.000.00.00.H42`), `1.004*` a whole range. The longest match wins; an exact
 * route beats a prefix of the same length. The file is read once, at start-up.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Type, type Static } from 'typebox'
import { Compile } from 'typebox/compile'

/**
 * A procedure code (the canonical `ProcedureCode`), the same with a trailing `*`, or a shorter
 * prefix of a national code ending in `*` (`1.004*`, `1.*`).
 */
export const ROUTE_PROCEDURE_PATTERN = '^(\\d\\.\\d{6}(\\.[0-9A-Z]{1,5}){0,6}\\*?|\\d(\\.\\d{0,5})?\\*)$'
export const MAX_ROUTES = 10_000

export const RoutingFile = Type.Object({
  routes: Type.Array(Type.Object({
    procedure: Type.String({ pattern: ROUTE_PROCEDURE_PATTERN, maxLength: 51 }),
    system: Type.String({ pattern: '^[a-z0-9-]{1,40}$' })
  }, { additionalProperties: false }), { maxItems: MAX_ROUTES })
}, { additionalProperties: false })
export type RoutingFile = Static<typeof RoutingFile>
export type Route = RoutingFile['routes'][number]

export interface RouteMatch {
  system: string
  /** The route that matched, as written in the file (`1.004227*`). */
  matched: string
}

export class Routing {
  private readonly exact = new Map<string, string>()
  /** Prefix length → prefix (without `*`) → system. */
  private readonly prefixes = new Map<number, Map<string, string>>()
  /** The prefix lengths in use, longest first: at most ~50 map look-ups per call, whatever the routes. */
  private readonly lengths: number[]
  readonly size: number

  /** Routes already checked (see `loadRouting`); a procedure given twice is a programming error. */
  constructor (routes: readonly Route[]) {
    for (const r of routes) {
      const prefix = r.procedure.endsWith('*')
      const key = prefix ? r.procedure.slice(0, -1) : r.procedure
      let map = this.exact
      if (prefix) {
        map = this.prefixes.get(key.length) ?? new Map<string, string>()
        this.prefixes.set(key.length, map)
      }
      if (map.has(key)) throw new RangeError(`procedure ${r.procedure} is routed twice`)
      map.set(key, r.system)
    }
    this.lengths = [...this.prefixes.keys()].sort((a, b) => b - a)
    this.size = routes.length
  }

  static empty (): Routing {
    return new Routing([])
  }

  systemFor (procedureCode: string): RouteMatch | undefined {
    // An exact route is as long as the code itself: no prefix can be longer.
    const system = this.exact.get(procedureCode)
    if (system !== undefined) return { system, matched: procedureCode }
    for (const n of this.lengths) {
      if (n > procedureCode.length) continue
      const key = procedureCode.slice(0, n)
      const s = this.prefixes.get(n)?.get(key)
      if (s !== undefined) return { system: s, matched: `${key}*` }
    }
    return undefined
  }
}

const check = Compile(RoutingFile)

/**
 * Reads and checks the routing file. Throws an Error naming the file, and the entry (index and
 * procedure) when one is at fault: unreadable or not JSON (the content is never quoted), not
 * the schema, a system not among `knownSystems` (when given), a procedure routed twice.
 */
export function loadRouting (path: string, knownSystems?: readonly string[]): Routing {
  let parsed: unknown
  try {
    // A BOM is what some Windows editors put first; JSON.parse would refuse it.
    parsed = JSON.parse(readFileSync(resolve(path), 'utf8').replace(/^\uFEFF/, ''))
  } catch (err) {
    throw new Error(`ROUTING_FILE ${path} cannot be read: ${readError(err)}`)
  }
  if (!check.Check(parsed)) {
    const first = check.Errors(parsed)[0]
    throw new Error(`ROUTING_FILE ${path}: ${where(parsed, first?.instancePath ?? '')} ${schemaMessage(first)}`)
  }
  const known = knownSystems === undefined ? undefined : new Set(knownSystems)
  const seen = new Map<string, number>()
  parsed.routes.forEach((r, i) => {
    const entry = `route ${i} (procedure ${r.procedure})`
    if (known !== undefined && !known.has(r.system)) {
      const list = [...known].sort().join(', ')
      throw new Error(`ROUTING_FILE ${path}: ${entry}: system ${r.system} is not a known system (known: ${list === '' ? 'none' : list})`)
    }
    const before = seen.get(r.procedure)
    if (before !== undefined) throw new Error(`ROUTING_FILE ${path}: ${entry}: the same procedure as route ${before}; route each procedure once`)
    seen.set(r.procedure, i)
  })
  return new Routing(parsed.routes)
}

/** The reason a file cannot be read, without quoting its content. */
function readError (err: unknown): string {
  if (!(err instanceof SyntaxError)) return (err as Error).message
  const at = /position \d+(?: \(line \d+ column \d+\))?/.exec(err.message)
  return `not valid JSON${at === null ? '' : ` (at ${at[0]})`}`
}

/** `/routes/3/system` → `route 3 (procedure 1.004227*) system`. */
function where (parsed: unknown, instancePath: string): string {
  const m = /^\/routes\/(\d+)(?:\/(.*))?$/.exec(instancePath)
  if (m === null) return instancePath === '' ? 'the file' : instancePath.slice(1).replace(/\//g, '.')
  const routes = (parsed as { routes: unknown[] }).routes
  const entry = routes[Number(m[1])] as { procedure?: unknown } | null
  const p = entry !== null && typeof entry === 'object' ? entry.procedure : undefined
  // A procedure is quoted only when it could be one: never a long or multi-line string.
  const procedure = typeof p === 'string' && /^[0-9A-Z.*]{1,51}$/.test(p) ? ` (procedure ${p})` : ''
  return `route ${m[1] ?? ''}${procedure}${m[2] === undefined ? '' : ` ${m[2].replace(/\//g, '.')}`}`
}

function schemaMessage (e: { keyword: string, schemaPath: string, instancePath: string, message: string, params: object } | undefined): string {
  if (e === undefined) return 'is invalid'
  if (e.keyword === 'boolean' && e.schemaPath.endsWith('additionalProperties')) {
    return 'is not a known field: a route has "procedure" and "system", the file "routes"'
  }
  if (e.keyword === 'pattern' && e.instancePath.endsWith('/procedure')) {
    return 'is not a procedure code (1.001193), a code followed by * (1.004227*) or a shorter prefix followed by * (1.004*)'
  }
  if (e.keyword === 'pattern' && e.instancePath.endsWith('/system')) {
    return 'is not a system name (lower-case letters, digits and -, at most 40 characters)'
  }
  if (e.keyword === 'maxItems') return `has more than ${MAX_ROUTES} routes`
  if (e.keyword === 'required') {
    const names = (e.params as { requiredProperties?: unknown }).requiredProperties
    return `lacks ${Array.isArray(names) ? names.map(String).join(', ') : 'a required field'}`
  }
  return e.message
}
