/**
 * The dossier store: canonical record, raw payloads and delivery attempts in Redis, and the
 * per-agency outbox that delivery drains (`delivery`, see delivery-store.ts). See keys.ts for
 * the key design.
 */
import type { Result } from 'ioredis'
import type { RedisClient } from './redis/connection.js'
import { Keys, agencyOfCode, sourceRef, type IndexedState } from './keys.js'
import { CorruptRecordError, parseDossier, type Attempt, type IntakeArgs, type IntakeOutcome, type RawPayload, type Resolution, type StoredDossier, type SyncState } from './records.js'
import { decodeRaw, encodeDoc } from './codec.js'
import * as intakeScripts from './scripts-intake.js'
import * as outboxScripts from './scripts-outbox.js'
import * as portalScripts from './scripts-portal.js'
import * as webhookScripts from './scripts-webhook.js'
import * as lifecycleScripts from './scripts-lifecycle.js'
import { LifecycleStore, createdNotices, lifecycleArgv, lifecycleKeys, snapshotOf, type LifecycleArgs } from './lifecycle-store.js'
import { NoticeStore, type NoticesCreated } from './notice-store.js'

const IGNORE_NOTICES: NoticesCreated = { created: () => {} }
import { defineScripts, type LuaScript } from './lua-script.js'
import { AuditStore } from './audit-store.js'
import { ReplayStore } from './replay-store.js'
import { PortalStore } from './portal-store.js'
import { WebhookStore } from './webhook-store.js'
import { DeliveryStore, type WebhookHeads } from './delivery-store.js'
import { CompactStore } from './compact-store.js'
import { WaitingStore } from './waiting-store.js'
import { Errors } from '../domain/errors.js'
import { execEach, type Command } from './redis/by-slot.js'
import type { ReplicaWait } from './redis/replica-wait.js'
import { DEFAULT_SEQUENCE_JUMP, suspectUpTo } from './scripts-sequence.js'
import type { AdminChange, AdminChangeResult, IntakeWrite, LoadedBatch } from './ports/dossiers.js'
import type { Store } from './ports/store.js'

export * from './records.js'
export { FencedError, type Fence } from './delivery-store.js'

const RAW_KEEP = 20
/** Stored hashes are the first 128 bits of the SHA-256 (scripts-intake.ts). */
const short = (hash: string): string => hash.slice(0, 32)
/** Far above the country's agencies: only a bound on memory, not a working limit. */
const MAX_KNOWN_AGENCIES = 100_000

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** The first value: the code, or with 'retry' the dossier's SNAPSHOT_FIELDS. */
    ltIntake: (...args: Array<string | number | Buffer>) => Result<IntakeReply, Context>
    ltAdminChange: (...args: Array<string | number | Buffer>) => Result<[string, string, string], Context>
    ltClaim: (...args: Array<string | number | Buffer>) => Result<[number, number], Context>
    ltRenew: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltYield: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltReleaseIfEmpty: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltRelease: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltAck: (...args: Array<string | number | Buffer>) => Result<string[], Context>
    ltFail: (...args: Array<string | number | Buffer>) => Result<[number, string], Context>
    ltAttempt: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltPortalEvent: (...args: Array<string | number | Buffer>) => Result<[string, string], Context>
    ltOnlineDossier: (...args: Array<string | number | Buffer>) => Result<[string, string], Context>
    ltLink: (...args: Array<string | number | Buffer>) => Result<string, Context>
    ltKeepCallback: (...args: Array<string | number | Buffer>) => Result<string, Context>
    ltRoute: (...args: Array<string | number | Buffer>) => Result<[string, string], Context>
    ltWebhookDone: (...args: Array<string | number | Buffer>) => Result<[string, string, string], Context>
    ltWebhookFail: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltApplyEvent: (...args: Array<string | number | Buffer>) => Result<[string, string, string, string | undefined], Context>
    ltDeadline: (...args: Array<string | number | Buffer>) => Result<[string, string], Context>
    ltDiscard: (...args: Array<string | number | Buffer>) => Result<string, Context>
    ltWebhookUnhold: (...args: Array<string | number | Buffer>) => Result<number, Context>
  }
}

