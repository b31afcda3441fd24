/**
 * The life of a dossier in the store: what the status machine decides on (a snapshot at a
 * revision), events applied as a compare-and-set on that revision, the deadline scan, and the
 * lists of overdue and soon-due dossiers. See scripts-lifecycle.ts.
 */
import type { RedisClient } from './redis/connection.js'
import type { Keys } from './keys.js'
import type { HistoryEntry, SyncState } from './records.js'
import type { Lifecycle } from '../domain/lifecycle/schemas.js'
import { isoFromEpoch } from '../domain/toolkit/dates.js'
import { encodeCandidates } from '../domain/notices/decide.js'
import type { ArgsOf, KeysOf } from './lua-script.js'
import { APPLY_EVENT, DEADLINE } from './scripts-lifecycle.js'
import type { LIFECYCLE_ARGS, LIFECYCLE_KEYS } from './scripts-shared.js'
import { statsKeysFor } from './stats/stats-store.js'
import { pageIndex, type IndexRange } from './sorted-index.js'
import type { Fetch } from '../domain/cursor.js'
import type { Deadlines, EventChange, LifecycleArgs, LifecycleEvents, LifecycleSnapshot } from './ports/lifecycle.js'
import type { NoticesCreated } from './ports/notices.js'

export type { Deadlines, EventChange, LifecycleArgs, LifecycleEvents, LifecycleSnapshot } from './ports/lifecycle.js'

/** LIFECYCLE_ARGS (scripts-shared.ts), by name, for a script's ARGV. */
export function lifecycleArgv (a: LifecycleArgs): ArgsOf<typeof LIFECYCLE_ARGS> {
  return {
    statusAt: a.statusAt ?? '',
    dueAt: a.dueAt,
    dueAtIso: a.dueAtIso,
    final: a.final ? 1 : 0,
    lcNow: a.now,
    resolved: a.resolved ? 1 : '',
    dims: a.dims,
    bumps: a.bumps,
    receivedDay: a.receivedDay ?? '',
    paidOnline: a.paidOnline === undefined ? '' : (a.paidOnline ? 1 : 0),
    notices: encodeCandidates(a.notices ?? [])
  }
}

/** LIFECYCLE_KEYS (scripts-shared.ts), by name, for a script's KEYS: `closed`, the notices' and the statistics keys. */
export function lifecycleKeys (keys: Keys, agency: string, a: LifecycleArgs): KeysOf<typeof LIFECYCLE_KEYS> {
  return { closed: keys.closed(agency), notices: keys.notices(agency), noticeQ: keys.noticeQueue(agency), stats: statsKeysFor(a.statsPrefix, a.bumps) }
}

/** The notice ids a script created ('' none), as the scripts return them. */
export function createdNotices (ids: string | undefined): string[] {
  return ids === undefined || ids === '' ? [] : ids.split(',')
}

/**
 * The record's fields a transition decides on, in the order snapshotOf reads them (one HMGET).
 * lua/intake.lua answers 'retry' with the same list (test/store/lua/intake.test.ts holds them equal).
 */
export const SNAPSHOT_FIELDS = ['maHoSo', 'state', 'revision', 'status', 'statusAt', 'lifecycle', 'overdue', 'resolved', 'paidOnline', 'dueAt'] as const

/** The snapshot of an HMGET of SNAPSHOT_FIELDS; undefined when the dossier has no record yet. */
export function snapshotOf (values: Array<string | null | undefined>): LifecycleSnapshot | undefined {
  const [maHoSo, state, revision, status, statusAt, lifecycle, overdue, resolved, paidOnline, dueAt] = values
  if (maHoSo === null || maHoSo === undefined) return undefined
  return {
    maHoSo,
    state: (state ?? 'pending') as SyncState,
    revision: Number(revision ?? 0),
    status: status ?? '',
    statusAt: statusAt === null || statusAt === undefined ? undefined : Number(statusAt),
    lifecycle: lifecycle === null || lifecycle === undefined ? undefined : JSON.parse(lifecycle) as Lifecycle,
    overdue: overdue === '1',
    resolved: resolved === '1',
    paidOnline: paidOnline === '1',
    dueAt: dueAt === null || dueAt === undefined ? undefined : Number(dueAt)
  }
}

export class LifecycleStore implements LifecycleEvents, Deadlines {
  constructor (private readonly redis: RedisClient, private readonly keys: Keys, private readonly retentionMs: number, private readonly noticesCreated?: NoticesCreated) {}

  async snapshot (agency: string, ref: string): Promise<LifecycleSnapshot | undefined> {
    return snapshotOf(await this.redis.hmget(this.keys.dossier(agency, ref).dossier, ...SNAPSHOT_FIELDS))
  }

