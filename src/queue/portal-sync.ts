/**
 * Sends one batch of an agency's outbox to the portal: creates, then updates, then status
 * steps, so that for every dossier an update never overtakes its create and steps keep their
 * order. Whatever fails for one dossier fails that dossier alone: a record that cannot be
 * rendered, a batch refused as a whole (`-1`, HTTP 413: split until the culprit is found), or a
 * `-3` whose portal record belongs to someone else. Failures of the portal itself make the
 * whole batch wait (TransientFailure, see portal-calls.ts).
 */
import type { Log as Logger } from '../logger.js'
import { isoFromEpoch } from '../domain/toolkit/dates.js'
import { toCanonical, type Ack, type StoredDossier, type PendingStep, type Failure } from '../store/records.js'
import type { Store } from '../store/ports/store.js'
import type { Outbox } from '../store/ports/outbox.js'
import { toPortalHoSo, toPortalTienDo, type PortalHoSo, type PortalTienDo } from '../mappings/to-portal.js'
import { BatchTooLarge, TransientFailure, type CallContext, type PortalCalls } from './portal-calls.js'
import { identityDifferences, sameContent } from './code-identity.js'
import type { Metrics } from '../adapters/metrics.js'

export { TransientFailure } from './portal-calls.js'
export type SyncContext = CallContext

interface Rendered { d: StoredDossier, hoSo: PortalHoSo }
/** `states`: each dossier's state after the latest acknowledgement this batch made for it. */
interface Batch { ctx: SyncContext, stopped: Set<string>, states: Map<string, string> }
interface StepItem { d: StoredDossier, step: PendingStep, tienDo: PortalTienDo }

/** Splits `items` in halves until each refused part is a single item, which `single` settles. */
async function bisect<T> (items: T[], send: (part: T[]) => Promise<'ok' | 'refused'>, single: (item: T) => Promise<void>): Promise<void> {
  if (await send(items) === 'ok') return
  if (items.length === 1) return await single(items[0] as T)
  const mid = Math.ceil(items.length / 2)
  await bisect(items.slice(0, mid), send, single)
  await bisect(items.slice(mid), send, single)
}

export class PortalSync {
  constructor (
    private readonly store: Pick<Store, 'delivery' | 'loadBatch'>,
    private readonly calls: PortalCalls,
    private readonly log: Logger,
    private readonly metrics?: Pick<Metrics, 'deliveryLatency' | 'deliveryFailed'>
  ) {}

  private get delivery (): Outbox { return this.store.delivery }

  async syncBatch (agency: string, dossiers: StoredDossier[], ctx: SyncContext): Promise<void> {
    // Dossiers that failed, or must be created again, during this batch: nothing more is sent for them.
    const stopped = new Set<string>()
    const b: Batch = { ctx, stopped, states: new Map() }
    const live = dossiers.filter(d => d.state === 'pending')
    const toCreate = await this.render(live.filter(d => !d.created), b)
    await this.sendHoSo(agency, toCreate, false, b)
    const fresh = toCreate.length === 0 ? live : await this.afterCreates(agency, live, toCreate, b)
    const created = fresh.filter(d => d.state === 'pending' && d.created && !stopped.has(d.ref))
    await this.sendHoSo(agency, await this.render(created.filter(d => d.deliveredRev < d.contentRev), b), true, b)
    await this.sendSteps(agency, created.filter(d => !stopped.has(d.ref)), b)
    // Settles dossiers that had nothing left to send, and drops stale outbox entries. One that an
    // acknowledgement of this batch already left out of `pending` is settled (its entry is gone).
    await this.ackMany(b, dossiers.filter(d => (b.states.get(d.ref) ?? 'pending') === 'pending').map(d => ({ ref: d.ref })))
    const now = Date.now()
    for (const d of dossiers) {
      if (d.state === 'pending' && b.states.get(d.ref) === 'delivered') this.metrics?.deliveryLatency.observe(Math.max(0, now - d.updatedAt) / 1000)
    }
  }

