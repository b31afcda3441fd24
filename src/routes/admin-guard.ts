/**
 * The admin routes' access rule, one place: who is calling (before the rate limit), then, before
 * the body is read, that it is an admin of the level the route asks for. Scope (agencies,
 * systems) is checked where the dossier is known (`adminFind`, list filters).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Errors, InputError } from '../errors.js'
import { rateLimitOf } from '../schemas/http.js'
import { inScope, type Client } from '../plugins/clients.js'
import type { StoredDossier } from '../store/dossier-store.js'

export type AdminLevel = 'viewer' | 'operator'

export function forbiddenRole (): InputError {
  return new InputError('FORBIDDEN_ROLE', 403, {
    vi: 'Khóa quản trị chỉ xem (viewer) không được thực hiện thao tác này; cần quyền operator',
    en: 'A viewer key may not do this; it needs the operator role'
  })
}

export function adminGuard (app: FastifyInstance, level: AdminLevel): { onRequest: (req: FastifyRequest) => Promise<void>, preParsing: (req: FastifyRequest) => Promise<void>, config: { rateLimit: ReturnType<typeof rateLimitOf> } } {
  return {
    onRequest: async (req) => { app.identify(req) },
    preParsing: async (req) => {
      const c = app.requireClient(req)
      if (c.role !== 'admin') throw Errors.forbidden()
      if (level === 'operator' && c.adminRole !== 'operator') throw forbiddenRole()
    },
    config: { rateLimit: rateLimitOf(app) }
  }
}

/** The system a dossier belongs to for scoping: an online dossier's routed system, else its own. */
export function scopeSystem (d: StoredDossier): string {
  return d.routing?.system ?? d.system
}

/** The dossier, if it exists and is in the admin's scope; outside it, as absent (404). */
export async function adminFind (app: FastifyInstance, client: Client, maHoSo: string): Promise<StoredDossier> {
  const where = await app.store.locate(maHoSo)
  const d = where === undefined ? undefined : await app.store.load(where.agency, where.ref)
  if (d === undefined || !inScope(client, d.agency, scopeSystem(d))) throw Errors.notFound(`hồ sơ ${maHoSo}`, 'maHoSo')
  return d
}
