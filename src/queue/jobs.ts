/**
 * The one typed registry of queues, job names and payloads. Producers always exist (every
 * process can enqueue); workers are started only where config says so (ROLE).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq'

export const DELIVERY_QUEUE = 'delivery'
/** How long close() waits for the queues' connections to finish starting. */
const START_WAIT_MS = 2000
export const WEBHOOK_QUEUE = 'webhooks'
/** Applicant notices: their own queue, so a slow provider never holds up delivery or webhooks. */
export const NOTICE_QUEUE = 'notices'

export interface JobPayloads {
  /** Drain one agency's outbox to the portal, in order, in batches. */
  'flush-agency': { agency: string }
  /** Safety net: re-arm outboxes whose flush job was lost (e.g. failed for good while its process died). */
  'sweep-outboxes': Record<string, never>
  /**
   * Send the head event of one dossier's webhook queue to its receiver (and its next ones, see
   * queue/webhook-delivery.ts). `attempted`: attempts already spent on it by the job that handed it over.
   */
  'deliver-webhook': { agency: string, maHoSo: string, eventId: string, attempted?: number }
  /** Safety net: re-queue the head events whose job was lost. */
  'sweep-webhooks': Record<string, never>
  /** Mark open dossiers past their due date overdue, and warn of those due soon. */
  'scan-deadlines': Record<string, never>
  /** Put every failed dossier a filter matched back into its outbox (src/queue/bulk-replay.ts). */
  'bulk-replay': { id: string }
  /** Compact final, delivered dossiers past RETENTION_DAYS (src/queue/compact.ts). */
  'compact-dossiers': Record<string, never>
  /** Send one applicant notice (src/queue/notice-delivery.ts). */
  'send-notice': { agency: string, id: string }
  /** Safety net: queue the notices that are due and have no job (lost, delayed past a restart, resumed). */
  'sweep-notices': Record<string, never>
}
export type JobName = keyof JobPayloads

/** Which queue each job runs on: portal delivery and webhooks never wait for each other. */
const QUEUE_OF: Record<JobName, 'delivery' | 'webhooks' | 'notices'> = {
  'flush-agency': 'delivery',
  'sweep-outboxes': 'delivery',
  'deliver-webhook': 'webhooks',
  'sweep-webhooks': 'webhooks',
  'scan-deadlines': 'webhooks',
  'bulk-replay': 'delivery',
  'compact-dossiers': 'delivery',
  'send-notice': 'notices',
  'sweep-notices': 'notices'
}

/** Backoff type of webhook jobs: the delay comes from the schedule, carried by the error. */
export const WEBHOOK_BACKOFF_TYPE = 'webhook-schedule'

/**
 * Thrown by a webhook job to be retried after `delayMs`. The job itself decides when the
 * schedule is over (it marks the event failed and ends), so BullMQ's count is only a backstop.
 */
export class RetryLater extends Error {
  constructor (readonly delayMs: number, reason: string) {
    super(reason)
    this.name = 'RetryLater'
  }
}

/** Custom backoff type handled by the worker's `backoffStrategy`. */
export const BACKOFF_TYPE = 'portal-jitter'

/**
 * Retries are bounded by time per dossier (DELIVERY_RETRY_WINDOW_SECONDS), not by count, so a
 * flush job may retry for as long as its outbox holds dossiers that are still inside the window.
 */
export const FLUSH_ATTEMPTS = 1_000_000

export const jobIds = {
  // BullMQ ids must not contain ':'; agency codes contain only [0-9A-Z.].
  flush: (agency: string, gen: string) => `flush-${agency}-${gen}`,
  // Event ids are `msg_<MaHoSo>.<n>`: [0-9A-Z._-] only.
  webhook: (eventId: string) => `wh-${eventId}`,
  // Notice ids are `ntc_<MaHoSo>.<n>`; one job per notice and time it is due, so a reschedule is a new job.
  notice: (id: string, at: number) => `${id}-${at}`
}

