/**
 * Sign-in with an admin key, once; sign-out. The sign-in form has its own short session (its
 * CSRF secret); signing in replaces it with a new session id (no fixation). Attempts are
 * limited per address, counted in Redis like every other rate limit.
 */
import type { FastifyInstance } from 'fastify'
import { ANONYMOUS_TTL_S, SESSION_COOKIE, type SessionStore } from '../session.js'
import { cookieOptions, pageData } from '../context.js'
import { words } from '../i18n.js'

/** Only a path of this page: never a redirect elsewhere. */
function safeNext (next: unknown): string {
  return typeof next === 'string' && /^\/admin(\/[^/\\]|$|\?)/.test(next) && !next.startsWith('/admin/signin') ? next : '/admin'
}

export default async function signInRoutes (app: FastifyInstance, opts: { sessions: SessionStore }): Promise<void> {
  const { sessions } = opts
  const ttl = app.config.ADMIN_SESSION_TTL_S
  const limit = { rateLimit: { max: app.config.ADMIN_SIGNIN_RATE_LIMIT_MAX, timeWindow: 60_000, keyGenerator: (req: { ip: string }) => `admin-signin:${req.ip}` } }

  app.get('/signin', { config: limit }, async (req, reply) => {
    if (req.webClient !== null) return await reply.redirect('/admin')
    if (req.webSession === null) {
      const s = await sessions.create(ANONYMOUS_TTL_S)
      req.webSession = s
      req.session = { _csrf: s.csrf }
      reply.setCookie(SESSION_COOKIE, s.id, cookieOptions(app, ANONYMOUS_TTL_S))
    }
    const next = safeNext((req.query as { next?: string }).next)
    const expired = (req.query as { expired?: string }).expired === '1'
    return await reply.view('sign-in', { ...pageData(req, reply), next, expired, hours: Math.round(ttl / 360) / 10 })
  })

  app.post('/signin', { config: limit, preHandler: app.csrfProtection }, async (req, reply) => {
    const t = words(req.lang)
    const body = req.body as { key?: unknown, next?: unknown }
    const key = typeof body.key === 'string' ? body.key.trim() : ''
    const found = app.clientOfKey(key)
    const next = safeNext(body.next)
    if (found === undefined || found.client.role !== 'admin') {
      req.log.info({ reason: found === undefined ? 'unknown key' : 'not an admin' }, 'admin page sign-in refused')
      return await reply.code(401).view('sign-in', { ...pageData(req, reply), next, hours: Math.round(ttl / 360) / 10, error: found === undefined ? t('badKey') : t('notAdmin') })
    }
    if (req.webSession !== null) await sessions.destroy(req.webSession.id)
    const s = await sessions.create(ttl, { clientId: found.client.id, keySha256: found.keySha256 })
    req.log.info({ client: found.client.id }, 'admin page sign-in')
    await app.store.audit.append({ actor: found.client.id, role: found.client.adminRole ?? 'operator', action: 'web.signin', outcome: 'ok' })
    reply.setCookie(SESSION_COOKIE, s.id, cookieOptions(app, ttl))
    return await reply.redirect(next, 303)
  })

  app.post('/signout', { preHandler: app.csrfProtection }, async (req, reply) => {
    if (req.webSession !== null) await sessions.destroy(req.webSession.id)
    reply.clearCookie(SESSION_COOKIE, { path: '/admin' })
    return await reply.redirect('/admin/signin', 303)
  })
}
