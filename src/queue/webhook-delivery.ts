/**
 * Sends the head event of one dossier's webhook queue to its receiver. Only the head is sent,
 * so a dossier's events arrive in the order they happened; the next one is queued when the
 * receiver has taken this one. Retries follow the schedule (webhook-schedule.ts), never sooner
 * than the receiver's Retry-After; when it runs out, or the receiver answers 410, the event is
 * marked failed and holds its dossier's later events until an admin replays or discards it.
 * Delivery is at least once: receivers dedupe on `webhook-id`.
 */
import { DelayedError, type Job } from 'bullmq'
import type { Log as Logger } from '../logger.js'
import type { Store } from '../store/ports/store.js'
import type { WebhookEntry, WebhookFailure, WebhookQueue } from '../store/ports/webhooks.js'
import type { Client } from '../domain/access.js'
import type { Metrics } from '../adapters/metrics.js'
import { isoFromEpoch } from '../domain/toolkit/dates.js'
import type { WebhookSender } from '../adapters/webhooks/webhook-sender.js'
import { retryDelay } from '../domain/webhook-schedule.js'
import { RetryLater, jobIds, type JobPayloads, type JobQueues } from './jobs.js'

export class WebhookDeliverer {
  constructor (
    private readonly store: Pick<Store, 'webhooks' | 'replicated'>,
    private readonly queues: JobQueues,
    private readonly sender: WebhookSender,
    private readonly clients: () => readonly Client[],
    private readonly schedule: readonly number[],
    private readonly metrics: Metrics,
    private readonly log: Logger
  ) {}

  private get webhooks (): WebhookQueue { return this.store.webhooks }

  async process (job: Job<JobPayloads['deliver-webhook']>, token?: string): Promise<string> {
    const { agency, maHoSo, eventId } = job.data
    const { entry, failed } = await this.webhooks.head(agency, maHoSo)
    // Delivered already (a job queued twice), or an event that waits behind an earlier one.
    if (entry === undefined || entry.id !== eventId) return 'stale'
    if (failed?.id === eventId) return 'held'
    const attempt = job.attemptsMade + 1
    const client = this.clients().find(c => c.id === entry.client)
    if (client?.webhook === undefined) {
      await this.failEvent(agency, maHoSo, entry, attempt, 'NO_RECEIVER', `client ${entry.client} ${client === undefined ? 'is no longer in the clients file' : 'has no webhook'}`)
      return 'failed'
    }
    // An event the replicas lack may be taken back by a failover, and its id given to another
    // event (REDIS_WAIT_REPLICAS): it waits, without spending an attempt of its schedule.
    if (!await this.store.replicated(agency)) {
      this.log.warn({ maHoSo, eventId }, 'webhook event not yet on the replicas: delivery waits')
      await job.moveToDelayed(Date.now() + 1000, token)
      throw new DelayedError()
    }
    const result = await this.sender.send({ url: client.webhook.url, secret: client.webhook.secret, id: entry.id, timestamp: new Date(), body: JSON.stringify(entry.body) })
    this.metrics.webhookAttempts.inc({ type: entry.type, client: client.id, outcome: result.outcome })
    await this.webhooks.receiverOutcome(client.id, result.outcome === 'delivered', result.error ?? (result.status === undefined ? undefined : `HTTP ${result.status}`))
    const ctx = { maHoSo, eventId, type: entry.type, client: client.id, attempt, status: result.status, durationMs: result.durationMs }
    if (result.outcome === 'delivered') {
      const { result: r, next } = await this.webhooks.done(agency, maHoSo, eventId, {
        at: isoFromEpoch(Date.now()), kind: 'webhook-delivered', eventId, type: entry.type, client: client.id, attempts: attempt
      })
      if (r === 'ok' && next !== '') await this.queues.enqueueWebhook(agency, maHoSo, next)
      this.log.info(ctx, 'webhook delivered')
      return 'delivered'
    }
    if (result.outcome === 'gone') {
      await this.failEvent(agency, maHoSo, entry, attempt, 'RECEIVER_GONE', 'the receiver answered 410 Gone: its endpoint no longer exists', result.status, result.responseSnippet)
      return 'failed'
    }
    const delay = retryDelay(attempt, this.schedule, result.retryAfterMs)
    if (delay === undefined) {
      await this.failEvent(agency, maHoSo, entry, attempt, 'RETRIES_EXHAUSTED', `no success after ${attempt} attempts; last: ${result.error ?? 'failed'}`, result.status, result.responseSnippet)
      return 'failed'
    }
    this.log.warn({ ...ctx, error: result.error, retryInMs: delay }, 'webhook delivery failed: will retry')
    throw new RetryLater(delay, result.error ?? 'delivery failed')
  }

  private async failEvent (agency: string, maHoSo: string, entry: WebhookEntry, attempts: number, code: WebhookFailure['code'], reason: string, lastStatus?: number, lastResponse?: string): Promise<void> {
    const at = isoFromEpoch(Date.now())
    // The receiver's answer is for the admin (already cut and scrubbed by the sender), never for the log.
    const failure: WebhookFailure = {
      id: entry.id,
      type: entry.type,
      client: entry.client,
      code,
      reason,
      at,
      attempts,
      ...(lastStatus === undefined ? {} : { lastStatus }),
      ...(lastResponse === undefined || lastResponse === '' ? {} : { lastResponse })
    }
    await this.webhooks.fail(agency, maHoSo, failure, { at, kind: 'webhook-failed', eventId: entry.id, type: entry.type, client: entry.client, code, reason, attempts })
    this.log.warn({ maHoSo, eventId: entry.id, type: entry.type, client: entry.client, code, attempts }, 'webhook delivery failed for good: held for replay')
  }
}

/** Job states from which BullMQ will never run the job again: adding its id again does nothing. */
const FINISHED = new Set(['failed', 'completed'])

/**
 * Safety net: queues a job for every head event that should be on its way and may have lost its
 * job. A job that exists under the head's id (waiting, delayed for a retry, running) makes this a
 * no-op. One that BullMQ finished without the event being delivered or marked failed here (it
 * stalled too often while its process died, or threw past its attempts) would hold the head for
 * the 7 days BullMQ keeps failed jobs, since adding its id again does nothing: it is removed and
 * queued afresh, its retry schedule started again.
 */
export async function sweepWebhooks (store: Pick<Store, 'agencies' | 'webhooks'>, queues: JobQueues, log: Logger): Promise<number> {
  let queued = 0
  for (const agency of await store.agencies()) {
    for (const { code, eventId } of await store.webhooks.sendableHeads(agency)) {
      const id = jobIds.webhook(eventId)
      const state = await queues.webhooks.getJobState(id)
      if (FINISHED.has(state)) {
        // A job being retried or run cannot be removed (BullMQ refuses: it is locked); then it is alive.
        await queues.webhooks.remove(id)
        log.warn({ maHoSo: code, eventId, jobState: state }, 'webhook head stranded by a finished job: queued again')
      }
      await queues.enqueueWebhook(agency, code, eventId)
      queued++
    }
  }
  if (queued > 0) log.debug({ heads: queued }, 'webhook heads re-armed')
  return queued
}