/** Every script of the dossier store, in lua/ (lua-script.ts). */
export const STORE_SCRIPTS: readonly LuaScript[] = [
  intakeScripts.INTAKE, intakeScripts.ADMIN_CHANGE,
  outboxScripts.CLAIM, outboxScripts.RENEW, outboxScripts.YIELD, outboxScripts.RELEASE_IF_EMPTY, outboxScripts.RELEASE,
  outboxScripts.ACK, outboxScripts.FAIL, outboxScripts.ATTEMPT,
  portalScripts.PORTAL_EVENT, portalScripts.ONLINE_DOSSIER, portalScripts.LINK, portalScripts.ROUTE, portalScripts.KEEP_CALLBACK,
  webhookScripts.WEBHOOK_DONE, webhookScripts.WEBHOOK_FAIL,
  lifecycleScripts.APPLY_EVENT, lifecycleScripts.DEADLINE, lifecycleScripts.DISCARD, lifecycleScripts.WEBHOOK_UNHOLD
]

export function defineCommands (redis: RedisClient): void {
  if (typeof redis.ltIntake === 'function') return
  defineScripts(redis, STORE_SCRIPTS)
}

export type { AdminChange, AdminChangeResult, Dossiers, IntakeWrite, LoadedBatch } from './ports/dossiers.js'
export type { Store } from './ports/store.js'

type IntakeReply = [string | Array<string | null>, IntakeOutcome | 'retry' | 'compacted', SyncState, string, SyncState | '', string?]

export class DossierStore implements Store {
  readonly keys: Keys
  readonly delivery: DeliveryStore
  readonly portal: PortalStore
  readonly webhooks: WebhookStore
  readonly lifecycle: LifecycleStore
  readonly audit: AuditStore
  readonly replays: ReplayStore
  readonly compaction: CompactStore
  readonly waiting: WaitingStore
  readonly notices: NoticeStore
  private readonly noticesCreated: NoticesCreated
  private readonly retentionMs: number
  private readonly knownAgencies = new Set<string>()
  private readonly replicaWait: ReplicaWait | undefined
  private readonly sequenceJump: number

  /** With `replicaWait`, intake and the workers wait for the replicas (REDIS_WAIT_REPLICAS): `replicated`. */
  constructor (private readonly redis: RedisClient, opts: { prefix: string, retentionDays: number, replicaWait?: ReplicaWait, sequenceJump?: number, unmatchedMax?: number, webhookHeads?: WebhookHeads, noticesCreated?: NoticesCreated }) {
    defineCommands(redis)
    this.replicaWait = opts.replicaWait
    this.sequenceJump = opts.sequenceJump ?? DEFAULT_SEQUENCE_JUMP
    this.keys = new Keys(opts.prefix)
    this.retentionMs = opts.retentionDays * 86_400_000
    this.delivery = new DeliveryStore(redis, this.keys, this.retentionMs, opts.webhookHeads)
    this.portal = new PortalStore(redis, this.keys, this.retentionMs, async (a) => { await this.noteAgency(a) }, opts.unmatchedMax)
    this.webhooks = new WebhookStore(redis, this.keys, this.retentionMs)
    this.lifecycle = new LifecycleStore(redis, this.keys, this.retentionMs, opts.noticesCreated)
    this.notices = new NoticeStore(redis, this.keys)
    this.noticesCreated = opts.noticesCreated ?? IGNORE_NOTICES
    this.audit = new AuditStore(redis, `${opts.prefix}:audit`)
    this.replays = new ReplayStore(redis, opts.prefix)
    this.compaction = new CompactStore(redis, this.keys)
    this.waiting = new WaitingStore(redis, this.keys)
  }

