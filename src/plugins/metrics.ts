/**
 * Prometheus metrics (prom-client), one registry per app so tests can build several. Counters
 * are per process, as Prometheus expects: it sums them over the fleet.
 */
import fp from 'fastify-plugin'
import { Counter, Registry, collectDefaultMetrics } from 'prom-client'

export interface Metrics {
  registry: Registry
  /** Callbacks refused before they could take effect: unsigned, forged or stale. */
  callbacksRefused: Counter<'reason'>
  /** Callbacks taken in, by type and what they did. */
  callbacks: Counter<'type' | 'result'>
  /** Webhook delivery attempts, by event type and outcome. */
  webhookAttempts: Counter<'type' | 'outcome'>
}

declare module 'fastify' {
  interface FastifyInstance { metrics: Metrics }
}

export default fp(async (app) => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'lienthong_' })
  const metrics: Metrics = {
    registry,
    callbacksRefused: new Counter({ name: 'lienthong_portal_callbacks_refused_total', help: 'Portal callbacks refused: unsigned, bad signature, stale timestamp', labelNames: ['reason'], registers: [registry] }),
    callbacks: new Counter({ name: 'lienthong_portal_callbacks_total', help: 'Portal callbacks taken in, by type and result', labelNames: ['type', 'result'], registers: [registry] }),
    webhookAttempts: new Counter({ name: 'lienthong_webhook_attempts_total', help: 'Webhook delivery attempts, by event type and outcome', labelNames: ['type', 'outcome'], registers: [registry] })
  }
  app.decorate('metrics', metrics)
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (_req, reply) => {
    return await reply.type(registry.contentType).send(await registry.metrics())
  })
}, { name: 'metrics' })
