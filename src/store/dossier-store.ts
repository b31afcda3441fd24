/**
 * The dossier store: canonical record, raw payloads and delivery attempts in Redis, and the
 * per-agency outbox that delivery drains. See keys.ts for the key design.
 */
import type { Redis, Result } from 'ioredis'
import type { CanonicalInput } from '../schemas/canonical-dossier.js'
import type { ReviewItem } from '../mappings/types.js'
import { Keys, agencyOfCode, sourceRef } from './keys.js'
import { parseDossier, type Ack, type Attempt, type Failure, type IntakeArgs, type IntakeOutcome, type PendingStep, type RawMeta, type Resolution, type StoredDossier, type SyncState, decodeRaw } from './records.js'
import * as scripts from './scripts.js'
import { Errors } from '../errors.js'

export * from './records.js'

const RAW_KEEP = 20
const INDEXED_STATES = ['failed', 'needs-review'] as const
const INDEXED = new Set<string>(INDEXED_STATES)
const ATTEMPTS_KEEP = 200

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ltIntake: (...args: Array<string | number>) => Result<[string, IntakeOutcome, SyncState, string, SyncState | ''], Context>
    ltClaim: (...args: Array<string | number>) => Result<number, Context>
    ltReleaseIfEmpty: (...args: Array<string | number>) => Result<number, Context>
    ltRelease: (...args: Array<string | number>) => Result<number, Context>
    ltAck: (...args: Array<string | number>) => Result<string, Context>
    ltFail: (...args: Array<string | number>) => Result<number, Context>
    ltAttempt: (...args: Array<string | number>) => Result<number, Context>
    ltRequeue: (...args: Array<string | number>) => Result<[string, string], Context>
  }
}

export function defineCommands (redis: Redis): void {
  if (typeof redis.ltIntake === 'function') return
  redis.defineCommand('ltIntake', { numberOfKeys: 9, lua: scripts.INTAKE })
  redis.defineCommand('ltClaim', { numberOfKeys: 1, lua: scripts.CLAIM })
  redis.defineCommand('ltReleaseIfEmpty', { numberOfKeys: 3, lua: scripts.RELEASE_IF_EMPTY })
  redis.defineCommand('ltRelease', { numberOfKeys: 2, lua: scripts.RELEASE })
  redis.defineCommand('ltAck', { numberOfKeys: 3, lua: scripts.ACK })
  redis.defineCommand('ltFail', { numberOfKeys: 2, lua: scripts.FAIL })
  redis.defineCommand('ltAttempt', { numberOfKeys: 2, lua: scripts.ATTEMPT })
  redis.defineCommand('ltRequeue', { numberOfKeys: 4, lua: scripts.REQUEUE })
}

export class DossierStore {
  readonly keys: Keys
  private readonly retentionMs: number

  constructor (private readonly redis: Redis, opts: { prefix: string, retentionDays: number }) {
    defineCommands(redis)
    this.keys = new Keys(opts.prefix)
    this.retentionMs = opts.retentionDays * 86_400_000
  }

  async intake (a: IntakeArgs): Promise<{ maHoSo: string, outcome: IntakeOutcome, state: SyncState, jobGen: string }> {
    const agency = a.input.agency.code
    const ref = sourceRef(a.system, a.input.sourceId)
    const k = this.keys.dossier(agency, ref)
    const [maHoSo, outcome, state, jobGen, previous] = await this.runIntake(
      k.dossier, k.raw, k.steps, this.keys.codes(agency), this.keys.sequence(agency, a.day),
      this.keys.outbox(agency), this.keys.flushOwner(agency), this.keys.flushGen(agency), this.keys.flushArmed(agency),
      ref, agency, a.day, a.fullHash, a.contentHash, a.input.status, JSON.stringify(a.input),
      JSON.stringify(a.provenance), a.rawEntry, a.now, this.retentionMs,
      a.review.length > 0 ? JSON.stringify(a.review) : '', JSON.stringify(a.step), a.clientId, a.system,
      a.input.sourceId, RAW_KEEP)
    // The admin's indexes change only when a dossier enters or leaves a state they list.
    if (state !== previous && (INDEXED.has(state) || INDEXED.has(previous))) await this.index(agency, ref, state)
    if (jobGen !== '') await this.redis.sadd(this.keys.agencies(), agency)
    return { maHoSo, outcome, state, jobGen }
  }

  private async runIntake (...args: Array<string | number>): Promise<[string, IntakeOutcome, SyncState, string, SyncState | '']> {
    try {
      return await this.redis.ltIntake(...args)
    } catch (err) {
      if ((err as Error).message.includes('SEQUENCE_EXHAUSTED')) {
        // MaHoSo has five digits of sequence: the agency has used every code of that day.
        throw Errors.conflict('DAILY_SEQUENCE_EXHAUSTED',
          'Đơn vị đã dùng hết 99.999 mã hồ sơ của ngày tiếp nhận này', 'The agency has used all 99,999 dossier codes of this day of receipt',
          'ngayTiepNhan')
      }
      throw err
    }
  }

