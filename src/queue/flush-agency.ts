/**
 * The `flush-agency` job: drains one agency's outbox. Exactly one job owns an agency's outbox
 * at a time (a Redis claim keyed by the job id, which survives the job's retries and a crash
 * of its process), so a dossier's writes are never sent by two workers at once and arrive in
 * order. Ownership is given up only atomically with an empty outbox (see store/scripts.ts).
 */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq'
import type { Log as Logger } from '../logger.js'
import { isoFromEpoch } from '../mappings/toolkit/dates.js'
import type { DossierStore } from '../store/dossier-store.js'
import type { CircuitBreaker } from '../adapters/portal/circuit-breaker.js'
import { PortalSync, TransientFailure } from './portal-sync.js'
import type { JobPayloads } from './jobs.js'

export interface FlushOptions {
  batchSize: number
  retryWindowMs: number
  /** How long a claim outlives its last renewal: longer than the longest backoff. */
  ownerTtlMs: number
}

export type FlushResult = { outcome: 'drained', sent: number } | { outcome: 'not-owner' }

export class AgencyFlusher {
  private stopping = false

  /** Shutdown: jobs hand their outbox back at the next batch boundary instead of draining it. */
  stop (): void { this.stopping = true }

  constructor (
    private readonly store: DossierStore,
    private readonly sync: PortalSync,
    private readonly breaker: CircuitBreaker,
    private readonly opts: FlushOptions,
    private readonly log: Logger
  ) {}

  async process (job: Job<JobPayloads['flush-agency']>, token?: string): Promise<FlushResult> {
    const agency = job.data?.agency
    const jobId = job.id
    if (typeof agency !== 'string' || jobId === undefined) throw new UnrecoverableError('flush job without agency')
    if (!await this.store.claim(agency, jobId, this.opts.ownerTtlMs)) return { outcome: 'not-owner' }
    const log = this.log.child({ agency, jobId })
    let sent = 0
    try {
      for (;;) {
        await this.failExpired(agency)
        const refs = await this.store.outbox(agency, this.opts.batchSize)
        if (refs.length === 0) {
          const r = await this.store.releaseIfEmpty(agency, jobId)
          if (r === 0) continue
          return { outcome: 'drained', sent }
        }
        if (this.stopping) {
          // Keeps the claim: the same job, delayed a moment, is resumed by whichever worker takes it.
          await job.moveToDelayed(Date.now() + 100, token)
          throw new DelayedError()
        }
        const admission = await this.breaker.admit()
        if (!admission.ok) {
          log.debug({ until: admission.until }, 'portal circuit open: waiting')
          await job.moveToDelayed(admission.until, token)
          throw new DelayedError()
        }
        const loaded = await this.store.loadMany(agency, refs)
        const dossiers = loaded.filter(d => d !== undefined)
        await this.sync.syncBatch(agency, dossiers, { jobId, attempt: job.attemptsMade + 1 })
        sent += dossiers.length
        await this.store.claim(agency, jobId, this.opts.ownerTtlMs)
      }
    } catch (err) {
      if (err instanceof DelayedError) throw err
      if (err instanceof TransientFailure) {
        await this.failExpired(agency)
        log.warn({ attempt: job.attemptsMade + 1, err: err.message, httpStatus: err.httpStatus }, 'portal delivery failed; will retry')
      }
      throw err
    }
  }

  /** Gives up on dossiers that kept failing for longer than the retry window. */
  private async failExpired (agency: string): Promise<void> {
    const now = Date.now()
    for (const { ref, lastError } of await this.store.expired(agency, now - this.opts.retryWindowMs)) {
      await this.store.fail(agency, ref, {
        code: 'RETRY_WINDOW_EXCEEDED',
        reason: `still failing after ${Math.round(this.opts.retryWindowMs / 3_600_000)} h; last error: ${lastError.error ?? `portal error_code ${lastError.portalCode ?? '?'}`}`,
        at: isoFromEpoch(now)
      })
      this.log.warn({ agency, ref }, 'dossier failed: retry window exceeded')
    }
  }
}

/** Exponential backoff with full jitter, at least the portal's Retry-After. */
export function backoffDelay (attemptsMade: number, err: Error | undefined, baseMs: number, maxMs: number, random = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1))
  const jittered = Math.round(exp / 2 + random() * exp / 2)
  const retryAfter = err instanceof TransientFailure ? err.retryAfterMs ?? 0 : 0
  return Math.max(jittered, retryAfter)
}
