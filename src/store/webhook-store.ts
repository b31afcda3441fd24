/**
 * Webhook events waiting for their receiver, per dossier (see scripts-webhook.ts), and the
 * health of each receiver. Only the head of a dossier's queue is ever sent.
 */
import type { RedisClient } from './redis/connection.js'
import type { Keys } from './keys.js'
import type { HistoryEntry } from './records.js'
import { epochOf } from './sorted-index.js'
import { WEBHOOK_DONE, WEBHOOK_FAIL } from './scripts-webhook.js'
import { WEBHOOK_UNHOLD } from './scripts-lifecycle.js'
import type { ReceiverHealth, WebhookEntry, WebhookFailure, WebhookQueue } from './ports/webhooks.js'

export type { ReceiverHealth, WebhookEntry, WebhookFailure, WebhookQueue } from './ports/webhooks.js'

export class WebhookStore implements WebhookQueue {
  constructor (private readonly redis: RedisClient, private readonly keys: Keys, private readonly retentionMs: number) {}

  /** The head event of the dossier's queue, and its failure when it failed for good. */
  async head (agency: string, code: string): Promise<{ entry?: WebhookEntry, raw?: string, failed?: WebhookFailure }> {
    const [[e1, raw], [e2, failed]] = (await this.redis.pipeline()
      .lindex(this.keys.webhookQueue(agency, code), 0)
      .hget(this.keys.webhookFailed(agency), code)
      .exec()) as Array<[Error | null, string | null]> as [[Error | null, string | null], [Error | null, string | null]]
    if (e1 !== null) throw e1
    if (e2 !== null) throw e2
    const out: { entry?: WebhookEntry, raw?: string, failed?: WebhookFailure } = {}
    if (raw !== null) {
      out.raw = raw
      out.entry = JSON.parse(raw) as WebhookEntry
    }
    if (failed !== null) out.failed = JSON.parse(failed) as WebhookFailure
    return out
  }

  /** The receiver took `eventId`: pops it; the id of the next event to send, or ''. */
  async done (agency: string, code: string, eventId: string, history: HistoryEntry): Promise<{ result: 'ok' | 'stale', next: string, nextEntry?: WebhookEntry }> {
    const [result, next, nextRaw] = await this.redis.ltWebhookDone(...WEBHOOK_DONE.argv({
      whq: this.keys.webhookQueue(agency, code),
      active: this.keys.webhookActive(agency),
      failed: this.keys.webhookFailed(agency),
      hist: this.keys.history(agency, code),
      failedIndex: this.keys.webhookFailedIndex(agency)
    }, { code, eventId, historyEntry: JSON.stringify(history), retentionMs: this.retentionMs }))
    const out: { result: 'ok' | 'stale', next: string, nextEntry?: WebhookEntry } = { result: result as 'ok' | 'stale', next }
    if (next !== '' && nextRaw !== '') out.nextEntry = JSON.parse(nextRaw) as WebhookEntry
    return out
  }

  /** Marks the head failed for good; false when `eventId` is no longer the head. */
  async fail (agency: string, code: string, failure: WebhookFailure, history: HistoryEntry): Promise<boolean> {
    return await this.redis.ltWebhookFail(...WEBHOOK_FAIL.argv({
      whq: this.keys.webhookQueue(agency, code),
      failed: this.keys.webhookFailed(agency),
      hist: this.keys.history(agency, code),
      failedIndex: this.keys.webhookFailedIndex(agency)
    }, { code, eventId: failure.id, failureJson: JSON.stringify(failure), historyEntry: JSON.stringify(history), retentionMs: this.retentionMs, failedAt: epochOf(failure.at) })) === 1
  }

  /** Clears the failure of a held head so it is sent again; false when it was not held for `eventId`. */
  async unhold (agency: string, code: string, eventId: string): Promise<boolean> {
    return await this.redis.ltWebhookUnhold(...WEBHOOK_UNHOLD.argv(
      { whFailed: this.keys.webhookFailed(agency), whFailedIndex: this.keys.webhookFailedIndex(agency) }, { code, eventId })) === 1
  }

  /** Every event of the dossier not delivered yet, oldest first. */
  async queued (agency: string, code: string): Promise<WebhookEntry[]> {
    return (await this.redis.lrange(this.keys.webhookQueue(agency, code), 0, 99)).map(s => JSON.parse(s) as WebhookEntry)
  }

  async failedOf (agency: string, code: string): Promise<WebhookFailure | undefined> {
    const v = await this.redis.hget(this.keys.webhookFailed(agency), code)
    return v === null ? undefined : JSON.parse(v) as WebhookFailure
  }

  /** Heads to (re)send for the agency: queues not empty and not held by a failed head. */
  async sendableHeads (agency: string): Promise<Array<{ code: string, eventId: string }>> {
    const codes = await this.redis.smembers(this.keys.webhookActive(agency))
    if (codes.length === 0) return []
    const failed = new Set(await this.redis.hkeys(this.keys.webhookFailed(agency)))
    const live = codes.filter(c => !failed.has(c))
    const p = this.redis.pipeline()
    for (const c of live) p.lindex(this.keys.webhookQueue(agency, c), 0)
    const res = (await p.exec()) ?? []
    const out: Array<{ code: string, eventId: string }> = []
    res.forEach(([err, raw], i) => {
      const code = live[i]
      if (err !== null || typeof raw !== 'string' || code === undefined) return
      const id = /^\{"id":"([^"]+)"/.exec(raw)?.[1]
      if (id !== undefined) out.push({ code, eventId: id })
    })
    return out
  }

  /** Every failed head event of the agency, by dossier code. */
  async failedByCode (agency: string): Promise<Array<[string, WebhookFailure]>> {
    return Object.entries(await this.redis.hgetall(this.keys.webhookFailed(agency))).map(([code, v]) => [code, JSON.parse(v) as WebhookFailure])
  }

  /** Counts a receiver's consecutive failures; a success clears them. */
  async receiverOutcome (client: string, ok: boolean, error?: string): Promise<void> {
    const key = this.keys.webhookReceivers()
    if (ok) {
      await this.redis.hdel(key, `${client}|fails`, `${client}|since`, `${client}|error`)
      return
    }
    await this.redis.pipeline()
      .hincrby(key, `${client}|fails`, 1)
      .hsetnx(key, `${client}|since`, new Date().toISOString())
      .hset(key, `${client}|error`, (error ?? 'failed').slice(0, 200))
      .exec()
  }

  /** Receivers whose last `threshold` or more deliveries in a row failed. */
  async failingReceivers (threshold: number): Promise<ReceiverHealth[]> {
    const h = await this.redis.hgetall(this.keys.webhookReceivers())
    const out: ReceiverHealth[] = []
    for (const [field, v] of Object.entries(h)) {
      if (!field.endsWith('|fails') || Number(v) < threshold) continue
      const client = field.slice(0, -'|fails'.length)
      out.push({ client, consecutiveFailures: Number(v), failingSince: h[`${client}|since`] ?? '', lastError: h[`${client}|error`] ?? '' })
    }
    return out.sort((a, b) => a.client.localeCompare(b.client))
  }
}
