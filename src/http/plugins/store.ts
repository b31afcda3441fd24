/** The dossier store and the job producers: every process has them, whatever its role. */
import fp from 'fastify-plugin'
import { DossierStore } from '../../store/dossier-store.js'
import { JobQueues } from '../../queue/jobs.js'
import { queueWebhookHeads } from '../../queue/webhook-heads.js'
import { queueCreatedNotices } from '../../queue/notice-jobs.js'
import { CircuitBreaker } from '../../adapters/portal/circuit-breaker.js'
import { createRedis } from '../../store/redis/connection.js'
import { ReplicaWait } from '../../store/redis/replica-wait.js'
import { cachedFor } from './metrics.js'

declare module 'fastify' {
  interface FastifyInstance {
    store: DossierStore
    queues: JobQueues
    breaker: CircuitBreaker
  }
}

export default fp(async (app) => {
  const c = app.config
  let replicaWait: ReplicaWait | undefined
  if (c.REDIS_WAIT_REPLICAS > 0) {
    replicaWait = new ReplicaWait(() => {
      const conn = createRedis(c, 'store', { lazyConnect: true })
      conn.on('error', (err: Error) => { app.log.warn({ err: err.message }, 'redis connection error (replica wait)') })
      return conn
    }, c.REDIS_WAIT_REPLICAS, c.REDIS_WAIT_TIMEOUT_MS)
    await replicaWait.connect()
  }
  // The producer's connection is ours, not BullMQ's: requests fail fast while Redis is away (as
  // BullMQ recommends for queues used in handlers), and shutdown can drop it even then.
  const producer = createRedis(c, 'producer')
  producer.on('error', (err) => { app.log.warn({ err: err.message }, 'queue connection error') })
  const queues = new JobQueues(producer, c.QUEUE_PREFIX)
  queues.delivery.on('error', (err) => { app.log.warn({ err: err.message }, 'queue error') })
  queues.webhooks.on('error', (err) => { app.log.warn({ err: err.message }, 'queue error') })
  queues.notices.on('error', (err) => { app.log.warn({ err: err.message }, 'queue error') })
  // Scripts that emit a webhook event tell which one became the head of its queue; its job is
  // queued by the webhooks' listener, given to the store as it is built.
  const webhookHeads = queueWebhookHeads(queues, (fields, msg) => { app.log.warn(fields, msg) })
  const noticesCreated = queueCreatedNotices(queues, (fields, msg) => { app.log.warn(fields, msg) })
  const store = new DossierStore(app.redis, { prefix: c.KEY_PREFIX, retentionDays: c.RETENTION_DAYS, unmatchedMax: c.UNMATCHED_MAX_PER_AGENCY, sequenceJump: c.CODE_SEQUENCE_FAILOVER_JUMP, webhookHeads, noticesCreated, ...(replicaWait === undefined ? {} : { replicaWait }) })
  const breaker = new CircuitBreaker(app.redis, store.keys.breaker(), {
    threshold: c.BREAKER_FAILURE_THRESHOLD,
    cooldownMs: c.BREAKER_COOLDOWN_MS,
    maxCooldownMs: c.BREAKER_MAX_COOLDOWN_MS,
    probeTimeoutMs: c.PORTAL_TIMEOUT_MS * 2
  })
  // What /metrics reads from Redis when scraped: the same fleet-wide values from every process.
  const agencies = cachedFor(c.METRICS_CACHE_MS, async () => await store.agencies())
  app.metricsState.shared = {
    agencies,
    outboxes: async () => {
      const { depth, oldest } = await store.delivery.summary(await agencies())
      return { depth, oldestAgeSeconds: oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000) }
    },
    queues: async () => {
      const out: Array<{ queue: string, state: string, count: number }> = []
      for (const q of [queues.delivery, queues.webhooks, queues.notices]) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized')
        for (const [state, count] of Object.entries(counts)) out.push({ queue: q.name, state, count })
      }
      return out
    },
    breaker: async () => (await breaker.state()).state
  }
  app.decorate('store', store)
  app.decorate('queues', queues)
  app.decorate('breaker', breaker)
  app.addHook('onClose', async () => {
    await queues.close()
    // With Redis unreachable a graceful QUIT cannot be sent: drop the connection instead.
    await producer.quit().catch(() => { producer.disconnect() })
    await replicaWait?.close()
  })
}, { name: 'store', dependencies: ['config', 'redis', 'metrics'] })
