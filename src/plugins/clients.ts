/**
 * API clients. Each key is bound to one sector system (or to the admin role). Keys are stored
 * only as SHA-256 hashes in the clients file, compared in constant time, and never logged.
 * SHA-256 rather than a slow KDF: keys are 32 random bytes, so there is nothing to brute-force,
 * and a KDF would cost milliseconds on every request.
 */
import fp from 'fastify-plugin'
import { createHash, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Type, type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import type { FastifyRequest } from 'fastify'
import { Errors, GatewayError } from '../errors.js'

export const ClientsFile = Type.Object({
  clients: Type.Array(Type.Object({
    id: Type.String({ pattern: '^[a-zA-Z0-9._-]{1,64}$' }),
    /** The sector system this key posts for; absent for admin-only clients. */
    system: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,40}$' })),
    role: Type.Optional(Type.Union([Type.Literal('sector'), Type.Literal('admin')])),
    keySha256: Type.String({ pattern: '^[0-9a-f]{64}$' })
  }, { additionalProperties: false }), { maxItems: 10_000 })
}, { additionalProperties: false })
export type ClientsFile = Static<typeof ClientsFile>

export interface Client { id: string, system: string | undefined, role: 'sector' | 'admin' }

declare module 'fastify' {
  interface FastifyRequest { client: Client | null, authError: GatewayError | null }
  interface FastifyInstance {
    /** onRequest: works out who is calling, keeping any refusal for later, so that the rate
     * limiter (which runs next) counts unauthenticated callers too, by address. */
    identify: (req: FastifyRequest) => void
    /** preParsing: the caller, or the refusal kept by `identify`; no body has been read yet. */
    requireClient: (req: FastifyRequest) => Client
  }
}

export function hashKey (key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest()
}

export function loadClients (path: string): Array<Client & { hash: Buffer }> {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(resolve(path), 'utf8'))
  } catch (err) {
    throw new Error(`CLIENTS_FILE ${path} cannot be read: ${(err as Error).message}`)
  }
  const check = Compile(ClientsFile)
  if (!check.Check(parsed)) {
    const first = [...check.Errors(parsed)][0]
    throw new Error(`CLIENTS_FILE ${path} is invalid at ${first?.instancePath ?? '/'}: ${first?.message ?? ''}`)
  }
  return parsed.clients.map(c => {
    const role = c.role ?? 'sector'
    if (role === 'sector' && c.system === undefined) throw new Error(`CLIENTS_FILE: client ${c.id} has no system`)
    return { id: c.id, system: c.system, role, hash: Buffer.from(c.keySha256, 'hex') }
  })
}

export default fp(async (app) => {
  const clients = loadClients(app.config.CLIENTS_FILE)
  app.log.info({ clients: clients.length }, 'API clients loaded')

  function authenticate (req: FastifyRequest): Client {
    const key = req.headers['x-api-key']
    if (typeof key !== 'string' || key.length < 16 || key.length > 200) throw Errors.unauthenticated()
    const h = hashKey(key)
    // Scan every entry so the time taken does not tell which prefix matched.
    let found: Client | null = null
    for (const c of clients) if (timingSafeEqual(c.hash, h) && found === null) found = { id: c.id, system: c.system, role: c.role }
    if (found === null) throw Errors.unauthenticated()
    req.client = found
    return found
  }

  app.decorateRequest('client', null)
  app.decorateRequest('authError', null)
  app.decorate('identify', (req: FastifyRequest) => {
    try {
      authenticate(req)
    } catch (err) {
      req.authError = err instanceof GatewayError ? err : Errors.unauthenticated()
    }
  })
  app.decorate('requireClient', (req: FastifyRequest) => {
    if (req.client !== null) return req.client
    throw req.authError ?? Errors.unauthenticated()
  })
}, { name: 'clients', dependencies: ['config'] })
