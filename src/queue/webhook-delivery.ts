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

/**
 * Events one job sends in a row. When the receiver takes an event, the job goes on with the
 * dossier's next one (the new head, returned by the same script that popped the old one) rather
 * than queueing a job for it: one job per dossier's run of events, not per event. Bounded, so a
 * dossier with a long queue hands the rest to a job of its own now and then.
 */
export const CHAIN_MAX = 100

type Step = { kind: 'next', entry: WebhookEntry } | { kind: 'end', result: 'delivered' | 'failed' } | { kind: 'retry', delayMs: number, reason: string }

export class WebhookDeliverer {
  private stopping = false

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

  /** Shutdown: a job hands its dossier's next event to a job of its own instead of sending it. */
  stop (): void { this.stopping = true }

  async process (job: Job<JobPayloads['deliver-webhook']>, token?: string): Promise<string> {
    const { agency, maHoSo, eventId } = job.data
    const { entry, failed } = await this.webhooks.head(agency, maHoSo)
    // Delivered already (a job queued twice), or an event that waits behind an earlier one.
    if (entry === undefined || entry.id !== eventId) return 'stale'
    if (failed?.id === eventId) return 'held'
    // An event the replicas lack may be taken back by a failover, and its id given to another
    // event (REDIS_WAIT_REPLICAS): it waits, without spending an attempt of its schedule.
    if (!await this.store.replicated(agency)) {
      this.log.warn({ maHoSo, eventId }, 'webhook event not yet on the replicas: delivery waits')
      await job.moveToDelayed(Date.now() + 1000, token)
      throw new DelayedError()
    }
    // `attempted`: attempts an earlier job spent on this event before handing it over.
    const step = await this.attempt(agency, maHoSo, entry, job.attemptsMade + 1 + (job.data.attempted ?? 0))
    if (step.kind === 'retry') throw new RetryLater(step.delayMs, step.reason)
    if (step.kind === 'end') return step.result
    return await this.chain(agency, maHoSo, step.entry)
  }

  /** Goes on with the dossier's next events while the receiver takes them (see CHAIN_MAX). */
  private async chain (agency: string, maHoSo: string, first: WebhookEntry): Promise<string> {
    let next = first
    for (let n = 1; ; n++) {
      if (this.stopping || n >= CHAIN_MAX || !await this.store.replicated(agency)) {
        await this.queues.enqueueWebhook(agency, maHoSo, next.id)
        return 'delivered'
      }
      const step = await this.attempt(agency, maHoSo, next, 1)
      if (step.kind === 'end') return 'delivered'
      if (step.kind === 'retry') {
        // Its own job takes its retries over, at the time the schedule says, one attempt spent.
        await this.queues.enqueueWebhook(agency, maHoSo, next.id, { delay: step.delayMs }, 1)
        return 'delivered'
      }
      next = step.entry
    }
  }

