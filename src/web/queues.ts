/**
 * bull-board under /admin/queues, behind the admin page's sign-in: operators only (a viewer is
 * refused, 403, and sees no link to it). Its UI is React with inline styles, so this mount has
 * its own CSP, still with scripts from this origin only. Its web-font link (an internet host) is
 * taken out of the page. Every change made through it (retry, remove, clean, pause…) is checked
 * to come from this origin and is written to the audit log like the page's own actions.
 */
import type { FastifyInstance } from 'fastify'
import cookie from '@fastify/cookie'
import helmet from '@fastify/helmet'
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { FastifyAdapter } from '@bull-board/fastify'
import { SessionStore } from './session.js'
import { decorateRequests, isOperator, loadRequest, pageData } from './context.js'
import { renderPage } from './plugin.js'
import csrf from '@fastify/csrf-protection'
import { words } from './i18n.js'

export const QUEUES_PATH = '/admin/queues'

function sameOrigin (headers: Record<string, string | string[] | undefined>): boolean {
  const site = headers['sec-fetch-site']
  if (typeof site === 'string') return site === 'same-origin'
  const origin = headers.origin
  const host = headers.host
  if (typeof origin !== 'string' || typeof host !== 'string') return false
  try { return new URL(origin).host === host } catch { return false }
}

export default async function queuesBoard (app: FastifyInstance): Promise<void> {
  const sessions = new SessionStore(app.redis, app.config.KEY_PREFIX)
  app.addHook('onRoute', (r) => { r.schema = { ...r.schema, hide: true }; r.config = { ...r.config, auth: 'session' } })
  await app.register(cookie)
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"]
      }
    },
    hsts: app.config.ADMIN_COOKIE_SECURE
  })
  // For the sign-out form of its refusal pages.
  await app.register(csrf, { sessionPlugin: '@fastify/session' })
  decorateRequests(app)
  app.addHook('onRequest', async (req, reply) => {
    await loadRequest(app, sessions, req, reply)
    const t = words(req.lang)
    if (req.webClient === null) {
      if (req.method === 'GET') return await reply.redirect(`/admin/signin?next=${encodeURIComponent(req.url)}`)
      return await reply.code(401).type('text/html; charset=utf-8').send(await renderPage('error', { ...pageData(req, reply), status: 401, message: t('signInFirst') }))
    }
    if (!isOperator(req.webClient)) return await reply.code(403).type('text/html; charset=utf-8').send(await renderPage('error', { ...pageData(req, reply), status: 403, message: t('forbiddenQueues') }))
    if (req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req.headers)) return await reply.code(403).type('text/plain; charset=utf-8').send(t('csrf'))
  })
  app.addHook('onResponse', async (req, reply) => {
    const c = req.webClient
    if (c === null || req.method === 'GET' || req.method === 'HEAD') return
    const path = req.url.split('?')[0] ?? ''
    await app.store.audit.append({ actor: c.id, role: c.adminRole ?? 'operator', action: 'queues.change', target: path.slice(QUEUES_PATH.length).slice(0, 200), outcome: String(reply.statusCode), detail: req.method })
  })
  // The board's page links a web font on the internet: nothing is fetched from there.
  app.addHook('onSend', async (_req, reply, payload) => {
    if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').includes('text/html')) return payload
    return payload.replace(/<link[^>]+fonts\.googleapis\.com[^>]*>/g, '')
  })

  const adapter = new FastifyAdapter()
  adapter.setBasePath(QUEUES_PATH)
  createBullBoard({
    queues: [new BullMQAdapter(app.queues.delivery), new BullMQAdapter(app.queues.webhooks)],
    // @bull-board/fastify carries its own copy of @bull-board/api (a patch release apart): same shape.
    serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'lienthong', hideDocsLink: true } }
  })
  await app.register(adapter.registerPlugin())
}
