/**
 * Webhook events waiting for their receiver, as their worker and sweeper see them
 * (queue/webhook-delivery.ts): the head of a dossier's queue, done or failed, and the receiver's
 * health. Redis: webhook-store.ts.
 */
import type { HistoryEntry } from '../records.js'

export interface WebhookEntry { id: string, client: string, type: string, body: unknown }

/** Why a head event stopped being retried; it holds its dossier's later events until replayed. */
export interface WebhookFailure {
  id: string
  type: string
  client: string
  code: 'RETRIES_EXHAUSTED' | 'RECEIVER_GONE' | 'NO_RECEIVER'
  reason: string
  at: string
  attempts: number
  lastStatus?: number
  /** The start of the receiver's last answer, scrubbed (webhook-sender.ts). */
  lastResponse?: string
}

export interface ReceiverHealth { client: string, consecutiveFailures: number, failingSince: string, lastError: string }

export interface WebhookQueue {
  head: (agency: string, code: string) => Promise<{ entry?: WebhookEntry, raw?: string, failed?: WebhookFailure }>
  /** `nextEntry`: the new head, when there is one (it cannot be held: a held head is the failed one). */
  done: (agency: string, code: string, eventId: string, history: HistoryEntry) => Promise<{ result: 'ok' | 'stale', next: string, nextEntry?: WebhookEntry }>
  fail: (agency: string, code: string, failure: WebhookFailure, history: HistoryEntry) => Promise<boolean>
  sendableHeads: (agency: string) => Promise<Array<{ code: string, eventId: string }>>
  receiverOutcome: (client: string, ok: boolean, error?: string) => Promise<void>
}