  /**
   * Before any script writes an agency's keys, so that whatever it writes is always reachable
   * by the sweepers and the admin lists, even if this process dies right after it. Once per
   * agency and process: the set only grows, so remembering what this process added saves a
   * round trip per intake.
   */
  async noteAgency (agency: string): Promise<void> {
    if (this.knownAgencies.has(agency)) return
    await this.redis.sadd(this.keys.agencies(), agency)
    if (this.knownAgencies.size < MAX_KNOWN_AGENCIES) this.knownAgencies.add(agency)
  }

  /**
   * One intake, at the revision the status machine decided on: 'retry' when the dossier is at
   * another, with its snapshot as the script found it (the caller decides again on it). So a new
   * dossier, decided on no record at all, takes one round trip, and a known one two; the
   * script's compare-and-set on the revision is the guard.
   */
  async intake (a: IntakeArgs & { expectedRevision: number, lifecycle: LifecycleArgs }): Promise<IntakeWrite> {
    const agency = a.input.agency.code
    const ref = sourceRef(a.system, a.input.sourceId)
    const k = this.keys.dossier(agency, ref)
    await this.noteAgency(agency)
    const args = intakeScripts.INTAKE.argv({
      dossier: k.dossier,
      raw: k.raw,
      steps: k.steps,
      codes: this.keys.codes(agency),
      seq: this.keys.sequence(agency, a.day),
      outbox: this.keys.outbox(agency),
      flushOwner: this.keys.flushOwner(agency),
      flushGen: this.keys.flushGen(agency),
      flushArmed: this.keys.flushArmed(agency),
      idxFailed: this.keys.stateIndex(agency, 'failed'),
      idxReview: this.keys.stateIndex(agency, 'needs-review'),
      due: this.keys.due(agency),
      overdue: this.keys.overdue(agency),
      doc: k.doc,
      ...lifecycleKeys(this.keys, agency, a.lifecycle),
      all: this.keys.dossierIndex(agency),
      seqOwner: this.keys.sequenceOwner(agency, a.day),
      seqEpoch: this.keys.sequenceEpoch(agency)
    }, {
      ref,
      agency,
      day: a.day,
      fullHash: short(a.fullHash),
      contentHash: short(a.contentHash),
      status: a.input.status,
      doc: a.doc ?? encodeDoc({ input: a.input, provenance: a.provenance, raw: a.raw }),
      upto: suspectUpTo(a.day, a.now),
      jump: this.sequenceJump,
      now: a.now,
      retentionMs: this.retentionMs,
      reviewJson: a.review.length > 0 ? JSON.stringify(a.review) : '',
      stepJson: JSON.stringify(a.step),
      rawKeep: RAW_KEEP,
      whClient: a.webhookClient,
      expectedRevision: a.expectedRevision,
      ...lifecycleArgv(a.lifecycle)
    })
    const [first, outcome, state, jobGen, , noticeIds] = await this.runIntake(args)
    if (outcome === 'retry') return { maHoSo: '', outcome, state, jobGen, replicated: true, snapshot: snapshotOf(Array.isArray(first) ? first : []) }
    const maHoSo = String(first)
    const created = createdNotices(noticeIds)
    if (created.length > 0) this.noticesCreated.created(agency, created)
    // Anything but a retry may have written (a duplicate too may follow a write that was
    // answered 503 and is still not on the replicas), so it waits.
    return { maHoSo, outcome, state, jobGen, replicated: await this.replicated(agency) }
  }

  /**
   * Whether every write the agency's primary took so far is on REDIS_WAIT_REPLICAS replicas
   * (always true without it): what may be acknowledged or sent, since a failover keeps it.
   */
  async replicated (agency: string): Promise<boolean> {
    return this.replicaWait === undefined || await this.replicaWait.replicated(this.keys.outbox(agency))
  }

