/**
 * Builds the gateway's Fastify app from a validated config. src/server.ts only listens and
 * shuts down; tests build the app the same way.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import type { Config } from './config.js'
import { runsApi } from './config.js'
import { loggerOptions } from './logger.js'
import configPlugin from './http/plugins/config.js'
import { sharedRateLimitStore } from './http/plugins/rate-limit-store.js'
import { RateLimitStore } from './store/rate-limit-store.js'
import redisPlugin from './http/plugins/redis.js'
import storePlugin from './http/plugins/store.js'
import clientsPlugin from './http/plugins/clients.js'
import authPlugin from './http/plugins/auth.js'
import errorHandler from './http/plugins/error-handler.js'
import httpRefusals, { httpRefusalOptions } from './http/plugins/http-refusals.js'
import intakePlugin from './http/plugins/intake.js'
import deliveryWorkers from './http/plugins/delivery-workers.js'
import webhookWorkers from './http/plugins/webhook-workers.js'
import metricsPlugin from './http/plugins/metrics.js'
import openapiPlugin from './http/plugins/openapi.js'
import routingPlugin from './http/plugins/routing.js'
import noticesPlugin from './http/plugins/notices.js'
import callbacksPlugin from './http/plugins/callbacks.js'
import portalCallbackRoutes from './http/routes/portal-callbacks.js'
import healthRoutes from './http/routes/health.js'
import inboundRoutes from './http/routes/inbound.js'
import dossierRoutes from './http/routes/dossiers.js'
import dossierEventRoutes from './http/routes/dossier-events.js'
import dossierListRoutes from './http/routes/dossier-lists.js'
import { statsRoutes } from './http/routes/stats.js'
import adminRoutes from './http/routes/admin.js'
import adminOnlineRoutes from './http/routes/admin-online.js'
import adminAuditRoutes from './http/routes/admin-audit.js'
import adminReplayRoutes from './http/routes/admin-replay.js'
import adminFailedRoutes from './http/routes/admin-failed.js'
import adminDossierRoutes from './http/routes/admin-dossiers.js'
import adminBulkRoutes from './http/routes/admin-bulk.js'
import noticePublicRoutes from './http/routes/notices-public.js'
import noticeAdminRoutes from './http/routes/notices-admin.js'
import noticeZnsRoutes from './http/routes/notices-zns.js'
import adminWeb from './web/plugin.js'
import queuesBoard, { QUEUES_PATH } from './web/queues.js'

export interface BuildOptions {
  /** Overrides of Fastify's options, e.g. a logger writing to a test stream. */
  fastify?: FastifyServerOptions
}

export async function buildApp (config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config.LOG_LEVEL),
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Sector software on rural links can be slow, but a stalled upload must not hold a socket forever.
    requestTimeout: 60_000,
    connectionTimeout: 60_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { allErrors: true } },
    ...httpRefusalOptions(),
    ...opts.fastify
  })
  await app.register(configPlugin, { config })
  await app.register(errorHandler)
  await app.register(httpRefusals)
  // Before any route (the docs' too): auth checks at start-up that every route made its decision.
  await app.register(clientsPlugin)
  await app.register(authPlugin)
  await app.register(openapiPlugin)
  await app.register(metricsPlugin)
  await app.register(redisPlugin)
  await app.register(storePlugin)
  await app.register(rateLimit, {
    global: false,
    // Counted in Redis, so the limit holds across processes; one round trip per batch of requests.
    store: sharedRateLimitStore(new RateLimitStore(app.redis), `${config.KEY_PREFIX}:ratelimit:`, config.RATE_LIMIT_WINDOW_MS),
    skipOnError: true,
    // Its hook is the route's own, after the auth plugin's global one: req.client is set by then.
    hook: 'onRequest',
    keyGenerator: (req) => req.client?.id ?? req.ip
  })
  await app.register(healthRoutes)
  // Before intake and events: they ask it which notices an agency sends.
  await app.register(noticesPlugin)
  if (runsApi(config)) {
    // Mappings and the admin-unit tables (1.7 MB) serve intake only: a worker process skips them.
    await app.register(intakePlugin)
  }
  await app.register(routingPlugin)
  if (runsApi(config)) {
    await app.register(callbacksPlugin)
    await app.register(inboundRoutes)
    await app.register(portalCallbackRoutes)
    await app.register(dossierRoutes)
    await app.register(dossierEventRoutes)
    await app.register(dossierListRoutes)
    await app.register(statsRoutes)
    await app.register(adminRoutes)
    await app.register(adminOnlineRoutes)
    await app.register(adminAuditRoutes)
    await app.register(adminReplayRoutes)
    await app.register(adminFailedRoutes)
    await app.register(adminDossierRoutes)
    await app.register(adminBulkRoutes)
    await app.register(noticePublicRoutes)
    await app.register(noticeAdminRoutes)
    await app.register(noticeZnsRoutes)
    // The admin page and bull-board: each in its own context (cookies, forms, CSP stay there).
    await app.register(adminWeb, { prefix: '/admin' })
    await app.register(queuesBoard, { prefix: QUEUES_PATH })
  }
  await app.register(deliveryWorkers)
  await app.register(webhookWorkers)
  return app
}
