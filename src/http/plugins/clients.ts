/**
 * API clients. Each key is bound to one sector system and to the agencies it acts for (or to the
 * admin role). Keys are stored only as SHA-256 hashes in the clients file, compared in constant
 * time, and never logged. SHA-256 rather than a slow KDF: keys are 32 random bytes, so there is
 * nothing to brute-force, and a KDF would cost milliseconds on every request.
 *
 * The file is read at start-up and again by `app.reloadClients()` (SIGHUP, src/server.ts): a
 * request keeps the client it was identified as, so a reload never changes one in flight.
 * Which routes need which role is their `auth` config, enforced by src/http/plugins/auth.ts.
 */
import fp from 'fastify-plugin'
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Type, type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import type { FastifyRequest } from 'fastify'
import { Errors } from '../../domain/errors.js'
import type { Client } from '../../domain/access.js'
import { ClientsFileError, type ClientsFileProblem } from '../clients-file-error.js'

/**
 * An exact agency code (the canonical `AgencyCode`: `000.00.12.H42`) or `*.H42`: every agency
 * whose code ends with that segment. The last segment of an agency code names the province (or
 * ministry) it belongs to, so `*.H42` is "every agency of Hà Tĩnh".
 */
export const AgencyPattern = Type.String({
  pattern: '^(\\*\\.[0-9A-Z]{1,5}|[0-9A-Z]{1,5}(\\.[0-9A-Z]{1,5}){1,6})$',
  maxLength: 30,
  description: 'agency code (000.00.12.H42) or *.<province> (*.H42)'
})

export const ClientsFile = Type.Object({
  clients: Type.Array(Type.Object({
    id: Type.String({ pattern: '^[a-zA-Z0-9._-]{1,64}$' }),
    /** The sector system this key posts for; absent for admin-only clients. */
    system: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,40}$' })),
    /**
     * `sector` (default) posts for one system; `viewer` reads everything admins read; `operator`
     * also replays, edits, discards, routes and settles. `admin` is the older name of `operator`.
     */
    role: Type.Optional(Type.Union([Type.Literal('sector'), Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin')])),
    /**
     * Sector clients (required, not empty): the agencies whose dossiers this key creates, changes
     * and reads. Admins (optional): the agencies they see and act on; absent, every agency.
     */
    agencies: Type.Optional(Type.Array(AgencyPattern, { maxItems: 5000 })),
    /** Admins (optional): the systems whose dossiers they see and act on; absent, every system. */
    systems: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9-]{1,40}$' }), { minItems: 1, maxItems: 100 })),
    keySha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    /** Sector clients: where the gateway delivers this system's events (docs/webhooks.md). */
    webhook: Type.Optional(Type.Object({
      url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 }),
      secret: Type.String({ pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$', maxLength: 200 })
    }, { additionalProperties: false }))
  }, { additionalProperties: false }), { maxItems: 10_000 })
}, { additionalProperties: false })
export type ClientsFile = Static<typeof ClientsFile>

export type { Client } from '../../domain/access.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Who is calling (the API key, or the admin page's in-process token), or the refusal. Used by src/http/plugins/auth.ts only. */
    authenticate: (req: FastifyRequest) => Client
    /** Reads the clients file again; an invalid file is refused (logged) and the clients in force stay. */
    reloadClients: () => boolean
    /** The clients in force now (a reload replaces the list; it is never changed in place). */
    clients: () => readonly Client[]
    /** The client a key belongs to, and the key's SHA-256 (hex), or undefined (the admin page's sign-in). */
    clientOfKey: (key: string) => { client: Client, keySha256: string } | undefined
    /** The client now in force with this id and key hash: a session ends when its key is revoked or replaced. */
    clientOfSession: (id: string, keySha256: string) => Client | undefined
    /**
     * Runs `fn` with a one-time header that identifies `client` to the routes of this process, for
     * the admin page's calls to the API through `app.inject`: the page acts exactly as the API
     * does for that key (role, scope, audit), without keeping the key. The token is 32 random
     * bytes, valid only while `fn` runs and only inside this process.
     */
    asClient: <T>(client: Client, fn: (headers: Record<string, string>) => Promise<T>) => Promise<T>
  }
}

/** The header of the admin page's in-process calls (`asClient`); never valid from outside. */
export const INTERNAL_HEADER = 'x-lienthong-internal'

export function hashKey (key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest()
}

type LoadedClient = Client & { hash: Buffer }

const check = Compile(ClientsFile)