  /** Secondary indexes live in other slots: written after the atomic step, idempotently. */
  async index (agency: string, ref: string, state: SyncState): Promise<void> {
    const member = `${agency}|${ref}`
    // A pipeline, not MULTI: the index keys hash to different slots, and each write is idempotent.
    const p = this.redis.pipeline()
    for (const s of INDEXED_STATES) {
      if (s === state) p.sadd(this.keys.stateIndex(s), member)
      else p.srem(this.keys.stateIndex(s), member)
    }
    await p.exec()
  }

  async locate (maHoSo: string): Promise<{ agency: string, ref: string } | undefined> {
    const agency = agencyOfCode(maHoSo)
    if (agency === undefined) return undefined
    const ref = await this.redis.hget(this.keys.codes(agency), maHoSo)
    return ref === null ? undefined : { agency, ref }
  }

  async load (agency: string, ref: string): Promise<StoredDossier | undefined> {
    const h = await this.redis.hgetall(this.keys.dossier(agency, ref).dossier)
    return parseDossier(agency, ref, h)
  }

  async loadMany (agency: string, refs: string[]): Promise<Array<StoredDossier | undefined>> {
    return await this.loadEach(refs.map(ref => ({ agency, ref })))
  }

  /** Dossiers of any agencies, in one pipeline, in the order asked. */
  async loadEach (places: Array<{ agency: string, ref: string }>): Promise<Array<StoredDossier | undefined>> {
    const p = this.redis.pipeline()
    for (const { agency, ref } of places) p.hgetall(this.keys.dossier(agency, ref).dossier)
    const res = (await p.exec()) ?? []
    return res.map(([err, h], i) => {
      const place = places[i]
      return err !== null || place === undefined ? undefined : parseDossier(place.agency, place.ref, h as Record<string, string>)
    })
  }

  async pendingStepCount (agency: string, ref: string): Promise<number> {
    return await this.redis.llen(this.keys.dossier(agency, ref).steps)
  }

  async pendingStepsMany (agency: string, refs: string[], max: number): Promise<PendingStep[][]> {
    const p = this.redis.pipeline()
    for (const ref of refs) p.lrange(this.keys.dossier(agency, ref).steps, 0, max - 1)
    const res = (await p.exec()) ?? []
    return res.map(([err, items]) => { if (err !== null) throw err; return (items as string[]).map(s => JSON.parse(s) as PendingStep) })
  }

  async attempts (agency: string, ref: string): Promise<Attempt[]> {
    const items = await this.redis.lrange(this.keys.dossier(agency, ref).attempts, 0, -1)
    return items.map(s => JSON.parse(s) as Attempt)
  }

  /** Every stored revision of the sender's payload, newest first, exactly as received. */
  async rawPayloads (agency: string, ref: string): Promise<Array<RawMeta & { body: string }>> {
    const items = await this.redis.lrange(this.keys.dossier(agency, ref).raw, 0, -1)
    return items.map(decodeRaw)
  }

  async recordAttempts (agency: string, refs: string[], entry: Attempt, transient: boolean): Promise<void> {
    const json = JSON.stringify(entry)
    const p = this.redis.pipeline()
    for (const ref of refs) {
      const k = this.keys.dossier(agency, ref)
      p.ltAttempt(k.attempts, k.dossier, json, ATTEMPTS_KEEP, this.retentionMs, transient ? 1 : 0)
    }
    await p.exec()
  }

  /** Outbox entries older than `before` that have failed transiently at least once. */
  async expired (agency: string, before: number): Promise<Array<{ ref: string, lastError: Attempt }>> {
    const refs = await this.redis.zrangebyscore(this.keys.outbox(agency), 0, before, 'LIMIT', 0, 500)
    if (refs.length === 0) return []
    const p = this.redis.pipeline()
    for (const ref of refs) p.hget(this.keys.dossier(agency, ref).dossier, 'lastError')
    const res = (await p.exec()) ?? []
    const out: Array<{ ref: string, lastError: Attempt }> = []
    res.forEach(([err, v], i) => {
      if (err === null && typeof v === 'string') out.push({ ref: refs[i] as string, lastError: JSON.parse(v) as Attempt })
    })
    return out
  }

  async ack (agency: string, ref: string, a: Ack, now: number): Promise<string> {
    return (await this.ackMany(agency, [{ ref, ...a }], now))[0] ?? 'missing'
  }

