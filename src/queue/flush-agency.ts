/**
 * The `flush-agency` job: drains one agency's outbox. Exactly one job owns an agency's outbox
 * at a time, and exactly one run of that job works on it: each run claims it with a fresh
 * token and a lease that it renews before every portal call, and every acknowledgement checks
 * the token (see store/scripts-outbox.ts). A stalled job re-run elsewhere waits for the old
 * run's lease; a run that finds its claim taken over stops. Ownership is given up only
 * atomically with an empty outbox.
 */
import { randomUUID } from 'node:crypto'
import { DelayedError, UnrecoverableError, type Job } from 'bullmq'
import type { Log as Logger } from '../logger.js'
import { isoFromEpoch } from '../domain/toolkit/dates.js'
import { FencedError } from '../store/delivery-store.js'
import type { Fence, Outbox } from '../store/ports/outbox.js'
import type { LoadedBatch } from '../store/ports/dossiers.js'
import type { Store } from '../store/ports/store.js'
import type { CircuitBreaker } from '../adapters/portal/circuit-breaker.js'
import { PortalSync, TransientFailure } from './portal-sync.js'
import type { JobPayloads } from './jobs.js'
import { isRedisUnavailable } from '../adapters/redis-errors.js'

export interface FlushOptions {
  batchSize: number
  retryWindowMs: number
  /** How long a claim outlives its last renewal: longer than the longest backoff. */
  ownerTtlMs: number
  /** How long a run may go without renewing its lease: longer than one portal call can take. */
  leaseMs: number
  /** How long a batch waits when the replicas did not confirm what it was read from. */
  notReplicatedDelayMs?: number
  /** Told of each dossier this flusher marks failed itself (unreadable, retry window over). */
  onFailed?: (reason: string) => void
}

/** The replicas (REDIS_WAIT_REPLICAS) did not confirm what a batch was read from in time. */
export class NotReplicated extends Error {
  constructor () {
    super('the batch is not yet on the Redis replicas')
    this.name = 'NotReplicated'
  }
}

export type FlushResult = { outcome: 'drained', sent: number } | { outcome: 'not-owner' } | { outcome: 'fenced', sent: number }

export class AgencyFlusher {
  private stopping = false

  /** Shutdown: jobs hand their outbox back at the next batch boundary instead of draining it. */
  stop (): void { this.stopping = true }

  constructor (
    private readonly store: Pick<Store, 'delivery' | 'loadBatch' | 'replicated'>,
    private readonly sync: PortalSync,
    private readonly breaker: CircuitBreaker,
    private readonly opts: FlushOptions,
    private readonly log: Logger
  ) {}

  private get delivery (): Outbox { return this.store.delivery }

  async process (job: Job<JobPayloads['flush-agency']>, token?: string): Promise<FlushResult> {
    const agency = job.data?.agency
    const jobId = job.id
    if (typeof agency !== 'string' || jobId === undefined) throw new UnrecoverableError('flush job without agency')
    const fence: Fence = { agency, token: randomUUID() }
    const claim = await this.delivery.claim(agency, jobId, fence.token, this.opts.leaseMs, this.opts.ownerTtlMs)
    if (!claim.ok) {
      if (claim.busyUntil === undefined) return { outcome: 'not-owner' }
      // An earlier run of this job (stalled, so BullMQ handed the job on) may still be talking
      // to the portal: come back when its lease ends, unless it has finished by then.
      this.log.info({ agency, jobId }, 'outbox still leased by an earlier run of this job: waiting')
      await job.moveToDelayed(claim.busyUntil + 50, token)
      throw new DelayedError()
    }
    const log = this.log.child({ agency, jobId })
    let sent = 0
    const ctx = {
      jobId,
      attempt: job.attemptsMade + 1,
      fence,
      probe: false,
      beforeCall: async () => {
        await this.delivery.renew(fence, this.opts.leaseMs, this.opts.ownerTtlMs)
        // After the batch was read: covers every write it was read from (REDIS_WAIT_REPLICAS).
        // What a failover could take back is never sent: a code the new primary would reuse.
        if (!await this.store.replicated(agency)) throw new NotReplicated()
      }
    }
    try {
      for (;;) {
        await this.failExpired(fence)
        const refs = await this.delivery.refs(agency, this.opts.batchSize)
        if (refs.length === 0) {
          if (await this.delivery.releaseIfEmpty(fence) === 0) continue
          return { outcome: 'drained', sent }
        }
        if (this.stopping) {
          // Keeps the outbox: the same job, delayed a moment, is resumed by whichever worker takes it.
          await this.pause(job, token, fence, Date.now() + 100)
        }
        const admission = await this.breaker.admit()
        if (!admission.ok) {
          log.debug({ until: admission.until }, 'portal circuit open: waiting')
          await this.pause(job, token, fence, admission.until)
        }
        ctx.probe = admission.ok && admission.probe
        const batch = await this.store.loadBatch(agency, refs)
        await this.dropUnreadable(fence, batch)
        await this.sync.syncBatch(agency, batch.dossiers, ctx)
        sent += batch.dossiers.length
      }
    } catch (err) {
      if (err instanceof FencedError) {
        log.warn({ sent }, 'another run took this outbox over: stopping')
        return { outcome: 'fenced', sent }
      }
      if (err instanceof DelayedError) throw err
      if (err instanceof NotReplicated) {
        const waitMs = this.opts.notReplicatedDelayMs ?? 1000
        log.warn({ waitMs }, 'batch not yet on the replicas: delivery waits')
        await this.pause(job, token, fence, Date.now() + waitMs)
      }
      if (err instanceof TransientFailure) {
        await this.failExpired(fence).catch(() => {})
        log.warn({ attempt: job.attemptsMade + 1, err: err.message, httpStatus: err.httpStatus, portalCode: err.portalCode }, 'portal delivery failed; will retry')
      }
      // The job's next run (a retry after backoff) takes the outbox over at once.
      await this.delivery.yieldClaim(fence, this.opts.ownerTtlMs).catch((e: unknown) => {
        if (isRedisUnavailable(e)) this.yieldWhenBack(job, fence, log)
      })
      throw err
    }
  }

