/**
 * Webhook workers, and the deadline scan that feeds them: started only where ROLE says so, on
 * their own queue, so a slow receiver never holds up portal delivery. Each attempt is bounded by WEBHOOK_TIMEOUT_MS and a retry waits in
 * BullMQ's delayed set, not in a worker slot.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import fp from 'fastify-plugin'
import { Worker, type Job } from 'bullmq'
import { runsWorkers } from '../../config.js'
import { WebhookSender } from '../../adapters/webhooks/webhook-sender.js'
import { parseSchedule } from '../../domain/webhook-schedule.js'
import { WebhookDeliverer, sweepWebhooks } from '../../queue/webhook-delivery.js'
import { RetryLater, WEBHOOK_BACKOFF_TYPE, WEBHOOK_QUEUE, type JobName, type JobPayloads } from '../../queue/jobs.js'
import { bullConnection } from '../../store/redis/connection.js'
import { scanDeadlines } from '../../queue/deadlines.js'
import { durationMs } from '../../adapters/iso-duration.js'

declare module 'fastify' {
  interface FastifyInstance { webhookWorker: Worker | undefined }
}

export default fp(async (app) => {
  const c = app.config
  // Checked in every role: a bad schedule is a configuration error wherever it is found.
  const schedule = parseSchedule(c.WEBHOOK_RETRY_SCHEDULE_MS)
  const dueSoonMs = durationMs(c.DUE_SOON_WINDOW)
  if (dueSoonMs === undefined) throw new Error(`DUE_SOON_WINDOW ${c.DUE_SOON_WINDOW} is not an ISO 8601 duration in weeks, days, hours, minutes or seconds (e.g. PT24H)`)
  if (!runsWorkers(c)) {
    app.decorate('webhookWorker', undefined)
    return
  }
  const log = app.log.child({ component: 'webhooks' })
  const sender = new WebhookSender({ timeoutMs: c.WEBHOOK_TIMEOUT_MS, connections: c.WEBHOOK_CONNECTIONS })
  const deliverer = new WebhookDeliverer(app.store, app.queues, sender, app.clients, schedule, app.metrics, log)
  const bull = bullConnection(c, (err) => { log.warn({ err: err.message }, 'worker connection error') })
  // An attempt lasts at most the timeout; the lock outlives it (and so does the sweeper's grace).
  const lockDuration = Math.max(30_000, c.WEBHOOK_TIMEOUT_MS * 3)
  const worker = new Worker(WEBHOOK_QUEUE, async (job: Job, token?: string) => {
    const name = job.name as JobName
    if (name === 'deliver-webhook') return await deliverer.process(job as Job<JobPayloads['deliver-webhook']>, token)
    if (name === 'sweep-webhooks') return await sweepWebhooks(app.store, app.queues, log, lockDuration)
    if (name === 'scan-deadlines') return await scanDeadlines(app.store, app.queues, dueSoonMs, log)
    throw new Error(`unknown job ${job.name}`)
  }, {
    connection: bull.connection,
    prefix: c.QUEUE_PREFIX,
    concurrency: c.WEBHOOK_CONCURRENCY,
    lockDuration,
    maxStalledCount: 5,
    settings: {
      backoffStrategy: (_attemptsMade: number, type?: string, err?: Error) =>
        type === WEBHOOK_BACKOFF_TYPE && err instanceof RetryLater ? err.delayMs : 5000
    }
  })
  worker.on('error', (err) => { log.warn({ err: err.message }, 'worker error') })
  await app.queues.scheduleDeadlineScan(c.DEADLINE_SCAN_INTERVAL_MS)
  // As for the outbox sweep (delivery-workers.ts): a failover may have lost the next runs.
  const reschedule = (): void => {
    app.queues.scheduleDeadlineScan(c.DEADLINE_SCAN_INTERVAL_MS).catch((err: Error) => { log.warn({ err: err.message }, 'deadline scan not rescheduled') })
  }
  app.redis.on('ready', reschedule)
  app.decorate('webhookWorker', worker)
  app.addHook('onClose', async () => {
    app.redis.off('ready', reschedule)
    deliverer.stop()
    const redisUp = app.redis.status === 'ready'
    await Promise.race([worker.close(!redisUp), sleep(redisUp ? c.SHUTDOWN_GRACE_MS : 500, undefined, { ref: false })])
    await bull.close()
    await sender.close()
  })
}, { name: 'webhook-workers', dependencies: ['config', 'redis', 'store', 'clients', 'metrics'] })
