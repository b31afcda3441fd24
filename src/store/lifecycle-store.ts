/**
 * The life of a dossier in the store: what the status machine decides on (a snapshot at a
 * revision), events applied as a compare-and-set on that revision, the deadline scan, and the
 * lists of overdue and soon-due dossiers. See scripts-lifecycle.ts.
 */
import type { RedisClient } from '../redis/connection.js'
import type { Keys } from './keys.js'
import type { HistoryEntry, PendingStep, SyncState } from './records.js'
import type { Lifecycle } from '../lifecycle/events.js'
import { isoFromEpoch } from '../mappings/toolkit/dates.js'
import { STATS_KEY_COUNT } from '../stats/scripts.js'
import { statsKeysFor } from '../stats/stats-store.js'
import { pageIndex, type IndexRange } from './sorted-index.js'
import type { Fetch } from '../routes/cursor.js'

/** What a transition needs to know of the dossier as it is. */
export interface LifecycleSnapshot {
  maHoSo: string
  state: SyncState
  revision: number
  status: string
  statusAt: number | undefined
  lifecycle: Lifecycle | undefined
  overdue: boolean
  resolved: boolean
  paidOnline: boolean
}

/** LIFECYCLE_SET's arguments: the bookkeeping of one change. */
export interface LifecycleArgs {
  /** When the new status was set; undefined when the status did not change. */
  statusAt?: number
  dueAt: number
  dueAtIso: string
  final: boolean
  /** Epoch ms: a due date after it takes an overdue dossier out of the overdue list. */
  now: number
  resolved: boolean
  statsPrefix: string
  dims: string
  bumps: string
  receivedDay?: string
  paidOnline?: boolean
}

export function lifecycleArgv (a: LifecycleArgs): Array<string | number> {
  return [a.statusAt ?? '', a.dueAt, a.dueAtIso, a.final ? 1 : 0, a.now, a.resolved ? 1 : '',
    '', a.dims, a.bumps, a.receivedDay ?? '', a.paidOnline === undefined ? '' : (a.paidOnline ? 1 : 0)]
}

/** How many KEYS `lifecycleKeys` gives: LIFECYCLE_SET's `closed`, then the statistics keys. */
export const LIFECYCLE_KEY_COUNT = 1 + STATS_KEY_COUNT

/** LIFECYCLE_SET's keys, appended to a script's KEYS: `closed`, then `statsKeys(first + 1)`. */
export function lifecycleKeys (closed: string, a: LifecycleArgs): string[] {
  return [closed, ...statsKeysFor(a.statsPrefix, a.bumps)]
}

export interface EventChange {
  agency: string
  ref: string
  code: string
  expectedRevision: number
  status: string
  lifecycle: Lifecycle
  contentChanged: boolean
  step?: PendingStep
  history: HistoryEntry
  args: LifecycleArgs
}

export class LifecycleStore {
  constructor (private readonly redis: RedisClient, private readonly keys: Keys, private readonly retentionMs: number) {}

  async snapshot (agency: string, ref: string): Promise<LifecycleSnapshot | undefined> {
    const [maHoSo, state, revision, status, statusAt, lifecycle, overdue, resolved, paidOnline] = await this.redis.hmget(
      this.keys.dossier(agency, ref).dossier, 'maHoSo', 'state', 'revision', 'status', 'statusAt', 'lifecycle', 'overdue', 'resolved', 'paidOnline')
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
      paidOnline: paidOnline === '1'
    }
  }

  /** A line of the dossier's timeline on its own (a late resend that changed nothing). */
  async note (agency: string, code: string, entry: HistoryEntry): Promise<void> {
    const key = this.keys.history(agency, code)
    await this.redis.pipeline().rpush(key, JSON.stringify(entry)).pexpire(key, this.retentionMs).exec()
  }

  async applyEvent (c: EventChange, now = Date.now()): Promise<{ result: 'ok' | 'missing' | 'revision', state: string, jobGen: string }> {
    const k = this.keys.dossier(c.agency, c.ref)
    const { step } = c
    const [result, state, jobGen] = await this.redis.ltApplyEvent(k.dossier, k.steps, this.keys.outbox(c.agency), this.keys.flushOwner(c.agency),
      this.keys.flushGen(c.agency), this.keys.stateIndex(c.agency, 'failed'), this.keys.stateIndex(c.agency, 'needs-review'),
      this.keys.due(c.agency), this.keys.overdue(c.agency), this.keys.history(c.agency, c.code),
      ...lifecycleKeys(this.keys.closed(c.agency), c.args),
      c.ref, now, c.expectedRevision, c.status, JSON.stringify(c.lifecycle), c.contentChanged ? 1 : 0,
      step === undefined ? '' : JSON.stringify(step), JSON.stringify(c.history), this.retentionMs, ...lifecycleArgv(c.args))
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
      p.ltDeadline(this.keys.dossier(agency, ref).dossier, this.keys.due(agency), this.keys.overdue(agency), this.keys.history(agency, code),
        this.keys.webhookQueue(agency, code), this.keys.webhookActive(agency), ...statsKeysFor(this.keys.statsPrefix(agency), overdueBump),
        ref, code, now, windowMs, stamp, at, this.retentionMs, overdueBump)
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
