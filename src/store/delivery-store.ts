/**
 * What delivery needs from the store: the fenced claim on an agency's outbox, the outbox itself,
 * pending steps, and the recording of the portal's answers. Every acknowledging or failing call
 * carries the claim's token; a run that lost its claim gets `FencedError` and must stop.
 */
import type { RedisClient } from './redis/connection.js'
import type { Keys } from './keys.js'
import type { Ack, Attempt, Failure, PendingStep } from './records.js'
import type { Claim, Fence, Outbox, WebhookHeads } from './ports/outbox.js'
import { isoFromEpoch, localDay } from '../domain/toolkit/dates.js'
import { execEach, type Command } from './redis/by-slot.js'
import { epochOf } from './sorted-index.js'
import { ACK, ATTEMPT, CLAIM, FAIL, RELEASE, RELEASE_IF_EMPTY, RENEW, YIELD } from './scripts-outbox.js'

const ATTEMPTS_KEEP = 200
/** A day's delivered count is kept 40 days: the admin page reads today's. */
const DELIVERED_COUNT_TTL_S = 40 * 86_400

export type { Claim, Fence, Outbox, WebhookHeads } from './ports/outbox.js'

export class FencedError extends Error {
  constructor (agency: string) {
    super(`the claim on agency ${agency}'s outbox was taken over`)
    this.name = 'FencedError'
  }
}

/** A process that queues no jobs (the CLI, the doctor, tests of the store alone). */
export const IGNORE_WEBHOOK_HEADS: WebhookHeads = { moved: () => {} }

export class DeliveryStore implements Outbox {
  constructor (private readonly redis: RedisClient, private readonly keys: Keys, private readonly retentionMs: number, private readonly heads: WebhookHeads = IGNORE_WEBHOOK_HEADS) {}

  async claim (agency: string, jobId: string, token: string, leaseMs: number, ttlMs: number, now = Date.now()): Promise<Claim> {
    const [ok, lease] = await this.redis.ltClaim(...CLAIM.argv({ owner: this.keys.flushOwner(agency) }, { jobId, token, now, leaseMs, ttlMs }))
    if (ok === 1) return { ok: true }
    return lease > 0 ? { ok: false, busyUntil: lease } : { ok: false }
  }

  /** Extends the lease; throws FencedError when another run took the claim. */
  async renew (f: Fence, leaseMs: number, ttlMs: number): Promise<void> {
    if (await this.redis.ltRenew(...RENEW.argv({ owner: this.keys.flushOwner(f.agency) }, { token: f.token, now: Date.now(), leaseMs, ttlMs })) !== 1) throw new FencedError(f.agency)
  }

  /** Ends this run keeping the outbox for the job's next run. False when already fenced. */
  async yieldClaim (f: Fence, ttlMs: number): Promise<boolean> {
    return await this.redis.ltYield(...YIELD.argv({ owner: this.keys.flushOwner(f.agency) }, { token: f.token, ttlMs })) === 1
  }

  /** 1 released, 0 work remains; throws FencedError. */
  async releaseIfEmpty (f: Fence): Promise<number> {
    const r = await this.redis.ltReleaseIfEmpty(...RELEASE_IF_EMPTY.argv({ owner: this.keys.flushOwner(f.agency), outbox: this.keys.outbox(f.agency), flushGen: this.keys.flushGen(f.agency) }, { token: f.token }))
    if (r === -1) throw new FencedError(f.agency)
    return r
  }

  /** Gives up `jobId`'s claim; the new flush generation, or undefined when it held no claim. */
  async release (agency: string, jobId: string): Promise<string | undefined> {
    const gen = await this.redis.ltRelease(...RELEASE.argv({ owner: this.keys.flushOwner(agency), flushGen: this.keys.flushGen(agency) }, { jobId }))
    return gen === 0 ? undefined : String(gen)
  }

  /** The job that owns the agency's outbox, if any. */
  async ownerJob (agency: string): Promise<string | null> {
    return await this.redis.hget(this.keys.flushOwner(agency), 'job')
  }

  async flushGen (agency: string): Promise<string> {
    return (await this.redis.get(this.keys.flushGen(agency))) ?? '0'
  }

  async bumpFlushGen (agency: string): Promise<string> {
    return String(await this.redis.incr(this.keys.flushGen(agency)))
  }

  /** The refs waiting in the agency's outbox, oldest first. */
  async refs (agency: string, max: number): Promise<string[]> {
    return await this.redis.zrange(this.keys.outbox(agency), 0, max - 1)
  }

  /** Every listed agency's outbox: how many wait, and since when the oldest (epoch ms). */
  /** Dossiers the portal took in full on `day` (local, `yyyy-mm-dd`), over these agencies. */
  async deliveredOn (agencies: string[], day: string): Promise<number> {
    const res = await execEach(this.redis, agencies.map(a => ['get', this.keys.deliveredOn(a, day)] as Command))
    return res.reduce((sum, [err, v]) => sum + (err === null && v !== null ? Number(v) : 0), 0)
  }

  async summary (agencies: string[]): Promise<{ depth: number, oldest: number | undefined }> {
    if (agencies.length === 0) return { depth: 0, oldest: undefined }
    const res = await execEach(this.redis, agencies.flatMap(a => [['zcard', this.keys.outbox(a)], ['zrange', this.keys.outbox(a), 0, 0, 'WITHSCORES']] as Command[]))
    let depth = 0
    let oldest: number | undefined
    for (let i = 0; i + 1 < res.length; i += 2) {
      const [e1, n] = res[i] as [Error | null, number]
      const [e2, first] = res[i + 1] as [Error | null, string[]]
      if (e1 !== null || e2 !== null) continue
      depth += n
      const score = first[1] === undefined ? undefined : Number(first[1])
      if (score !== undefined && (oldest === undefined || score < oldest)) oldest = score
    }
    return { depth, oldest }
  }

