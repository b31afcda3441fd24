/**
 * The admin page, served by the gateway under /admin: server-rendered (eta through
 * @fastify/view), Vietnamese first, every asset from this package. Every action goes through the
 * admin API in process as the signed-in client (./api.ts), so the API's role, scope and audit
 * apply unchanged. Safe by construction: a strict CSP with no inline script, CSRF tokens on every
 * form (secret kept in the Redis session), templates that escape all data.
 */
import { fileURLToPath } from 'node:url'
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import helmet from '@fastify/helmet'
import view from '@fastify/view'
import fastifyStatic from '@fastify/static'
import csrf from '@fastify/csrf-protection'
import { Eta } from 'eta'
import { GatewayError } from '../domain/errors.js'
import { isRedisUnavailable } from '../adapters/redis-errors.js'
import { SessionStore } from './session.js'
import { SignInRequired, decorateRequests, loadRequest, pageData } from './context.js'
import { registerSectorWords, registerSystemTitles, words } from './i18n.js'
import signInRoutes from './routes/sign-in.js'
import overviewRoutes from './routes/overview.js'
import failedRoutes from './routes/failed.js'
import dossierListRoutes from './routes/dossiers.js'
import dossierRoutes from './routes/dossier.js'
import editRoutes from './routes/edit.js'
import reviewRoutes from './routes/review.js'
import bulkRoutes from './routes/bulk.js'
import auditRoutes from './routes/audit.js'
import noticeRoutes from './routes/notices.js'

export const VIEWS_DIR = fileURLToPath(new URL('./views/', import.meta.url))
export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url))

/** Strict: scripts and styles from this origin only, no inline script, no framing, forms post here only. */
export const PAGE_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"]
}

const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, autoTrim: false, cache: false })

/** Templates and CSRF tokens for the page. */
async function registerViews (app: FastifyInstance): Promise<void> {
  await app.register(view, { engine: { eta }, root: VIEWS_DIR, production: false })
  await app.register(csrf, { sessionPlugin: '@fastify/session' })
}

/** A page rendered outside @fastify/view: bull-board's mount has its own (EJS) view decorator. */
export async function renderPage (name: string, data: Record<string, unknown>): Promise<string> {
  return await eta.renderAsync(name, data)
}

/** The sign-in form, saying the session ended, then back to the page the form was posted from. */
function expiredSignIn (req: FastifyRequest): string {
  const posted = (req.body as { next?: unknown } | undefined)?.next
  let next = typeof posted === 'string' ? posted : ''
  if (next === '') {
    try {
      const ref = new URL(String(req.headers.referer ?? ''))
      if (ref.host === req.headers.host) next = ref.pathname + ref.search
    } catch {}
  }
  const q = new URLSearchParams({ expired: '1' })
  if (next.startsWith('/admin') && !next.startsWith('/admin/signin')) q.set('next', next)
  return `/admin/signin?${q.toString()}`
}

export default async function adminWeb (app: FastifyInstance): Promise<void> {
  registerSystemTitles(app.registry.titles())
  registerSectorWords(app.registry.words())
  const sessions = new SessionStore(app.redis, app.config.KEY_PREFIX)
  // Every page is the admin page's own: its session cookie (below) signs in, not an API key.
  app.addHook('onRoute', (r) => { r.config = { ...r.config, auth: r.config?.auth ?? 'session' } })
  // Pages, not API: kept out of the OpenAPI document.
  app.addHook('onRoute', (r) => { r.schema = { ...r.schema, hide: true } })
  await app.register(cookie)
  await app.register(formbody, { bodyLimit: 262_144 })
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: PAGE_CSP },
    hsts: app.config.ADMIN_COOKIE_SECURE,
    referrerPolicy: { policy: 'same-origin' }
  })
  await registerViews(app)
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/static/', decorateReply: false, index: false, maxAge: 3_600_000 })
  decorateRequests(app)
  app.addHook('onRequest', async (req, reply) => {
    await loadRequest(app, sessions, req, reply)
    reply.header('cache-control', 'no-store')
  })

  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    const t = words(req.lang)
    if (err instanceof SignInRequired) {
      if (req.method === 'GET') return await reply.redirect(`/admin/signin?next=${encodeURIComponent(req.url)}`)
      return await reply.redirect(expiredSignIn(req), 303)
    }
    // A form posted after its session ended (the sign-in form's own, or a signed-in one): sign in again.
    if (err.code === 'FST_CSRF_MISSING_SECRET' || (err.code === 'FST_CSRF_INVALID_TOKEN' && req.webClient === null)) {
      req.log.info({ code: err.code }, 'admin page form posted after its session ended')
      return await reply.redirect(expiredSignIn(req), 303)
    }
    if (err.code === 'FST_CSRF_INVALID_TOKEN') {
      req.log.info({ code: err.code }, 'admin page form refused: CSRF')
      return await reply.code(403).view('error', { ...pageData(req, reply), status: 403, message: t('csrf') })
    }
    if (err.statusCode === 429) return await reply.code(429).view('error', { ...pageData(req, reply), status: 429, message: t('tooMany') })
    if (err instanceof GatewayError && err.statusCode < 500) {
      return await reply.code(err.statusCode).view('error', { ...pageData(req, reply), status: err.statusCode, message: err.toJSON().message[req.lang] })
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return await reply.code(err.statusCode).view('error', { ...pageData(req, reply), status: err.statusCode, message: t('error') })
    }
    if (isRedisUnavailable(err)) {
      req.log.warn({ err }, 'admin page refused: Redis unavailable')
      return await reply.code(503).header('retry-after', 5).view('error', { ...pageData(req, reply), status: 503, message: t('unavailable') })
    }
    req.log.error({ err }, 'admin page failed')
    return await reply.code(500).view('error', { ...pageData(req, reply), status: 500, message: t('error') })
  })
  app.setNotFoundHandler(async (req, reply) => {
    return await reply.code(404).view('error', { ...pageData(req, reply), status: 404, message: words(req.lang)('notFound') })
  })

  const opts = { sessions }
  await app.register(signInRoutes, opts)
  await app.register(overviewRoutes)
  await app.register(failedRoutes)
  await app.register(dossierListRoutes)
  await app.register(dossierRoutes)
  await app.register(editRoutes)
  await app.register(reviewRoutes)
  await app.register(bulkRoutes)
  await app.register(auditRoutes)
  await app.register(noticeRoutes)
}