  /**
   * Creates change the records (created flag, revisions): those the creates left pending are
   * read again; those their acknowledgement settled have nothing more to send in this batch.
   */
  private async afterCreates (agency: string, live: StoredDossier[], toCreate: Rendered[], b: Batch): Promise<StoredDossier[]> {
    const sent = new Set(toCreate.map(r => r.d.ref))
    const again = live.filter(d => sent.has(d.ref) && !b.stopped.has(d.ref) && (b.states.get(d.ref) ?? 'pending') === 'pending')
    const reread = new Map(again.length === 0 ? [] : (await this.store.loadBatch(agency, again.map(d => d.ref))).dossiers.map(d => [d.ref, d]))
    return live.flatMap(d => sent.has(d.ref) ? reread.get(d.ref) ?? [] : [d])
  }

  /** Records the portal's answers; remembers each dossier's state afterwards. */
  private async ackMany (b: Batch, acks: Array<Ack & { ref: string, maHoSo?: string }>): Promise<void> {
    const states = await this.delivery.ackMany(b.ctx.fence, acks)
    acks.forEach((a, i) => { b.states.set(a.ref, states[i] ?? 'missing') })
  }

  /** Renders each dossier alone: one that cannot be rendered fails by itself (UNRENDERABLE). */
  private async render (ds: StoredDossier[], b: Batch): Promise<Rendered[]> {
    const out: Rendered[] = []
    for (const d of ds) {
      try {
        out.push({ d, hoSo: toPortalHoSo(toCanonical(d)) })
      } catch (err) {
        await this.fail(d, b, 'UNRENDERABLE', `cannot be rendered for the portal: ${(err as Error).message}`.slice(0, 300))
      }
    }
    return out
  }

  private async sendHoSo (agency: string, items: Rendered[], isUpdating: boolean, b: Batch): Promise<void> {
    if (items.length === 0) return
    const ctx = b.ctx
    await bisect(items, async (part) => {
      let reply
      try {
        reply = await this.calls.call(isUpdating ? 'update' : 'create', part.map(r => r.d), ctx, {
          service: 'DongBoHoSoMC', madonvi: agency, isUpdating: isUpdating ? 'True' : 'False', data: part.map(r => r.hoSo)
        })
      } catch (err) {
        if (err instanceof BatchTooLarge) return 'refused'
        throw err
      }
      const code = reply.error_code
      if (code === '0') {
        await this.ackMany(b, part.map(r => ({ ref: r.d.ref, maHoSo: r.d.maHoSo, created: true, deliveredRev: r.d.contentRev })))
        return 'ok'
      }
      if (part.length > 1 && (code === '-3' || code === '-4')) {
        // Says which dossiers only by message text: try each alone.
        for (const r of part) await this.sendHoSo(agency, [r], isUpdating, b)
        return 'ok'
      }
      if (part.length > 1 && code === '-1') return 'refused'
      const r = part[0] as Rendered
      if (code === '-1') {
        await this.fail(r.d, b, 'PORTAL_REJECTED', typeof reply.message === 'string' ? reply.message.slice(0, 500) : 'portal error_code -1', code)
      } else if (!isUpdating && code === '-3') {
        await this.resolveExisting(agency, r, b)
      } else if (isUpdating && code === '-4') {
        // The portal does not know it (any more): create it again on the next pass.
        b.stopped.add(r.d.ref)
        await this.ackMany(b, [{ ref: r.d.ref, created: false }])
      } else {
        throw new TransientFailure(`portal error_code ${code} is unexpected for ${isUpdating ? 'an update' : 'a create'}`, undefined, 200, code)
      }
      return 'ok'
    }, async (r) => {
      await this.fail(r.d, b, 'PAYLOAD_TOO_LARGE', 'the portal refuses this dossier alone as too large (HTTP 413)')
    })
  }

  /**
   * A create answered "đã tồn tại": usually our own earlier create whose answer was lost to a
   * crash or timeout. Look it up. Another applicant's record under the same code (a code reused
   * after a Redis restore, another system numbering the same agency) is a collision: nothing is
   * overwritten. Our own record with the same content is delivered; else an update follows.
   */
  private async resolveExisting (agency: string, r: Rendered, b: Batch): Promise<void> {
    const { d, hoSo } = r
    const ctx = b.ctx
    const reply = await this.calls.call('lookup', [d], ctx, { service: 'TraCuuHoSo', madonvi: agency, mahoso: d.maHoSo })
    if (reply.error_code !== '0') {
      throw new TransientFailure(`portal answered -3 for the create but ${reply.error_code} for the look-up`, undefined, 200)
    }
    const differs = identityDifferences(hoSo, reply.result)
    if (differs.length > 0) {
      await this.fail(d, b, 'CODE_COLLISION',
        `the portal already holds ${d.maHoSo} for another dossier (different ${differs.join(', ')}); nothing was overwritten`, '-3')
      this.log.error({ maHoSo: d.maHoSo, fields: differs }, 'code collision: the portal holds another dossier under this code')
      return
    }
    const same = sameContent(hoSo, reply.result)
    await this.ackMany(b, [{ ref: d.ref, maHoSo: d.maHoSo, created: true, ...(same ? { deliveredRev: d.contentRev } : {}) }])
    this.log.info({ maHoSo: d.maHoSo, same }, 'create answered -3: our dossier is already on the portal')
  }