  async size (agency: string): Promise<number> {
    return await this.redis.zcard(this.keys.outbox(agency))
  }

  async pendingStepsMany (agency: string, refs: string[], max: number): Promise<PendingStep[][]> {
    const p = this.redis.pipeline()
    for (const ref of refs) p.lrange(this.keys.dossier(agency, ref).steps, 0, max - 1)
    const res = (await p.exec()) ?? []
    return res.map(([err, items]) => { if (err !== null) throw err; return (items as string[]).map(s => JSON.parse(s) as PendingStep) })
  }

  /** One script for the whole call: the same entry on every dossier it carried. */
  async recordAttempts (agency: string, refs: string[], entry: Attempt, transient: boolean): Promise<void> {
    if (refs.length === 0) return
    const each: string[] = []
    for (const ref of refs) {
      const k = this.keys.dossier(agency, ref)
      each.push(k.attempts, k.dossier)
    }
    await this.redis.ltAttempt(...ATTEMPT.argv({ each }, { entryJson: JSON.stringify(entry), keep: ATTEMPTS_KEEP, retentionMs: this.retentionMs, transient: transient ? 1 : 0 }))
  }

  /** Outbox entries older than `before` that have failed transiently at least once. */
  async expired (agency: string, before: number): Promise<Array<{ ref: string, maHoSo: string | undefined, lastError: Attempt }>> {
    const refs = await this.redis.zrangebyscore(this.keys.outbox(agency), 0, before, 'LIMIT', 0, 500)
    if (refs.length === 0) return []
    const p = this.redis.pipeline()
    for (const ref of refs) p.hmget(this.keys.dossier(agency, ref).dossier, 'lastError', 'maHoSo')
    const res = (await p.exec()) ?? []
    const out: Array<{ ref: string, maHoSo: string | undefined, lastError: Attempt }> = []
    res.forEach(([err, v], i) => {
      const [last, maHoSo] = (v ?? []) as Array<string | null>
      if (err !== null || typeof last !== 'string') return
      const ref = refs[i] as string
      let lastError: Attempt
      try {
        lastError = JSON.parse(last) as Attempt
      } catch {
        lastError = { error: 'unreadable attempt record' } as Attempt
      }
      out.push({ ref, maHoSo: maHoSo ?? undefined, lastError })
    })
    return out
  }

  /**
   * Records several portal results in one script (atomic: all or, when fenced, none); returns
   * each dossier's state afterwards ('missing' when its record is gone and its outbox entry was
   * dropped). Throws FencedError.
   */
  async ackMany (f: Fence, acks: Array<Ack & { ref: string, maHoSo?: string }>, now = Date.now()): Promise<string[]> {
    if (acks.length === 0) return []
    const keys: string[] = []
    const args: Array<string | number> = []
    for (const a of acks) {
      const k = this.keys.dossier(f.agency, a.ref)
      keys.push(k.dossier, k.steps, this.keys.webhookQueue(f.agency, a.maHoSo ?? ''))
      args.push(a.ref, a.created === undefined ? '' : (a.created ? '1' : '0'), a.deliveredRev === undefined ? '' : a.deliveredRev, a.stepsUpTo ?? 0, a.maHoSo ?? '')
    }
    const out = await this.redis.ltAck(...ACK.argv({
      owner: this.keys.flushOwner(f.agency),
      outbox: this.keys.outbox(f.agency),
      whActive: this.keys.webhookActive(f.agency),
      deliveredOn: this.keys.deliveredOn(f.agency, localDay(now)),
      each: keys
    }, {
      token: f.token,
      now,
      timestamp: new Date(now).toISOString(),
      deliveredAt: isoFromEpoch(now),
      countTtlS: DELIVERED_COUNT_TTL_S,
      each: args
    }))
    if (out[0] === 'fenced') throw new FencedError(f.agency)
    const states: string[] = []
    acks.forEach((a, i) => {
      const head = out[2 * i + 1] ?? ''
      if (head !== '' && a.maHoSo !== undefined) this.heads.moved(f.agency, a.maHoSo, head)
      states.push(out[2 * i] ?? 'missing')
    })
    return states
  }

  async ack (f: Fence, ref: string, a: Ack): Promise<string> {
    return (await this.ackMany(f, [{ ref, ...a }]))[0] ?? 'missing'
  }

  /** Fails a pending dossier for good; false when it was no longer pending. Throws FencedError. */
  async fail (f: Fence, ref: string, failure: Failure, maHoSo?: string): Promise<boolean> {
    const k = this.keys.dossier(f.agency, ref)
    const [r, head] = await this.redis.ltFail(...FAIL.argv({
      dossier: k.dossier,
      outbox: this.keys.outbox(f.agency),
      owner: this.keys.flushOwner(f.agency),
      idxFailed: this.keys.stateIndex(f.agency, 'failed'),
      idxReview: this.keys.stateIndex(f.agency, 'needs-review'),
      whq: this.keys.webhookQueue(f.agency, maHoSo ?? ''),
      whActive: this.keys.webhookActive(f.agency)
    }, { ref, failureJson: JSON.stringify(failure), token: f.token, code: maHoSo ?? '', timestamp: new Date().toISOString(), failedAt: epochOf(failure.at) }))
    if (r === -1) throw new FencedError(f.agency)
    if (head !== '' && maHoSo !== undefined) this.heads.moved(f.agency, maHoSo, head)
    return r === 1
  }
}