export function loadClients (path: string): LoadedClient[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(resolve(path), 'utf8'))
  } catch (err) {
    const code = (err as { code?: unknown }).code
    throw new ClientsFileError(`CLIENTS_FILE ${path} cannot be read: ${readError(err)}`,
      err instanceof SyntaxError ? 'notJson' : 'cannotRead', { file: path, why: typeof code === 'string' ? code : (err as Error).message })
  }
  if (!check.Check(parsed)) {
    const first = [...check.Errors(parsed)][0]
    const at = where(parsed, first?.instancePath ?? '')
    throw new ClientsFileError(`CLIENTS_FILE ${path}: ${at} ${schemaMessage(first)}`, schemaProblem(first),
      { file: path, at: at === 'the file' ? '/' : at.replace(/^client /, ''), rule: first?.keyword ?? '' })
  }
  const ids = new Set<string>()
  const hashes = new Set<string>()
  return parsed.clients.map(c => {
    const declared = c.role ?? 'sector'
    const role = declared === 'sector' ? 'sector' : 'admin'
    const fail = (problem: ClientsFileProblem, why: string, params: Record<string, number> = {}): never => {
      throw new ClientsFileError(`CLIENTS_FILE ${path}: client ${c.id} ${why}`, problem, { file: path, id: c.id, ...params })
    }
    if (ids.has(c.id)) fail('duplicateId', 'appears twice: client ids must be unique')
    if (hashes.has(c.keySha256)) fail('duplicateKey', 'has the same key as another client: give each client its own key')
    ids.add(c.id)
    hashes.add(c.keySha256)
    if (role === 'sector') {
      if (c.system === undefined) fail('noSystem', 'has no system')
      if (c.agencies === undefined || c.agencies.length === 0) {
        fail('noAgencies', 'has no agencies: list the agencies it acts for, e.g. "agencies": ["000.00.12.H42"] or ["*.H42"] for a whole province')
      }
      if (c.systems !== undefined) fail('systemsForSector', 'is a sector client: "systems" applies to admins only (a sector client has one "system")')
    } else if (c.webhook !== undefined || c.system !== undefined) {
      fail(c.webhook !== undefined ? 'adminWebhook' : 'adminSystem', `is an admin: "${c.webhook !== undefined ? 'webhook' : 'system'}" applies to sector clients only (an admin may be limited with "agencies" and "systems")`)
    }
    if (c.webhook !== undefined) {
      const bytes = Buffer.from(c.webhook.secret.slice('whsec_'.length), 'base64').length
      if (bytes < 24 || bytes > 64) fail('badSecret', `webhook.secret must be "whsec_" and the base64 of 24 to 64 random bytes (it holds ${bytes})`, { bytes })
    }
    const client: LoadedClient = { id: c.id, system: c.system, role, agencies: Object.freeze([...c.agencies ?? []]), hash: Buffer.from(c.keySha256, 'hex') }
    if (role === 'admin') client.adminRole = declared === 'viewer' ? 'viewer' : 'operator'
    if (c.systems !== undefined) client.systems = Object.freeze([...c.systems])
    if (c.webhook !== undefined) client.webhook = Object.freeze({ url: c.webhook.url, secret: c.webhook.secret })
    return client
  })
}

function publicView (c: LoadedClient): Client {
  const v: Client = { id: c.id, system: c.system, role: c.role, agencies: c.agencies }
  if (c.webhook !== undefined) v.webhook = c.webhook
  if (c.adminRole !== undefined) v.adminRole = c.adminRole
  if (c.systems !== undefined) v.systems = c.systems
  return v
}

/** The reason a file cannot be read, without quoting its content. */
function readError (err: unknown): string {
  if (!(err instanceof SyntaxError)) return (err as Error).message
  const at = /position \d+(?: \(line \d+ column \d+\))?/.exec(err.message)
  return `not valid JSON${at === null ? '' : ` (at ${at[0]})`}`
}

/** `/clients/3/agencies/0` → `client hotich-hatinh (clients[3]) agencies[0]`: operators look clients up by id. */
function where (parsed: unknown, instancePath: string): string {
  const m = /^\/clients\/(\d+)(.*)$/.exec(instancePath)
  if (m === null) return instancePath === '' ? 'the file' : instancePath
  const entry = (parsed as { clients: unknown[] }).clients[Number(m[1])] as { id?: unknown } | null
  const id = entry !== null && typeof entry === 'object' && typeof entry.id === 'string' ? `client ${entry.id} ` : ''
  const rest = (m[2] ?? '').split('/').slice(1).map(s => /^\d+$/.test(s) ? `[${s}]` : `.${s}`).join('')
  return `${id}(clients[${m[1] ?? ''}])${rest === '' ? '' : ` ${rest.replace(/^\./, '')}`}`
}

