/**
 * The one typed registry of queues, job names and payloads. Producers always exist (every
 * process can enqueue); workers are started only where config says so (ROLE).
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq'

export const DELIVERY_QUEUE = 'delivery'

export interface JobPayloads {
  /** Drain one agency's outbox to the portal, in order, in batches. */
  'flush-agency': { agency: string }
  /** Safety net: re-arm outboxes whose flush job was lost (e.g. failed for good while its process died). */
  'sweep-outboxes': Record<string, never>
}
export type JobName = keyof JobPayloads

/** Custom backoff type handled by the worker's `backoffStrategy`. */
export const BACKOFF_TYPE = 'portal-jitter'

/**
 * Retries are bounded by time per dossier (DELIVERY_RETRY_WINDOW_SECONDS), not by count, so a
 * flush job may retry for as long as its outbox holds dossiers that are still inside the window.
 */
export const FLUSH_ATTEMPTS = 1_000_000

export const jobIds = {
  // BullMQ ids must not contain ':'; agency codes contain only [0-9A-Z.].
  flush: (agency: string, gen: string) => `flush-${agency}-${gen}`
}

const defaults: Record<JobName, JobsOptions> = {
  'flush-agency': {
    attempts: FLUSH_ATTEMPTS,
    backoff: { type: BACKOFF_TYPE },
    removeOnComplete: { count: 1000 },
    removeOnFail: { age: 7 * 86_400 }
  },
  'sweep-outboxes': { removeOnComplete: true, removeOnFail: { count: 100 } }
}

export class JobQueues {
  readonly delivery: Queue

  constructor (connection: ConnectionOptions, prefix: string) {
    this.delivery = new Queue(DELIVERY_QUEUE, { connection, prefix })
  }

  /** The repeating sweep, at most one schedule however many workers call this. */
  async scheduleSweep (everyMs: number): Promise<void> {
    await this.delivery.upsertJobScheduler('sweep-outboxes', { every: everyMs }, {
      name: 'sweep-outboxes', data: {}, opts: defaults['sweep-outboxes']
    })
  }

  async add<N extends JobName> (name: N, data: JobPayloads[N], opts: JobsOptions = {}): Promise<void> {
    await this.delivery.add(name, data, { ...defaults[name], ...opts })
  }

  async enqueueFlush (agency: string, gen: string): Promise<void> {
    await this.add('flush-agency', { agency }, { jobId: jobIds.flush(agency, gen) })
  }

  async close (): Promise<void> {
    await this.delivery.close()
  }
}