  /**
   * Redis went away under this run (a failover, a restart): its lease would hold the outbox
   * for up to leaseMs after the job's retry. Give it back as soon as Redis answers again (the
   * token still decides: a claim taken over meanwhile is left alone), and wake the job if its
   * retry already went to sleep on that lease.
   */
  private yieldWhenBack (job: Job, fence: Fence, log: Logger): void {
    const until = Date.now() + this.opts.leaseMs
    const attempt = async (): Promise<void> => {
      try {
        if (await this.delivery.yieldClaim(fence, this.opts.ownerTtlMs)) {
          log.info('lease of a run cut off by Redis given back')
          if (await job.isDelayed()) await job.promote()
        }
      } catch (err) {
        if (isRedisUnavailable(err) && Date.now() < until && !this.stopping) setTimeout(later, 250).unref()
      }
    }
    const later = (): void => { attempt().catch(() => {}) }
    setTimeout(later, 250).unref()
  }

  private async pause (job: Job, token: string | undefined, fence: Fence, until: number): Promise<never> {
    if (!await this.delivery.yieldClaim(fence, this.opts.ownerTtlMs)) throw new FencedError(fence.agency)
    await job.moveToDelayed(until, token)
    throw new DelayedError()
  }

  /** Outbox entries whose record is gone are dropped (once); unreadable records fail alone. */
  private async dropUnreadable (fence: Fence, batch: LoadedBatch): Promise<void> {
    if (batch.missing.length > 0) {
      const states = await this.delivery.ackMany(fence, batch.missing.map(ref => ({ ref })))
      batch.missing.forEach((ref, i) => {
        if (states[i] === 'missing') this.log.warn({ agency: fence.agency, ref }, 'outbox entry without its dossier record: dropped')
      })
    }
    for (const { ref, maHoSo } of batch.corrupt) {
      if (await this.delivery.fail(fence, ref, { code: 'UNRENDERABLE', reason: 'the stored record cannot be read', at: isoFromEpoch(Date.now()) }, maHoSo)) this.opts.onFailed?.('UNRENDERABLE')
      this.log.error({ agency: fence.agency, ref, maHoSo }, 'stored dossier record cannot be read: failed')
    }
  }

  /** Gives up on dossiers that kept failing for longer than the retry window. */
  private async failExpired (fence: Fence): Promise<void> {
    const now = Date.now()
    for (const { ref, maHoSo, lastError } of await this.delivery.expired(fence.agency, now - this.opts.retryWindowMs)) {
      const last = lastError.error ?? `portal error_code ${lastError.portalCode ?? '?'}`
      const failed = await this.delivery.fail(fence, ref, {
        code: 'RETRY_WINDOW_EXCEEDED',
        reason: `still failing after ${Math.round(this.opts.retryWindowMs / 3_600_000)} h; last error: ${last}`,
        at: isoFromEpoch(now),
        ...(lastError.portalCode === undefined ? {} : { portalCode: lastError.portalCode })
      }, maHoSo)
      if (failed) this.opts.onFailed?.('RETRY_WINDOW_EXCEEDED')
      this.log.warn({ agency: fence.agency, ref }, 'dossier failed: retry window exceeded')
    }
  }
}

/**
 * Exponential backoff with equal jitter (half the delay fixed, half random), never shorter
 * than the portal's Retry-After: retries of many agencies spread out, and none comes too soon.
 */
export function backoffDelay (attemptsMade: number, err: Error | undefined, baseMs: number, maxMs: number, random = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1))
  const jittered = Math.round(exp / 2 + random() * exp / 2)
  const retryAfter = err instanceof TransientFailure ? err.retryAfterMs ?? 0 : 0
  return Math.max(jittered, retryAfter)
}