function schemaProblem (e: { keyword: string, schemaPath: string, instancePath: string } | undefined): ClientsFileProblem {
  if (e?.keyword === 'boolean' && e.schemaPath.endsWith('additionalProperties')) return 'unknownField'
  if (e?.keyword === 'pattern' && /\/agencies\/\d+$/.test(e.instancePath)) return 'badAgency'
  return 'invalid'
}

function schemaMessage (e: { keyword: string, schemaPath: string, instancePath: string, message: string } | undefined): string {
  if (e === undefined) return 'is invalid'
  if (e.keyword === 'boolean' && e.schemaPath.endsWith('additionalProperties')) return 'is not a known field'
  if (e.keyword === 'pattern' && /\/agencies\/\d+$/.test(e.instancePath)) {
    return 'is neither an agency code (000.00.12.H42) nor a province pattern (*.H42)'
  }
  return e.message
}

export default fp(async (app) => {
  const file = app.config.CLIENTS_FILE
  // Replaced whole by a reload, never changed in place: a scan in progress keeps its array.
  let clients = loadClients(file)
  let views: readonly Client[] = clients.map(publicView)
  app.decorate('clients', () => views)
  app.log.info({ clients: clients.length }, 'API clients loaded')

  const internal = new Map<string, Client>()

  function authenticate (req: FastifyRequest): Client {
    const token = req.headers[INTERNAL_HEADER]
    if (token !== undefined) {
      const c = typeof token === 'string' ? internal.get(token) : undefined
      if (c === undefined) throw Errors.unauthenticated()
      return c
    }
    const key = req.headers['x-api-key']
    if (typeof key !== 'string' || key.length < 16 || key.length > 200) throw Errors.unauthenticated()
    const h = hashKey(key)
    // Scan every entry so the time taken does not tell which prefix matched.
    let found: Client | null = null
    for (const c of clients) {
      if (timingSafeEqual(c.hash, h) && found === null) found = publicView(c)
    }
    if (found === null) throw Errors.unauthenticated()
    return found
  }

  function match (key: string): LoadedClient | undefined {
    const h = hashKey(key)
    let found: LoadedClient | undefined
    for (const c of clients) {
      if (timingSafeEqual(c.hash, h) && found === undefined) found = c
    }
    return found
  }

  app.decorate('clientOfKey', (key: string) => {
    if (key.length < 16 || key.length > 200) return undefined
    const c = match(key)
    return c === undefined ? undefined : { client: publicView(c), keySha256: c.hash.toString('hex') }
  })
  app.decorate('clientOfSession', (id: string, keySha256: string) => {
    const c = clients.find(x => x.id === id)
    return c !== undefined && c.hash.toString('hex') === keySha256 ? publicView(c) : undefined
  })
  app.decorate('asClient', async <T>(client: Client, fn: (headers: Record<string, string>) => Promise<T>): Promise<T> => {
    const token = randomBytes(32).toString('base64url')
    internal.set(token, client)
    try {
      return await fn({ [INTERNAL_HEADER]: token })
    } finally {
      internal.delete(token)
    }
  })

  app.decorate('authenticate', authenticate)
  app.decorate('reloadClients', () => {
    let next: LoadedClient[]
    try {
      next = loadClients(file)
    } catch (err) {
      app.log.error({ reason: (err as Error).message, clients: clients.length }, 'clients file refused: the clients loaded before stay in force')
      return false
    }
    const before = new Map(clients.map(c => [c.id, c]))
    const after = new Set(next.map(c => c.id))
    const added = next.filter(c => !before.has(c.id)).map(c => c.id)
    const removed = [...before.keys()].filter(id => !after.has(id))
    const changed = next.filter(c => {
      const old = before.get(c.id)
      return old !== undefined && (!old.hash.equals(c.hash) || old.system !== c.system || old.role !== c.role || old.adminRole !== c.adminRole ||
        old.systems?.join() !== c.systems?.join() ||
        old.agencies.join() !== c.agencies.join() || old.webhook?.url !== c.webhook?.url || old.webhook?.secret !== c.webhook?.secret)
    }).map(c => c.id)
    clients = next
    views = next.map(publicView)
    // Ids only (a long list is cut): keys and their hashes never reach the log.
    app.log.info({ clients: next.length, added: added.slice(0, 100), removed: removed.slice(0, 100), changed: changed.slice(0, 100), counts: { added: added.length, removed: removed.length, changed: changed.length } }, 'API clients reloaded')
    return true
  })
}, { name: 'clients', dependencies: ['config'] })
