/**
 * The invariants between a dossier record and the indexes derived from it, as pure rules
 * (docs/architecture.md, "Invariants the doctor checks"). Each index is `present` (with the score
 * the record gives it, when it gives one), `absent`, or `either` where the gateway legitimately
 * leaves it in both states for a while.
 */
import type { IndexName, RecordView } from './structures.js'

export const FINAL_STATUSES = new Set(['3', '7', '8', '10'])

export type Want =
  | { is: 'present', score?: number }
  | { is: 'absent' }
  | { is: 'either' }

const PRESENT: Want = { is: 'present' }
const ABSENT: Want = { is: 'absent' }
const EITHER: Want = { is: 'either' }

function when (b: boolean): Want { return b ? PRESENT : ABSENT }

export function expectedIndexes (r: RecordView, now: number): Record<IndexName, Want> {
  const compacted = r.compactedAt !== ''
  const final = FINAL_STATUSES.has(r.status)
  const open = !final && !compacted
  const overdue = r.overdue === '1'
  const dueAt = r.dueAt === '' ? undefined : Number(r.dueAt)
  let due: Want = ABSENT
  if (open && !overdue && dueAt !== undefined && Number.isFinite(dueAt)) {
    // A due date put back to the one the dossier was already overdue for: the next deadline
    // scan takes it out of `due` without marking it again ('done'), so both are right.
    due = r.overdueFor === r.dueAt && dueAt <= now ? EITHER : { is: 'present', score: dueAt }
  }
  const overdueFor = r.overdueFor === '' ? undefined : Number(r.overdueFor)
  return {
    // Scored by when the dossier entered the state (shared/set-state.lua adds NX): not re-derivable once
    // the record moved on, so only the membership is checked; a repair scores by defaultScore.
    'sx:failed': when(r.state === 'failed'),
    'sx:needs-review': when(r.state === 'needs-review'),
    'sx:unrouted': when(r.state === 'unrouted'),
    due,
    overdue: open && overdue ? (overdueFor === undefined ? PRESENT : { is: 'present', score: overdueFor }) : ABSENT,
    // Compaction drops a discarded dossier from `closed` for good: it is never compacted.
    closed: final && !compacted ? (r.state === 'discarded' ? EITHER : PRESENT) : ABSENT,
    outbox: when(r.state === 'pending'),
    // Every dossier kept in full; scored by when it was taken in, which the record keeps, but a
    // link keeps the online dossier's place: only the membership is checked.
    all: when(!compacted)
  }
}

/**
 * The score a repair gives an index entry the record does not fix a score for: what the script
 * that adds it scores it by. `sx:failed`: when it failed (FAIL: the failure's `at`);
 * `sx:unrouted`: when it was left unrouted (the routing's `at`); `sx:needs-review`: the record's
 * `updatedAt` (set-state.lua's default); `closed`: when it was closed; `all`: when it was taken in.
 */
export function defaultScore (name: IndexName, r: RecordView, now: number): number {
  const updated = Number(r.updatedAt || 0)
  switch (name) {
    case 'closed': return Math.max(updated, Number(r.statusAt || 0)) || now
    case 'sx:failed': return atOf(r.failure) ?? (updated || now)
    case 'sx:unrouted': return atOf(r.routing.startsWith('{') ? r.routing : '') ?? routingAt(r.routing) ?? (updated || now)
    case 'sx:needs-review': return updated || now
    case 'all': return Number(r.createdAt || 0) || updated || now
    default: return now
  }
}

/** The `at` (ISO) of a stored JSON value, as epoch ms. */
function atOf (json: string): number | undefined {
  if (json === '') return undefined
  try {
    const t = Date.parse((JSON.parse(json) as { at?: string }).at ?? '')
    return Number.isFinite(t) ? t : undefined
  } catch { return undefined }
}

/** A compact routing `<state>|<system>|<client>|<epoch s>` (records.ts): its time. */
function routingAt (routing: string): number | undefined {
  const s = Number(routing.split('|')[3])
  return routing.includes('|') && Number.isFinite(s) && s > 0 ? s * 1000 : undefined
}

/** Counts one record into the gauges it is part of (`dims` → metric → +1). */
export const GAUGES: Array<{ metric: string, counts: (r: RecordView) => boolean }> = [
  // The overdue list's size by dimensions: set by the deadline scan only for records with dimensions.
  { metric: 'overdueOpen', counts: r => r.overdue === '1' && r.statsDims !== '' && !FINAL_STATUSES.has(r.status) && r.compactedAt === '' }
]
