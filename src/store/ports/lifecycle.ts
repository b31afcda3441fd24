/**
 * A dossier's lifecycle in the store: what a transition reads, a status event applied in one
 * script (services/lifecycle, services/intake), and the deadline scan (queue/deadlines.ts).
 * Redis: lifecycle-store.ts.
 */
import type { Lifecycle } from '../../domain/lifecycle/schemas.js'
import type { NoticeCandidate } from '../../domain/notices/decide.js'
import type { HistoryEntry, PendingStep, SyncState } from '../records.js'

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
  /** The due date in force (epoch ms), as the scripts keep it. */
  dueAt?: number
}

/** lua/shared/lifecycle-set.lua's arguments: the bookkeeping of one change. */
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
  /** The notices this change owes the applicant (domain/notices/decide.ts); the script creates each once. */
  notices?: readonly NoticeCandidate[]
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

export interface LifecycleEvents {
  snapshot: (agency: string, ref: string) => Promise<LifecycleSnapshot | undefined>
  note: (agency: string, code: string, entry: HistoryEntry) => Promise<void>
  applyEvent: (c: EventChange, now?: number) => Promise<{ result: 'ok' | 'missing' | 'revision', state: string, jobGen: string }>
}

export interface Deadlines {
  scan: (agency: string, now: number, windowMs: number, overdueBump: string, offset?: number, max?: number) => Promise<{ heads: Array<{ code: string, eventId: string }>, overdue: number, dueSoon: number, fetched: number, kept: number }>
}