  private async runIntake (args: Array<string | number | Buffer>): Promise<IntakeReply> {
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

  async locate (maHoSo: string): Promise<{ agency: string, ref: string } | undefined> {
    const agency = agencyOfCode(maHoSo)
    if (agency === undefined) return undefined
    const ref = await this.redis.hget(this.keys.codes(agency), maHoSo)
    return ref === null ? undefined : { agency, ref }
  }

  /** The record, or undefined; throws CorruptRecordError for a record that cannot be read. */
  async load (agency: string, ref: string): Promise<StoredDossier | undefined> {
    const [[err, h, doc]] = await this.readMany([{ agency, ref }]) as [[Error | null, Record<string, string>, Buffer | null | undefined]]
    if (err !== null) throw err
    return parseDossier(agency, ref, h, doc)
  }

  /** Record and document of each ref, in one pipeline per slot: [err, hash, doc] per ref. */
  private async readMany (places: Array<{ agency: string, ref: string }>, documents = true): Promise<Array<[Error | null, Record<string, string>, Buffer | null | undefined]>> {
    const commands: Command[] = []
    for (const { agency, ref } of places) {
      const k = this.keys.dossier(agency, ref)
      commands.push(['hgetall', k.dossier])
      if (documents) commands.push(['getBuffer', k.doc])
    }
    const res = await execEach(this.redis, commands)
    const n = documents ? 2 : 1
    return places.map((_, i) => {
      const [e1, h] = res[n * i] ?? [null, {}]
      const [e2, doc] = documents ? res[n * i + 1] ?? [null, null] : [null, undefined]
      return [e1 ?? e2, h as Record<string, string>, doc as Buffer | null | undefined]
    })
  }

  /** Delivery's read of a batch: readable records in order, and the refs that are gone or unreadable. */
  async loadBatch (agency: string, refs: string[]): Promise<LoadedBatch> {
    const res = await this.readMany(refs.map(ref => ({ agency, ref })))
    const out: LoadedBatch = { dossiers: [], missing: [], corrupt: [] }
    res.forEach(([err, h, doc], i) => {
      const ref = refs[i] as string
      if (err !== null) throw err
      try {
        const d = parseDossier(agency, ref, h, doc)
        if (d === undefined) out.missing.push(ref)
        else out.dossiers.push(d)
      } catch (e) {
        if (!(e instanceof CorruptRecordError)) throw e
        out.corrupt.push({ ref, maHoSo: e.maHoSo })
      }
    })
    return out
  }

  /**
   * Dossiers of any agencies, in one pipeline (per slot on a cluster), in the order asked; unreadable ones as undefined.
   * Documents are inflated when first used; with `documents: false` they are not even read (a
   * list of thousands that shows none of their content), and reading `input`, `provenance`,
   * `latestRaw` or `clientId` of such a record throws.
   */
  async loadEach (places: Array<{ agency: string, ref: string }>, opts: { documents?: boolean } = {}): Promise<Array<StoredDossier | undefined>> {
    const res = await this.readMany(places, opts.documents ?? true)
    return res.map(([err, h, doc], i) => {
      const place = places[i]
      if (err !== null || place === undefined) return undefined
      try {
        return parseDossier(place.agency, place.ref, h, doc, { lazy: true })
      } catch {
        return undefined
      }
    })
  }

  async pendingStepCount (agency: string, ref: string): Promise<number> {
    return await this.redis.llen(this.keys.dossier(agency, ref).steps)
  }

  async attempts (agency: string, ref: string): Promise<Attempt[]> {
    const items = await this.redis.lrange(this.keys.dossier(agency, ref).attempts, 0, -1)
    return items.map(s => JSON.parse(s) as Attempt)
  }

  /**
   * Every stored revision of the sender's payload, newest first, exactly as received: the
   * current document's, then the earlier ones (compressed, or as written before compression).
   */
  async rawPayloads (agency: string, ref: string): Promise<RawPayload[]> {
    const k = this.keys.dossier(agency, ref)
    const [doc, items] = await Promise.all([this.redis.getBuffer(k.doc), this.redis.lrangeBuffer(k.raw, 0, -1)])
    const out: RawPayload[] = []
    for (const b of [...(doc === null ? [] : [doc]), ...items]) {
      const p = decodeRaw(b)
      if (p !== undefined) out.push(p)
    }
    return out
  }

  /** One compare-and-set on the dossier's revision and state; see ADMIN_CHANGE. */
  async adminChange (agency: string, ref: string, c: AdminChange, now = Date.now()): Promise<AdminChangeResult> {
    const k = this.keys.dossier(agency, ref)
    if (c.input !== undefined && c.provenance === undefined) throw new Error('a new record needs its provenance')
    const doc = c.input === undefined || c.provenance === undefined ? '' : encodeDoc({ input: c.input, provenance: c.provenance, ...(c.raw === undefined ? {} : { raw: c.raw }) })
    const [result, state, jobGen] = await this.redis.ltAdminChange(...intakeScripts.ADMIN_CHANGE.argv({
      dossier: k.dossier,
      outbox: this.keys.outbox(agency),
      flushOwner: this.keys.flushOwner(agency),
      flushGen: this.keys.flushGen(agency),
      idxFailed: this.keys.stateIndex(agency, 'failed'),
      idxReview: this.keys.stateIndex(agency, 'needs-review'),
      raw: k.raw,
      doc: k.doc
    }, {
      ref,
      now,
      expectedState: c.expectedState,
      expectedRevision: c.expectedRevision,
      doc,
      fullHash: short(c.fullHash ?? ''),
      contentHash: short(c.contentHash ?? ''),
      resolutionsJson: c.resolutions === undefined ? '' : JSON.stringify(c.resolutions),
      requeue: c.requeue ? 1 : 0,
      reviewJson: JSON.stringify(c.review ?? []),
      newRevision: c.newRevision === true ? '1' : '',
      rawKeep: RAW_KEEP,
      retentionMs: this.retentionMs
    }))
    if (result === 'ok') return { result, state, jobGen }
    return { result: result as 'missing' | 'state' | 'revision', state }
  }

  /** An operator gives up on a failed or held dossier; see DISCARD. */
  async discard (agency: string, ref: string, expectedRevision: number, discard: { by: string, reason: string, at: string }, now = Date.now()): Promise<'ok' | 'missing' | 'state' | 'revision'> {
    const k = this.keys.dossier(agency, ref)
    return await this.redis.ltDiscard(...lifecycleScripts.DISCARD.argv({
      dossier: k.dossier,
      outbox: this.keys.outbox(agency),
      idxFailed: this.keys.stateIndex(agency, 'failed'),
      idxReview: this.keys.stateIndex(agency, 'needs-review')
    }, { ref, expectedRevision, discardJson: JSON.stringify(discard), now })) as 'ok' | 'missing' | 'state' | 'revision'
  }

  /** An admin's earlier decisions, re-applied when the sender resends the same data. */
  async resolutions (agency: string, ref: string): Promise<Resolution[]> {
    const v = await this.redis.hget(this.keys.dossier(agency, ref).dossier, 'resolutions')
    return v === null ? [] : JSON.parse(v) as Resolution[]
  }

  async agencies (): Promise<string[]> {
    return await this.redis.smembers(this.keys.agencies())
  }

  /** Up to `max` dossiers in `state` per agency, newest first (the per-agency indexes, read in one pipeline per slot). */
  async listByState (state: IndexedState, max = 1000): Promise<Array<{ agency: string, ref: string }>> {
    const agencies = await this.agencies()
    await this.waiting.upgrade(agencies)
    const res = await execEach(this.redis, agencies.map(a => ['zrange', this.keys.stateIndex(a, state), 0, max - 1, 'REV']))
    return res.flatMap(([err, refs], i) => err !== null ? [] : (refs as string[]).map(ref => ({ agency: agencies[i] as string, ref })))
  }
}