  /** One attempt at the head event `entry`; what follows: its successor to send, the end, or a retry. */
  private async attempt (agency: string, maHoSo: string, entry: WebhookEntry, attempt: number): Promise<Step> {
    const client = this.clients().find(c => c.id === entry.client)
    if (client?.webhook === undefined) {
      await this.failEvent(agency, maHoSo, entry, attempt, 'NO_RECEIVER', `client ${entry.client} ${client === undefined ? 'is no longer in the clients file' : 'has no webhook'}`)
      return { kind: 'end', result: 'failed' }
    }
    const eventId = entry.id
    const result = await this.sender.send({ url: client.webhook.url, secret: client.webhook.secret, id: entry.id, timestamp: new Date(), body: JSON.stringify(entry.body) })
    this.metrics.webhookAttempts.inc({ type: entry.type, client: client.id, outcome: result.outcome })
    const health = this.webhooks.receiverOutcome(client.id, result.outcome === 'delivered', result.error ?? (result.status === undefined ? undefined : `HTTP ${result.status}`))
    const ctx = { maHoSo, eventId, type: entry.type, client: client.id, attempt, status: result.status, durationMs: result.durationMs }
    if (result.outcome === 'delivered') {
      // The receiver's health and the queue are apart (another slot): both writes go out at once.
      const [{ result: r, next, nextEntry }] = await Promise.all([this.webhooks.done(agency, maHoSo, eventId, {
        at: isoFromEpoch(Date.now()), kind: 'webhook-delivered', eventId, type: entry.type, client: client.id, attempts: attempt
      }), health])
      this.log.info(ctx, 'webhook delivered')
      if (r !== 'ok' || next === '') return { kind: 'end', result: 'delivered' }
      if (nextEntry === undefined) {
        await this.queues.enqueueWebhook(agency, maHoSo, next)
        return { kind: 'end', result: 'delivered' }
      }
      return { kind: 'next', entry: nextEntry }
    }
    await health
    if (result.outcome === 'gone') {
      await this.failEvent(agency, maHoSo, entry, attempt, 'RECEIVER_GONE', 'the receiver answered 410 Gone: its endpoint no longer exists', result.status, result.responseSnippet)
      return { kind: 'end', result: 'failed' }
    }
    const delay = retryDelay(attempt, this.schedule, result.retryAfterMs)
    if (delay === undefined) {
      await this.failEvent(agency, maHoSo, entry, attempt, 'RETRIES_EXHAUSTED', `no success after ${attempt} attempts; last: ${result.error ?? 'failed'}`, result.status, result.responseSnippet)
      return { kind: 'end', result: 'failed' }
    }
    this.log.warn({ ...ctx, error: result.error, retryInMs: delay }, 'webhook delivery failed: will retry')
    return { kind: 'retry', delayMs: delay, reason: result.error ?? 'delivery failed' }
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
 * Heads the sweeper found without a job, and when it first did (per process): see sweepWebhooks.
 * Bounded by the heads that are without a job at one sweep.
 */
const unarmedSince = new Map<string, number>()

/**
 * Safety net: queues a job for every head event that should be on its way and may have lost its
 * job. A job that exists under the head's id (waiting, delayed for a retry, running) makes this a
 * no-op. One that BullMQ finished without the event being delivered or marked failed here (it
 * stalled too often while its process died, or threw past its attempts) would hold the head for
 * the 7 days BullMQ keeps failed jobs, since adding its id again does nothing: it is removed and
 * queued afresh, its retry schedule started again.
 *
 * A head with no job at all may be one a job is sending right now, having gone on to it from the
 * event before (CHAIN_MAX): queueing it would send it twice. It is queued only when an earlier
 * sweep of this process saw it without a job at least `graceMs` before (longer than one attempt
 * can take); a head whose job was truly lost is re-armed a sweep or two later.
 */
export async function sweepWebhooks (store: Pick<Store, 'agencies' | 'webhooks'>, queues: JobQueues, log: Logger, graceMs = 0, now = Date.now()): Promise<number> {
  let queued = 0
  const seen = new Set<string>()
  for (const agency of await store.agencies()) {
    for (const { code, eventId } of await store.webhooks.sendableHeads(agency)) {
      const id = jobIds.webhook(eventId)
      const state = await queues.webhooks.getJobState(id)
      if (FINISHED.has(state)) {
        // A job being retried or run cannot be removed (BullMQ refuses: it is locked); then it is alive.
        await queues.webhooks.remove(id)
        log.warn({ maHoSo: code, eventId, jobState: state }, 'webhook head stranded by a finished job: queued again')
      } else if (state === 'unknown' && graceMs > 0) {
        seen.add(eventId)
        const since = unarmedSince.get(eventId) ?? now
        unarmedSince.set(eventId, since)
        if (now - since < graceMs) continue
      }
      await queues.enqueueWebhook(agency, code, eventId)
      queued++
    }
  }
  for (const eventId of unarmedSince.keys()) if (!seen.has(eventId)) unarmedSince.delete(eventId)
  if (queued > 0) log.debug({ heads: queued }, 'webhook heads re-armed')
  return queued
}
