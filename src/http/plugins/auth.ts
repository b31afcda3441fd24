/**
 * API-key auth for every route, from the route's own `config.auth`: one onRequest hook works out
 * who is calling (before the rate limiter, which counts by client, or by address for strangers),
 * one preParsing hook refuses, before any body is read, a caller without a valid key (401) or
 * without a role the route allows (403). Handlers read the caller with `callerOf(req)`.
 *
 * Every route states its decision; one that states none stops the app at start-up, so a new
 * route cannot be public by forgetting. Scope (which agencies and systems) is decided per
 * dossier or entry by `may` (src/domain/access.ts), where the thing is known.
 */
import fp from 'fastify-plugin'
import type { FastifyRequest, RouteOptions } from 'fastify'
import { Errors, GatewayError, InputError } from '../../domain/errors.js'
import { may, type Client } from '../../domain/access.js'

/** `viewer`: any admin (an operator reads too); `operator`: admins who act; `sector`: sector clients. */
export type Role = 'sector' | 'viewer' | 'operator'

export interface ApiAuth {
  roles: readonly Role[]
  /** The route parameter naming the system the caller posts for: a sector client of that system only (else FORBIDDEN_SYSTEM). */
  system?: string
}

/**
 * An API-key route (`ApiAuth`), a public one (`false`), or one whose own context authenticates:
 * the portal's signed callbacks, the admin page's session cookie.
 */
export type RouteAuth = false | 'portal-signature' | 'session' | ApiAuth

declare module 'fastify' {
  interface FastifyContextConfig { auth?: RouteAuth }
  interface FastifyRequest {
    /** The caller of an API-key route; null elsewhere. Read it with `callerOf`. */
    client: Client | null
    authError: GatewayError | null
  }
}

export function forbiddenRole (): InputError {
  return new InputError('FORBIDDEN_ROLE', 403, {
    vi: 'Khóa quản trị chỉ xem (viewer) không được thực hiện thao tác này; cần quyền operator',
    en: 'A viewer key may not do this; it needs the operator role'
  })
}

/** The caller of a route with `auth: { roles }`: the hooks refused every request without one. */
export function callerOf (req: FastifyRequest): Client {
  // Only a route that declared no roles gets here without a client: a programming error.
  if (req.client === null) throw Errors.internal()
  return req.client
}

export function isApiAuth (auth: RouteAuth | undefined): auth is ApiAuth {
  return typeof auth === 'object' && auth !== null
}

/** The OpenAPI `security` of an operation, from the same config. */
export function securityOf (auth: RouteAuth | undefined): Array<Record<string, string[]>> | undefined {
  if (isApiAuth(auth)) return [{ apiKey: [] }]
  if (auth === 'portal-signature') return [{ portalSignature: [], portalTimestamp: [] }]
  return auth === false ? [] : undefined
}

function hasRole (c: Client, roles: readonly Role[]): boolean {
  if (c.role === 'sector') return roles.includes('sector')
  return roles.includes('viewer') || (roles.includes('operator') && (c.adminRole ?? 'operator') === 'operator')
}

function refusal (c: Client, auth: ApiAuth, system: string): GatewayError {
  if (auth.system !== undefined) return Errors.forbiddenSystem(system)
  return c.role === 'admin' && auth.roles.includes('operator') ? forbiddenRole() : Errors.forbidden()
}

export default fp(async (app) => {
  app.decorateRequest('client', null)
  app.decorateRequest('authError', null)

  const routes: RouteOptions[] = []
  app.addHook('onRoute', (r) => { routes.push(r) })
  // At ready, not in onRoute: a context may give its routes their decision in an onRoute hook of its own.
  app.addHook('onReady', async () => {
    const undecided = routes.filter(r => r.config?.auth === undefined).map(r => `${String(r.method)} ${r.url}`)
    if (undecided.length > 0) {
      throw new Error(`routes without an auth decision (config.auth: { roles } or false): ${[...new Set(undecided)].join(', ')}`)
    }
  })

  app.addHook('onRequest', async (req) => {
    if (!isApiAuth(req.routeOptions.config.auth)) return
    try {
      req.client = app.authenticate(req)
    } catch (err) {
      // Kept for preParsing: the rate limiter runs in between and counts strangers by address.
      req.authError = err instanceof GatewayError ? err : Errors.unauthenticated()
    }
  })

  app.addHook('preParsing', async (req) => {
    const auth = req.routeOptions.config.auth
    if (!isApiAuth(auth)) return
    const c = req.client
    if (c === null) throw req.authError ?? Errors.unauthenticated()
    const system = auth.system === undefined ? '' : String((req.params as Record<string, unknown>)[auth.system] ?? '')
    if (!hasRole(c, auth.roles)) throw refusal(c, auth, system)
    if (auth.system !== undefined && !may(c, 'act', { system })) throw refusal(c, auth, system)
  })
}, { name: 'auth', dependencies: ['clients'] })
