/** Liveness (the process answers) and readiness (Redis answers: the gateway can accept work). */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { memoryPolicyWarnings, readMemoryPolicy, readRole } from '../plugins/redis.js'
import { cachedFor, metricsAuthorized } from '../plugins/metrics.js'

const Ready = Type.Object({
  status: Type.String(),
  role: Type.String(),
  redis: Type.String(),
  portalCircuit: Type.Optional(Type.String()),
  /** `unknown` when CONFIG is disabled or renamed. */
  redisMemoryPolicy: Type.Optional(Type.String()),
  /** Sector systems whose webhook receiver keeps failing: their events wait (docs/webhooks.md). */
  webhookReceiversFailing: Type.Optional(Type.Array(Type.Object({
    client: Type.String(),
    consecutiveFailures: Type.Integer(),
    failingSince: Type.String(),
    lastError: Type.String()
  }))),
  /** Workers: whether this process runs them, and how many are connected fleet-wide (when Redis lets us see). */
  workers: Type.Optional(Type.Object({
    delivery: Type.Object({ here: Type.Boolean(), fleet: Type.Optional(Type.Integer()) }),
    webhooks: Type.Object({ here: Type.Boolean(), fleet: Type.Optional(Type.Integer()) })
  })),
  /** Problems that do not stop the gateway from working now but put dossiers at risk. */
  warnings: Type.Optional(Type.Array(Type.String()))
})

export default async function healthRoutes (app: FastifyInstance): Promise<void> {
  // CLIENT LIST (the workers, every connection of the fleet): read at most once per
  // METRICS_CACHE_MS, however often the probes come. The rest is a command per primary.
  const workers = cachedFor(app.config.METRICS_CACHE_MS, async () => await withTimeout(workerCounts(app), 1000).catch(() => ({ delivery: undefined, webhooks: undefined })))

  app.get('/health/live', {
    schema: { tags: ['health'], summary: 'Liveness: the process answers', response: { 200: Type.Object({ status: Type.String() }) } },
    config: { auth: false, rateLimit: false }
  }, async () => ({ status: 'ok' }))

  app.get('/health/ready', {
    schema: { tags: ['health'], summary: 'Readiness: Redis answers and accepts writes', response: { 200: Ready, 503: Ready } },
    config: { auth: false, rateLimit: false }
  }, async (req, reply) => {
    const role = app.config.ROLE
    try {
      await withTimeout(app.redis.ping(), 1000)
      // A replica (a primary demoted by a failover, a wrong REDIS_URL) answers but refuses every write.
      if (await withTimeout(readRole(app.redis), 1000) !== 'slave') {
        // With METRICS_TOKEN, a probe without it learns only that the gateway is ready.
        if (!metricsAuthorized(req, app.config.METRICS_TOKEN)) return { status: 'ready', role, redis: 'up' }
        const breaker = await app.breaker.state()
        // Read on every probe: a failover or a CONFIG SET changes it without restarting the gateway.
        const { policy } = await withTimeout(readMemoryPolicy(app.redis), 1000)
        const warnings = memoryPolicyWarnings(policy)
        // A receiver that is down is the sector's problem to fix, not a reason to stop taking
        // work: the gateway stays ready and says so.
        const failing = await withTimeout(app.store.webhooks.failingReceivers(app.config.WEBHOOK_FAILING_AFTER), 1000)
        const fleet = await workers()
        if (failing.length > 0) warnings.push(`${failing.length} webhook receiver(s) failing: ${failing.map(f => f.client).slice(0, 20).join(', ')}`)
        return {
          status: 'ready',
          role,
          redis: 'up',
          portalCircuit: breaker.state,
          workers: {
            delivery: { here: app.deliveryWorker?.isRunning() === true, ...(fleet.delivery === undefined ? {} : { fleet: fleet.delivery }) },
            webhooks: { here: app.webhookWorker?.isRunning() === true, ...(fleet.webhooks === undefined ? {} : { fleet: fleet.webhooks }) }
          },
          redisMemoryPolicy: policy ?? 'unknown',
          ...(failing.length > 0 ? { webhookReceiversFailing: failing.slice(0, 100) } : {}),
          ...(warnings.length > 0 ? { warnings } : {})
        }
      }
    } catch {
      return reply.code(503).send({ status: 'not-ready', role, redis: 'down' })
    }
    return reply.code(503).send({ status: 'not-ready', role, redis: 'read-only replica' })
  })
}

/** Workers connected to each queue, fleet-wide (BullMQ names its worker connections); undefined where CLIENT LIST is refused. */
async function workerCounts (app: FastifyInstance): Promise<{ delivery: number | undefined, webhooks: number | undefined }> {
  const count = async (q: { getWorkersCount: () => Promise<number> }): Promise<number | undefined> => {
    try { return await q.getWorkersCount() } catch { return undefined }
  }
  return { delivery: await count(app.queues.delivery), webhooks: await count(app.queues.webhooks) }
}

async function withTimeout<T> (p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([p, new Promise<T>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error('timeout')) }, ms) })])
  } finally {
    clearTimeout(timer)
  }
}
