/**
 * Sends one batch of an agency's outbox to the portal: creates, then updates, then status
 * steps, so that for every dossier an update never overtakes its create and steps keep their
 * order. A batch whose call is refused as a whole (-1, -3, -4) is split into single dossiers
 * to find the one at fault. Transport failures and `99` throw TransientFailure for BullMQ to
 * retry with backoff.
 */
import type { Log as Logger } from '../logger.js'
import { isoFromEpoch } from '../mappings/toolkit/dates.js'
import type { PortalClient, PortalReply } from '../adapters/portal/portal-client.js'
import { PortalTransportError } from '../adapters/portal/portal-client.js'
import type { CircuitBreaker } from '../adapters/portal/circuit-breaker.js'
import type { Attempt, DossierStore, StoredDossier } from '../store/dossier-store.js'
import { toCanonical } from '../store/dossier-store.js'
import { toPortalHoSo, toPortalTienDo, type PortalHoSo } from '../mappings/to-portal.js'

export class TransientFailure extends Error {
  constructor (message: string, readonly retryAfterMs: number | undefined, readonly httpStatus?: number) {
    super(message)
    this.name = 'TransientFailure'
  }
}

export interface SyncContext { jobId: string, attempt: number }

type Op = Attempt['operation']

export class PortalSync {
  constructor (
    private readonly store: DossierStore,
    private readonly portal: PortalClient,
    private readonly breaker: CircuitBreaker,
    private readonly log: Logger
  ) {}

  async syncBatch (agency: string, dossiers: StoredDossier[], ctx: SyncContext): Promise<void> {
    const live = dossiers.filter(d => d.state === 'pending')
    const toCreate = live.filter(d => !d.created)
    await this.sendHoSo(agency, toCreate, false, ctx)
    // Creates change the records (created flag, revisions); without any, the batch is current.
    const fresh = toCreate.length === 0 ? live : await this.store.loadMany(agency, live.map(d => d.ref))
    const created = fresh.filter((d): d is StoredDossier => d?.state === 'pending' && d.created)
    await this.sendHoSo(agency, created.filter(d => d.deliveredRev < d.contentRev), true, ctx)
    await this.sendSteps(agency, created, ctx)
    // Settles dossiers that had nothing left to send, and drops stale outbox entries.
    await this.store.ackMany(agency, dossiers.map(d => ({ ref: d.ref })), Date.now())
  }

  private async sendHoSo (agency: string, ds: StoredDossier[], isUpdating: boolean, ctx: SyncContext): Promise<void> {
    if (ds.length === 0) return
    const op: Op = isUpdating ? 'update' : 'create'
    const records = ds.map(d => toPortalHoSo(toCanonical(d)))
    const reply = await this.call(agency, op, ds, ctx, {
      service: 'DongBoHoSoMC', madonvi: agency, isUpdating: isUpdating ? 'True' : 'False', data: records
    })
    const code = reply.error_code
    if (code === '0') {
      await this.store.ackMany(agency, ds.map(d => ({ ref: d.ref, created: true, deliveredRev: d.contentRev })), Date.now())
      return
    }
    if (ds.length > 1 && ['-1', '-3', '-4'].includes(code)) {
      for (const d of ds) await this.sendHoSo(agency, [d], isUpdating, ctx)
      return
    }
    const d = ds[0] as StoredDossier
    const sent = records[0] as PortalHoSo
    if (!isUpdating && code === '-3') return await this.resolveExisting(agency, d, sent, ctx)
    if (isUpdating && code === '-4') {
      // The portal does not know it (any more): create it again on the next pass.
      await this.store.ack(agency, d.ref, { created: false }, Date.now())
      return
    }
    await this.failPermanently(agency, d, code, reply)
  }

  /**
   * A create answered "đã tồn tại": usually our own earlier create whose answer was lost to a
   * crash or timeout. Look it up: the same content is delivered; anything else becomes an update.
   */
  private async resolveExisting (agency: string, d: StoredDossier, sent: PortalHoSo, ctx: SyncContext): Promise<void> {
    const reply = await this.call(agency, 'lookup', [d], ctx, { service: 'TraCuuHoSo', madonvi: agency, mahoso: d.maHoSo })
    const same = reply.error_code === '0' && sameContent(sent, reply.result)
    await this.store.ack(agency, d.ref, same ? { created: true, deliveredRev: d.contentRev } : { created: true }, Date.now())
    this.log.info({ maHoSo: d.maHoSo, same }, 'create answered -3: dossier already on the portal')
  }