const defaults: Record<JobName, JobsOptions> = {
  'flush-agency': {
    attempts: FLUSH_ATTEMPTS,
    backoff: { type: BACKOFF_TYPE },
    removeOnComplete: { count: 1000 },
    removeOnFail: { age: 7 * 86_400 }
  },
  'sweep-outboxes': { removeOnComplete: true, removeOnFail: { count: 100 } },
  // Completed jobs are removed so the sweeper can queue a head again under the same id; a job
  // for an event that is no longer the head does nothing.
  'deliver-webhook': { attempts: 1000, backoff: { type: WEBHOOK_BACKOFF_TYPE }, removeOnComplete: true, removeOnFail: { age: 7 * 86_400 } },
  'sweep-webhooks': { removeOnComplete: true, removeOnFail: { count: 100 } },
  'scan-deadlines': { removeOnComplete: true, removeOnFail: { count: 100 } },
  // Resumable: a retry goes on from the stored position.
  'bulk-replay': { attempts: 5, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  'compact-dossiers': { removeOnComplete: true, removeOnFail: { count: 100 } },
  // The notice's own record holds its retries (notice-delivery.ts): a job that throws (Redis
  // away) is retried a few times; the sweeper covers the rest.
  'send-notice': { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: { age: 86_400 } },
  'sweep-notices': { removeOnComplete: true, removeOnFail: { count: 100 } }
}

export class JobQueues {
  readonly delivery: Queue
  readonly webhooks: Queue
  readonly notices: Queue

  constructor (connection: ConnectionOptions, prefix: string) {
    this.delivery = new Queue(DELIVERY_QUEUE, { connection, prefix })
    this.webhooks = new Queue(WEBHOOK_QUEUE, { connection, prefix })
    this.notices = new Queue(NOTICE_QUEUE, { connection, prefix })
  }

  private queue (name: JobName): Queue {
    const q = QUEUE_OF[name]
    return q === 'delivery' ? this.delivery : q === 'webhooks' ? this.webhooks : this.notices
  }

  async scheduleNoticeSweep (everyMs: number): Promise<void> {
    await this.notices.upsertJobScheduler('sweep-notices', { every: everyMs }, { name: 'sweep-notices', data: {}, opts: defaults['sweep-notices'] })
  }

  /** The job that sends notice `id` at `at` (epoch ms; now or later). */
  async enqueueNotice (agency: string, id: string, at: number, now = Date.now()): Promise<void> {
    await this.add('send-notice', { agency, id }, { jobId: jobIds.notice(id, at), delay: Math.max(0, at - now) })
  }

  /** The repeating sweeps, at most one schedule each however many workers call this. */
  async scheduleSweep (everyMs: number): Promise<void> {
    for (const name of ['sweep-outboxes', 'sweep-webhooks'] as const) {
      await this.queue(name).upsertJobScheduler(name, { every: everyMs }, { name, data: {}, opts: defaults[name] })
    }
  }

  async scheduleCompaction (everyMs: number): Promise<void> {
    await this.delivery.upsertJobScheduler('compact-dossiers', { every: everyMs }, { name: 'compact-dossiers', data: {}, opts: defaults['compact-dossiers'] })
  }

  async scheduleDeadlineScan (everyMs: number): Promise<void> {
    await this.webhooks.upsertJobScheduler('scan-deadlines', { every: everyMs }, { name: 'scan-deadlines', data: {}, opts: defaults['scan-deadlines'] })
  }

  async add<N extends JobName> (name: N, data: JobPayloads[N], opts: JobsOptions = {}): Promise<void> {
    await this.queue(name).add(name, data, { ...defaults[name], ...opts })
  }

  async enqueueFlush (agency: string, gen: string): Promise<void> {
    await this.add('flush-agency', { agency }, { jobId: jobIds.flush(agency, gen) })
  }

  async enqueueWebhook (agency: string, maHoSo: string, eventId: string, opts: JobsOptions = {}, attempted = 0): Promise<void> {
    await this.add('deliver-webhook', { agency, maHoSo, eventId, ...(attempted > 0 ? { attempted } : {}) }, { jobId: jobIds.webhook(eventId), ...opts })
  }

  async close (): Promise<void> {
    // A queue closed while its connection is still starting makes bullmq 5 emit that start's
    // failure on a connection with no listener left, which ends the process (Node 22 does it to
    // an app closed at once after ready: the OpenAPI lint). Let the start finish first, bounded
    // so that an unreachable Redis does not hold the shutdown.
    const started = Promise.all([this.delivery.waitUntilReady(), this.webhooks.waitUntilReady(), this.notices.waitUntilReady()]).catch(() => {})
    await Promise.race([started, sleep(START_WAIT_MS, undefined, { ref: false })])
    await Promise.all([this.delivery.close(), this.webhooks.close(), this.notices.close()])
  }
}
