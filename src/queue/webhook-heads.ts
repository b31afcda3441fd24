/**
 * The webhooks' side of "a head moved": the store reports each webhook event that became the
 * head of its dossier's queue, and this queues the job that sends it. The store is given this
 * when it is built (http/plugins/store.ts), so delivery never calls back into a module that
 * assigned itself at run time. A job lost in between (a crash) is re-queued by the sweeper.
 */
import type { WebhookHeads } from '../store/ports/outbox.js'
import type { JobQueues } from './jobs.js'

export function queueWebhookHeads (queues: JobQueues, warn: (fields: { err: string, maHoSo: string }, msg: string) => void): WebhookHeads {
  return {
    moved (agency, maHoSo, eventId) {
      queues.enqueueWebhook(agency, maHoSo, eventId).catch((err: Error) => { warn({ err: err.message, maHoSo }, 'webhook job not queued: the sweeper will') })
    }
  }
}
