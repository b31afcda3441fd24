/**
 * Delivery workers: started only where ROLE says so. Several processes may run them on one
 * Redis; the agency claim in AgencyFlusher keeps each outbox to one worker at a time.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import fp from 'fastify-plugin'
import { Worker, type Job } from 'bullmq'
import { runsWorkers } from '../../config.js'
import { PortalClient } from '../../adapters/portal/portal-client.js'
import { PortalSync } from '../../queue/portal-sync.js'
import { PortalCalls } from '../../queue/portal-calls.js'
import { AgencyFlusher, backoffDelay } from '../../queue/flush-agency.js'
import { sweepOutboxes } from '../../queue/sweep.js'
import { bulkReplayFailed, runBulkReplay } from '../../queue/bulk-replay.js'
import { compactAll } from '../../queue/compact.js'
import { BACKOFF_TYPE, DELIVERY_QUEUE, type JobName, type JobPayloads } from '../../queue/jobs.js'
import { bullConnection } from '../../store/redis/connection.js'
import { StatsStore } from '../../store/stats/stats-store.js'
import { localDayOf } from '../../domain/stats-dimensions.js'

declare module 'fastify' {
  interface FastifyInstance { deliveryWorker: Worker | undefined }
}

export default fp(async (app) => {
  const c = app.config
  if (!runsWorkers(c)) {
    app.decorate('deliveryWorker', undefined)
    return
  }
  const log = app.log.child({ component: 'delivery' })
  const portal = new PortalClient({
    url: c.PORTAL_URL,
    username: c.PORTAL_USERNAME,
    password: c.PORTAL_PASSWORD,
    timeoutMs: c.PORTAL_TIMEOUT_MS,
    connections: c.PORTAL_CONNECTIONS,
    redis: app.redis,
    sessionKey: app.store.keys.portalSession(),
    log: app.log.child({ component: 'portal' }),
    maxRetryAfterMs: c.BREAKER_MAX_COOLDOWN_MS,
    maxReplyBytes: c.PORTAL_MAX_REPLY_BYTES
  })
  const stats = new StatsStore(app.redis, c.KEY_PREFIX)
  const sync = new PortalSync(app.store, new PortalCalls(app.store.delivery, portal, app.breaker, app.metrics), log, app.metrics)
  const flusher = new AgencyFlusher(app.store, sync, app.breaker, {
    batchSize: c.DELIVERY_BATCH_SIZE,
    retryWindowMs: c.DELIVERY_RETRY_WINDOW_SECONDS * 1000,
    ownerTtlMs: c.DELIVERY_BACKOFF_MAX_MS + 10 * 60_000,
    leaseMs: leaseFor(c.PORTAL_TIMEOUT_MS),
    onFailed: (reason) => { app.metrics.deliveryFailed.inc({ reason }) }
  }, log)

  const bull = bullConnection(c, (err) => { log.warn({ err: err.message }, 'worker connection error') })
  const worker = new Worker(DELIVERY_QUEUE, async (job: Job, token?: string) => {
    const name = job.name as JobName
    if (name === 'flush-agency') return await flusher.process(job as Job<JobPayloads['flush-agency']>, token)
    if (name === 'sweep-outboxes') return await sweepOutboxes(app.store, app.queues, log)
    if (name === 'bulk-replay') return await runBulkReplay((job.data as JobPayloads['bulk-replay']).id, app.store, app.queues, log)
    if (name === 'compact-dossiers') {
      const r = await compactAll(app.store, c.RETENTION_DAYS * 86_400_000, { max: c.COMPACT_MAX_PER_RUN })
      if (r.compacted > 0) log.info(r, 'dossiers compacted')
      // The statistics' day counters past their window go the same way: into their month.
      const rolled = await stats.rollUpAll(localDayOf(Date.now()), c.STATS_DAY_WINDOW_DAYS)
      if (rolled.days > 0) log.info(rolled, 'statistics days rolled up')
      return { ...r, statsDaysRolledUp: rolled.days }
    }
    throw new Error(`unknown job ${job.name}`)
  }, {
    connection: bull.connection,
    prefix: c.QUEUE_PREFIX,
    concurrency: c.DELIVERY_CONCURRENCY,
    lockDuration: c.DELIVERY_LOCK_MS,
    stalledInterval: c.DELIVERY_LOCK_MS,
    // A worker that dies mid-job is expected (the job resumes elsewhere); BullMQ's default of one
    // stall would fail the job on the second crash and leave its outbox to the sweeper.
    maxStalledCount: 5,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string, err?: Error) =>
        type === BACKOFF_TYPE ? backoffDelay(attemptsMade, err, c.DELIVERY_BACKOFF_BASE_MS, c.DELIVERY_BACKOFF_MAX_MS) : 1000
    }
  })
  worker.on('error', (err) => { log.warn({ err: err.message }, 'worker error') })
  worker.on('failed', (job, err) => {
    if (job?.name === 'bulk-replay' && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      bulkReplayFailed((job.data as JobPayloads['bulk-replay']).id, err, app.store, log).catch((e: Error) => { log.warn({ err: e.message }, 'replay not marked failed') })
    }
    if (job === undefined || job.name !== 'flush-agency') return
    // Only a job that will not run again gives its claim up; a retrying job keeps it.
    if (job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError') {
      const agency = (job.data as JobPayloads['flush-agency']).agency
      if (job.id !== undefined) {
        app.store.delivery.release(agency, job.id).catch((e: Error) => { log.warn({ err: e.message }, 'release failed') })
      }
    }
  })
  await app.queues.scheduleSweep(c.DELIVERY_SWEEP_INTERVAL_MS)
  await app.queues.scheduleCompaction(c.COMPACT_INTERVAL_MS)
  // After a reconnect (a failover, a restarted Redis) the sweep's next run may be among the writes
  // the old primary never replicated: scheduling again restores it (at most one schedule). The
  // producer's connection may come back a moment after the store's: tried again until it does.
  let closing = false
  const reschedule = (): void => {
    const attempt = (left: number): void => {
      app.queues.scheduleSweep(c.DELIVERY_SWEEP_INTERVAL_MS).then(() => { log.debug('sweep rescheduled') }, (err: Error) => {
        if (left > 0 && !closing) setTimeout(() => { attempt(left - 1) }, 250).unref()
        else log.warn({ err: err.message }, 'sweep not rescheduled')
      })
    }
    attempt(40)
  }
  app.redis.on('ready', reschedule)
  app.decorate('deliveryWorker', worker)
  app.addHook('onClose', async () => {
    app.redis.off('ready', reschedule)
    closing = true
    // Normally: let active jobs finish. With Redis unreachable BullMQ cannot finish closing and
    // nothing can be saved anyway; the jobs' locks expire and another worker takes them over.
    flusher.stop()
    const redisUp = app.redis.status === 'ready'
    await Promise.race([worker.close(!redisUp), sleep(redisUp ? c.SHUTDOWN_GRACE_MS : 500, undefined, { ref: false })])
    await bull.close()
    await portal.close()
  })
}, { name: 'delivery-workers', dependencies: ['config', 'redis', 'store', 'metrics'] })

/**
 * The lease a run renews before each portal call must outlast that call: a login, the call,
 * and on a `401` a second login and the call again, each bounded by the portal timeout.
 */
export function leaseFor (portalTimeoutMs: number): number {
  return 4 * portalTimeoutMs + 2000
}