  /** A line of the dossier's timeline on its own (a late resend that changed nothing). */
  async note (agency: string, code: string, entry: HistoryEntry): Promise<void> {
    const key = this.keys.history(agency, code)
    await this.redis.pipeline().rpush(key, JSON.stringify(entry)).pexpire(key, this.retentionMs).exec()
  }

  async applyEvent (c: EventChange, now = Date.now()): Promise<{ result: 'ok' | 'missing' | 'revision', state: string, jobGen: string }> {
    const k = this.keys.dossier(c.agency, c.ref)
    const { step } = c
    const [result, state, jobGen, noticeIds] = await this.redis.ltApplyEvent(...APPLY_EVENT.argv({
      dossier: k.dossier,
      steps: k.steps,
      outbox: this.keys.outbox(c.agency),
      flushOwner: this.keys.flushOwner(c.agency),
      flushGen: this.keys.flushGen(c.agency),
      idxFailed: this.keys.stateIndex(c.agency, 'failed'),
      idxReview: this.keys.stateIndex(c.agency, 'needs-review'),
      due: this.keys.due(c.agency),
      overdue: this.keys.overdue(c.agency),
      hist: this.keys.history(c.agency, c.code),
      ...lifecycleKeys(this.keys, c.agency, c.args)
    }, {
      ref: c.ref,
      now,
      expectedRevision: c.expectedRevision,
      status: c.status,
      lifecycleJson: JSON.stringify(c.lifecycle),
      contentChanged: c.contentChanged ? 1 : 0,
      stepJson: step === undefined ? '' : JSON.stringify(step),
      historyEntry: JSON.stringify(c.history),
      retentionMs: this.retentionMs,
      ...lifecycleArgv(c.args)
    }))
    const created = createdNotices(noticeIds)
    if (created.length > 0) this.noticesCreated?.created(c.agency, created)
    return { result: result as 'ok' | 'missing' | 'revision', state, jobGen }
  }

  /**
   * Checks the deadlines of the agency's open dossiers due before `now + windowMs`; returns the
   * webhook heads to queue and how many became overdue or due soon.
   */
  async scan (agency: string, now: number, windowMs: number, overdueBump: string, offset = 0, max = 1000): Promise<{ heads: Array<{ code: string, eventId: string }>, overdue: number, dueSoon: number, fetched: number, kept: number }> {
    const refs = await this.redis.zrangebyscore(this.keys.due(agency), '-inf', now + windowMs, 'LIMIT', offset, max)
    const out = { heads: [] as Array<{ code: string, eventId: string }>, overdue: 0, dueSoon: 0, fetched: refs.length, kept: 0 }
    if (refs.length === 0) return out
    const codes = await this.pipelineValues(refs.map(ref => ['hget', this.keys.dossier(agency, ref).dossier, 'maHoSo']))
    const p = this.redis.pipeline()
    const stamp = new Date(now).toISOString()
    const at = isoFromEpoch(now)
    refs.forEach((ref, i) => {
      const code = codes[i] ?? ''
      p.ltDeadline(...DEADLINE.argv({
        dossier: this.keys.dossier(agency, ref).dossier,
        due: this.keys.due(agency),
        overdue: this.keys.overdue(agency),
        hist: this.keys.history(agency, code),
        whq: this.keys.webhookQueue(agency, code),
        whActive: this.keys.webhookActive(agency),
        stats: statsKeysFor(this.keys.statsPrefix(agency), overdueBump)
      }, { ref, code, now, windowMs, timestamp: stamp, historyAt: at, retentionMs: this.retentionMs, overdueBump }))
    })
    const res = (await p.exec()) ?? []
    res.forEach(([err, v], i) => {
      if (err !== null) throw err
      const [result, head] = v as [string, string]
      if (result === 'overdue') out.overdue++
      if (result === 'due-soon') out.dueSoon++
      // These stay in the index (due soon, not overdue yet): the next page starts after them.
      if (result === 'due-soon' || result === 'later') out.kept++
      const code = codes[i]
      if (head !== '' && code !== undefined && code !== null) out.heads.push({ code, eventId: head })
    })
    return out
  }

  /**
   * The agency's overdue dossiers (or those due within [from, until]), earliest due first, as a
   * paging source: each read starts strictly after the last (score, member) place.
   */
  source (agency: string, which: 'overdue' | 'due', range: IndexRange): Fetch {
    const key = which === 'overdue' ? this.keys.overdue(agency) : this.keys.due(agency)
    return async (after, count) => await pageIndex(this.redis, key, 'asc', range, after, count)
  }

  private async pipelineValues (cmds: string[][]): Promise<Array<string | null>> {
    const res = (await this.redis.pipeline(cmds).exec()) ?? []
    return res.map(([err, v]) => { if (err !== null) throw err; return v as string | null })
  }
}