  private async sendSteps (agency: string, ds: StoredDossier[], ctx: SyncContext): Promise<void> {
    const items: Array<{ d: StoredDossier, tienDo: ReturnType<typeof toPortalTienDo> }> = []
    const pending = await this.store.pendingStepsMany(agency, ds.map(d => d.ref), 50)
    ds.forEach((d, i) => {
      const steps = pending[i] ?? []
      if (steps.length === 0) return
      const canonical = toCanonical(d)
      for (const s of steps) items.push({ d, tienDo: toPortalTienDo(canonical, s) })
    })
    for (let i = 0; i < items.length; i += 50) await this.sendStepChunk(agency, items.slice(i, i + 50), ctx)
  }

  private async sendStepChunk (agency: string, chunk: Array<{ d: StoredDossier, tienDo: ReturnType<typeof toPortalTienDo> }>, ctx: SyncContext): Promise<void> {
    const byDossier = new Map<string, { d: StoredDossier, n: number }>()
    for (const { d } of chunk) {
      const e = byDossier.get(d.ref) ?? { d, n: 0 }
      e.n++
      byDossier.set(d.ref, e)
    }
    const ds = [...byDossier.values()].map(e => e.d)
    const reply = await this.call(agency, 'steps', ds, ctx, {
      service: 'CapNhatTienDoHoSoMC', madonvi: agency, data: chunk.map(c => c.tienDo)
    })
    const code = reply.error_code
    if (code === '0') {
      await this.store.ackMany(agency, [...byDossier.values()].map(({ d, n }) => ({ ref: d.ref, stepsAcked: n })), Date.now())
      return
    }
    if (byDossier.size > 1 && ['-1', '-4'].includes(code)) {
      for (const ref of byDossier.keys()) await this.sendStepChunk(agency, chunk.filter(c => c.d.ref === ref), ctx)
      return
    }
    const d = ds[0] as StoredDossier
    if (code === '-4') {
      await this.store.ack(agency, d.ref, { created: false }, Date.now())
      return
    }
    await this.failPermanently(agency, d, code, reply)
  }

  private async failPermanently (agency: string, d: StoredDossier, code: string, reply: PortalReply): Promise<void> {
    const reason = typeof reply.message === 'string' ? reply.message : `portal error_code ${code}`
    await this.store.fail(agency, d.ref, {
      code: code === '-1' ? 'PORTAL_REJECTED' : 'PORTAL_UNEXPECTED', reason, portalCode: code, at: isoFromEpoch(Date.now())
    })
    this.log.warn({ maHoSo: d.maHoSo, portalCode: code }, 'dossier failed permanently at the portal')
  }

  /** One portal call, recorded as an attempt on every dossier it carries. */
  private async call (agency: string, operation: Op, ds: StoredDossier[], ctx: SyncContext, body: Record<string, unknown> & { service: string, madonvi: string }): Promise<PortalReply> {
    const started = performance.now()
    const base = { at: isoFromEpoch(Date.now()), jobId: ctx.jobId, attempt: ctx.attempt, operation, batchSize: ds.length }
    const refs = ds.map(d => d.ref)
    try {
      const { reply, httpStatus, durationMs } = await this.portal.call(body)
      const code = reply.error_code
      const outcome: Attempt['outcome'] = code === '0' ? 'ok' : code === '-3' ? 'exists' : code === '-4' ? 'unknown-dossier' : code === '99' || code === '401' ? 'transient' : 'permanent'
      const entry: Attempt = { ...base, outcome, durationMs, httpStatus, portalCode: code }
      if (typeof reply.message === 'string') entry.portalMessage = reply.message.slice(0, 500)
      await this.store.recordAttempts(agency, refs, entry, outcome === 'transient')
      if (outcome === 'transient') {
        await this.breaker.failure()
        throw new TransientFailure(`portal error_code ${code}`, undefined, httpStatus)
      }
      await this.breaker.success()
      this.log.debug({ agency, operation, batch: ds.length, portalCode: code, durationMs }, 'portal call')
      return reply
    } catch (err) {
      if (err instanceof TransientFailure) throw err
      if (!(err instanceof PortalTransportError)) throw err
      const entry: Attempt = {
        ...base, outcome: 'transient', durationMs: Math.round(performance.now() - started), error: err.message
      }
      if (err.httpStatus !== undefined) entry.httpStatus = err.httpStatus
      await this.store.recordAttempts(agency, refs, entry, true)
      await this.breaker.failure(Date.now(), err.retryAfterMs ?? 0)
      throw new TransientFailure(err.message, err.retryAfterMs, err.httpStatus)
    }
  }
}

/** Every field we sent has the same value on the portal (the portal may add its own). */
export function sameContent (sent: PortalHoSo, onPortal: unknown): boolean {
  if (onPortal === null || typeof onPortal !== 'object') return false
  const other = onPortal as Record<string, unknown>
  return Object.entries(sent).every(([k, v]) => k === 'TrangThaiHoSo' || JSON.stringify(v) === JSON.stringify(other[k]))
}
