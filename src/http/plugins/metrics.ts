/**
 * Prometheus metrics (prom-client), one registry per app so tests can build several. Counters
 * and histograms are per process, as Prometheus expects: it sums them over the fleet. Gauges of
 * shared state (outboxes, queues, the breaker) are read from Redis when scraped, so every process
 * reports the same fleet-wide value: aggregate them with `max`, not `sum`. Label values come from
 * bounded sets (systems, clients, stable codes), never from a dossier code.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { portalCodeLabel, type Metrics } from '../../adapters/metrics.js'

export type { Metrics }
export { portalCodeLabel }

/** What the scrape-time gauges read; set once the resources exist. */
export interface SharedState {
  /** Every agency, read at most once per METRICS_CACHE_MS for every gauge that needs them. */
  agencies: () => Promise<string[]>
  outboxes: () => Promise<{ depth: number, oldestAgeSeconds: number }>
  queues: () => Promise<Array<{ queue: string, state: string, count: number }>>
  breaker: () => Promise<string>
}

declare module 'fastify' {
  interface FastifyInstance { metrics: Metrics, metricsState: { shared?: SharedState } }
}

const BREAKER = { closed: 0, 'half-open': 1, open: 2 } as Record<string, number>

/**
 * `fn`'s result, read at most once per `ttlMs` in this process; callers in between share it (and
 * share a read in flight). A failed read is not kept. What scrapes and probes read from Redis
 * across every agency goes through this, so scraping more often does not cost Redis more.
 */
export function cachedFor<T> (ttlMs: number, fn: () => Promise<T>): () => Promise<T> {
  let value: { at: number, p: Promise<T> } | undefined
  return async () => {
    if (value !== undefined && Date.now() - value.at < ttlMs) return await value.p
    const p = fn()
    const entry = { at: Date.now(), p }
    value = entry
    p.catch(() => { if (value === entry) value = undefined })
    return await p
  }
}

/**
 * METRICS_TOKEN: when set, `/metrics` and the details of `/health/ready` need
 * `Authorization: Bearer <token>` (compared in constant time); unset, anyone who reaches the port.
 */
export function metricsAuthorized (req: FastifyRequest, token: string | undefined): boolean {
  if (token === undefined) return true
  const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? ''
  const digest = (v: string): Buffer => createHash('sha256').update(v).digest()
  return timingSafeEqual(digest(given), digest(token))
}

async function refuse (reply: FastifyReply): Promise<FastifyReply> {
  return await reply.code(401).header('www-authenticate', 'Bearer').send({
    code: 'METRICS_TOKEN_REQUIRED',
    message: { vi: 'Cần mã truy cập số liệu (Authorization: Bearer)', en: 'A metrics token is required (Authorization: Bearer)' }
  })
}

export default fp(async (app) => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'lienthong_' })
  const state: { shared?: SharedState } = {}
  const registers = [registry]
  const metrics: Metrics = {
    registry,
    intake: new Counter({ name: 'lienthong_intake_total', help: 'Dossiers taken in, by system and outcome', labelNames: ['system', 'outcome'], registers }),
    intakeRefused: new Counter({ name: 'lienthong_intake_refused_total', help: 'Intake requests refused, by system and HTTP status', labelNames: ['system', 'status'], registers }),
    deliveryLatency: new Histogram({
      name: 'lienthong_delivery_latency_seconds',
      help: 'From the intake that changed a dossier to the portal acknowledging all of it',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400],
      registers
    }),
    deliveryFailed: new Counter({ name: 'lienthong_delivery_failed_total', help: 'Dossiers marked failed, by reason code', labelNames: ['reason'], registers }),
    portalReplies: new Counter({ name: 'lienthong_portal_replies_total', help: 'Portal replies by operation and error_code (or HTTP status, or network)', labelNames: ['operation', 'code'], registers }),
    callbacksRefused: new Counter({ name: 'lienthong_portal_callbacks_refused_total', help: 'Portal callbacks refused: unsigned, bad signature, stale timestamp', labelNames: ['reason'], registers }),
    callbacks: new Counter({ name: 'lienthong_portal_callbacks_total', help: 'Portal callbacks taken in, by type and result', labelNames: ['type', 'result'], registers }),
    webhookAttempts: new Counter({ name: 'lienthong_webhook_attempts_total', help: 'Webhook delivery attempts, by event type, client and outcome', labelNames: ['type', 'client', 'outcome'], registers })
  }
  const ttl = app.config.METRICS_CACHE_MS
  const cached = {
    // Cached where it is built (store.ts): every gauge that needs the agencies shares one read.
    agencies: async () => await (state.shared as SharedState).agencies(),
    outboxes: cachedFor(ttl, async () => await (state.shared as SharedState).outboxes()),
    queues: cachedFor(ttl, async () => await (state.shared as SharedState).queues()),
    breaker: cachedFor(ttl, async () => await (state.shared as SharedState).breaker())
  }
  const read = async <T>(f: ((s: SharedState) => Promise<T>)): Promise<T | undefined> => {
    // A scrape while Redis is away reports the other series; these are left out.
    try { return state.shared === undefined ? undefined : await f(cached) } catch { return undefined }
  }
  /* eslint-disable no-new -- the gauges register themselves and read at scrape time */
  new Gauge({
    name: 'lienthong_outbox_depth',
    help: 'Dossiers waiting in the outboxes of every agency (fleet-wide: aggregate with max)',
    registers,
    async collect () { const o = await read(async s => await s.outboxes()); if (o !== undefined) this.set(o.depth) }
  })
  new Gauge({
    name: 'lienthong_outbox_oldest_age_seconds',
    help: 'Age of the oldest outbox entry of any agency (fleet-wide)',
    registers,
    async collect () { const o = await read(async s => await s.outboxes()); if (o !== undefined) this.set(o.oldestAgeSeconds) }
  })
  new Gauge({
    name: 'lienthong_queue_jobs',
    help: 'BullMQ jobs by queue and state (fleet-wide)',
    labelNames: ['queue', 'state'],
    registers,
    async collect () {
      const q = await read(async s => await s.queues())
      if (q === undefined) return
      this.reset()
      for (const x of q) this.set({ queue: x.queue, state: x.state }, x.count)
    }
  })
  new Gauge({
    name: 'lienthong_portal_breaker_state',
    help: 'The fleet-wide circuit breaker: 0 closed, 1 half-open, 2 open',
    registers,
    async collect () { const b = await read(async s => await s.breaker()); if (b !== undefined) this.set(BREAKER[b] ?? 2) }
  })
  /* eslint-enable no-new */
  app.decorate('metrics', metrics)
  app.decorate('metricsState', state)
  app.get('/metrics', { schema: { hide: true }, config: { auth: false, rateLimit: false } }, async (req, reply) => {
    if (!metricsAuthorized(req, app.config.METRICS_TOKEN)) return await refuse(reply)
    return await reply.type(registry.contentType).send(await registry.metrics())
  })
}, { name: 'metrics', dependencies: ['config'] })