  private async sendSteps (agency: string, ds: StoredDossier[], b: Batch): Promise<void> {
    if (ds.length === 0) return
    const pending = await this.delivery.pendingStepsMany(agency, ds.map(d => d.ref), 50)
    const items: StepItem[] = []
    for (const [i, d] of ds.entries()) {
      const steps = pending[i] ?? []
      if (steps.length === 0) continue
      try {
        const canonical = toCanonical(d)
        items.push(...steps.map(step => ({ d, step, tienDo: toPortalTienDo(canonical, step) })))
      } catch (err) {
        await this.fail(d, b, 'UNRENDERABLE', `a processing step cannot be rendered for the portal: ${(err as Error).message}`.slice(0, 300))
      }
    }
    // A dossier whose step failed or must be created again sends none of its later steps now.
    for (let i = 0; i < items.length; i += 50) {
      const chunk = items.slice(i, i + 50).filter(it => !b.stopped.has(it.d.ref))
      if (chunk.length > 0) await this.sendStepChunk(agency, chunk, b)
    }
  }

  /** Steps of one chunk; a refused chunk is split by dossier, keeping each dossier's steps in order. */
  private async sendStepChunk (agency: string, chunk: StepItem[], b: Batch): Promise<void> {
    const ctx = b.ctx
    const byRef = new Map<string, StepItem[]>()
    for (const it of chunk) byRef.set(it.d.ref, [...(byRef.get(it.d.ref) ?? []), it])
    const groups = [...byRef.values()]
    await bisect(groups, async (part) => {
      const steps = part.flat()
      let reply
      try {
        reply = await this.calls.call('steps', part.map(g => (g[0] as StepItem).d), ctx, {
          service: 'CapNhatTienDoHoSoMC', madonvi: agency, data: steps.map(s => s.tienDo)
        })
      } catch (err) {
        if (err instanceof BatchTooLarge) return 'refused'
        throw err
      }
      const code = reply.error_code
      if (code === '0') {
        await this.ackMany(b, part.map(g => ({ ref: (g[0] as StepItem).d.ref, stepsUpTo: Math.max(...g.map(s => s.step.id ?? 0)) })))
        return 'ok'
      }
      if (part.length > 1 && (code === '-1' || code === '-4')) return 'refused'
      const d = (part[0]?.[0] as StepItem).d
      b.stopped.add(d.ref)
      if (code === '-4') {
        await this.ackMany(b, [{ ref: d.ref, created: false }])
      } else if (code === '-1') {
        await this.fail(d, b, 'PORTAL_REJECTED', typeof reply.message === 'string' ? reply.message.slice(0, 500) : 'portal error_code -1', code)
      } else {
        throw new TransientFailure(`portal error_code ${code} is unexpected for steps`, undefined, 200, code)
      }
      return 'ok'
    }, async (g) => {
      const d = (g[0] as StepItem).d
      await this.fail(d, b, 'PAYLOAD_TOO_LARGE', 'the portal refuses the steps of this dossier as too large (HTTP 413)')
    })
  }

  private async fail (d: StoredDossier, b: Batch, code: string, reason: string, portalCode?: string): Promise<void> {
    b.stopped.add(d.ref)
    const failure: Failure = { code, reason, at: isoFromEpoch(Date.now()) }
    if (portalCode !== undefined) failure.portalCode = portalCode
    if (await this.delivery.fail(b.ctx.fence, d.ref, failure, d.maHoSo)) {
      this.metrics?.deliveryFailed.inc({ reason: code })
      this.log.warn({ maHoSo: d.maHoSo, reason: code, portalCode }, 'dossier failed')
    }
  }
}