  /** Records several portal results in one round trip; returns each dossier's state afterwards. */
  async ackMany (agency: string, acks: Array<Ack & { ref: string }>, now: number): Promise<string[]> {
    if (acks.length === 0) return []
    const p = this.redis.pipeline()
    for (const a of acks) {
      const k = this.keys.dossier(agency, a.ref)
      p.ltAck(k.dossier, k.steps, this.keys.outbox(agency), a.ref,
        a.created === undefined ? '' : (a.created ? '1' : '0'),
        a.deliveredRev === undefined ? '' : a.deliveredRev, a.stepsAcked ?? 0, now)
    }
    const res = (await p.exec()) ?? []
    return res.map(([err, v]) => { if (err !== null) throw err; return v as string })
  }

  async fail (agency: string, ref: string, failure: Failure): Promise<void> {
    const k = this.keys.dossier(agency, ref)
    await this.redis.ltFail(k.dossier, this.keys.outbox(agency), ref, JSON.stringify(failure))
    await this.index(agency, ref, 'failed')
  }

  async requeue (agency: string, ref: string, now: number, expectedState: 'needs-review' | 'failed',
    change?: { input: CanonicalInput, fullHash: string, contentHash: string, resolutions: Resolution[] }): Promise<{ state: string, jobGen: string }> {
    const k = this.keys.dossier(agency, ref)
    const [state, jobGen] = await this.redis.ltRequeue(k.dossier, this.keys.outbox(agency),
      this.keys.flushOwner(agency), this.keys.flushGen(agency), ref, now, expectedState,
      change === undefined ? '' : JSON.stringify(change.input), change?.fullHash ?? '', change?.contentHash ?? '',
      change === undefined ? '' : JSON.stringify(change.resolutions))
    if (state === 'pending') await this.index(agency, ref, 'pending')
    if (jobGen !== '') await this.redis.sadd(this.keys.agencies(), agency)
    return { state, jobGen }
  }

  /** A decision on one review item while others remain: the dossier stays held. */
  async recordDecision (agency: string, ref: string, c: { input: CanonicalInput, fullHash: string, contentHash: string, resolutions: Resolution[], review: ReviewItem[] }): Promise<void> {
    await this.redis.hset(this.keys.dossier(agency, ref).dossier, 'input', JSON.stringify(c.input), 'fullHash', c.fullHash,
      'contentHash', c.contentHash, 'resolutions', JSON.stringify(c.resolutions), 'review', JSON.stringify(c.review))
  }

  async resolutions (agency: string, ref: string): Promise<Resolution[]> {
    const v = await this.redis.hget(this.keys.dossier(agency, ref).dossier, 'resolutions')
    return v === null ? [] : JSON.parse(v) as Resolution[]
  }

  /** The refs waiting in the agency's outbox, oldest first. */
  async outbox (agency: string, max: number): Promise<string[]> {
    return await this.redis.zrange(this.keys.outbox(agency), 0, max - 1)
  }

  async outboxSize (agency: string): Promise<number> {
    return await this.redis.zcard(this.keys.outbox(agency))
  }

  async claim (agency: string, jobId: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.ltClaim(this.keys.flushOwner(agency), jobId, ttlMs)) === 1
  }

  async flushOwner (agency: string): Promise<string | null> {
    return await this.redis.get(this.keys.flushOwner(agency))
  }

  async flushGen (agency: string): Promise<string> {
    return (await this.redis.get(this.keys.flushGen(agency))) ?? '0'
  }

  async bumpFlushGen (agency: string): Promise<string> {
    return String(await this.redis.incr(this.keys.flushGen(agency)))
  }

  /** 1 released, 0 work remains, -1 not the owner. */
  async releaseIfEmpty (agency: string, jobId: string): Promise<number> {
    return await this.redis.ltReleaseIfEmpty(this.keys.flushOwner(agency), this.keys.outbox(agency), this.keys.flushGen(agency), jobId)
  }

  /** Gives up `jobId`'s claim; the new flush generation, or undefined when it held no claim. */
  async release (agency: string, jobId: string): Promise<string | undefined> {
    const gen = await this.redis.ltRelease(this.keys.flushOwner(agency), this.keys.flushGen(agency), jobId)
    return gen === 0 ? undefined : String(gen)
  }

  async agencies (): Promise<string[]> {
    return await this.redis.smembers(this.keys.agencies())
  }

  async listByState (state: 'failed' | 'needs-review'): Promise<Array<{ agency: string, ref: string }>> {
    const members = await this.redis.smembers(this.keys.stateIndex(state))
    return members.map(m => { const i = m.indexOf('|'); return { agency: m.slice(0, i), ref: m.slice(i + 1) } })
  }
}
