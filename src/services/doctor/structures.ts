/**
 * The per-agency indexes a dossier record derives, read through the store's key design
 * (src/store/keys.ts). One table, so that a changed structure (a set becoming a sorted set, a new
 * index) changes one line here and one rule in expect.ts. Every index is a sorted set; the state
 * indexes as written before they were sorted (`state:<state>` sets) are read beside them
 * (`legacyStateIndex`): what they hold is moved on the first list read, so it is not drift.
 */
import type { Keys } from '../../store/keys.js'

export const INDEXES = ['sx:failed', 'sx:needs-review', 'sx:unrouted', 'due', 'overdue', 'closed', 'outbox', 'all'] as const
export type IndexName = typeof INDEXES[number]

/** The state indexes, in INDEXES order, with the state each holds. */
export const STATE_INDEXES = [['sx:failed', 'failed'], ['sx:needs-review', 'needs-review'], ['sx:unrouted', 'unrouted']] as const

export function indexKey (keys: Keys, agency: string, name: IndexName): string {
  switch (name) {
    case 'sx:failed': return keys.stateIndex(agency, 'failed')
    case 'sx:needs-review': return keys.stateIndex(agency, 'needs-review')
    case 'sx:unrouted': return keys.stateIndex(agency, 'unrouted')
    case 'due': return keys.due(agency)
    case 'overdue': return keys.overdue(agency)
    case 'closed': return keys.closed(agency)
    case 'outbox': return keys.outbox(agency)
    case 'all': return keys.dossierIndex(agency)
  }
}

/** The record fields every per-dossier rule reads, in this order (INSPECT returns them so). */
export const RECORD_FIELDS = ['maHoSo', 'state', 'status', 'dueAt', 'overdue', 'overdueFor', 'compactedAt', 'statsDims',
  'revision', 'updatedAt', 'statusAt', 'created', 'contentRev', 'deliveredRev', 'failure', 'routing', 'createdAt'] as const
export type RecordField = typeof RECORD_FIELDS[number]
/** A record as the doctor reads it: absent fields are ''. */
export type RecordView = Record<RecordField, string>

/** A key of the keyspace, classified: what the one SCAN over every agency's keys looks for. */
export type ScannedKey =
  | { kind: 'dossier', agency: string, ref: string }
  | { kind: 'webhook-queue', agency: string, code: string }
  | { kind: 'sequence', agency: string, day: string }
  | { kind: 'other', agency: string }

/** Classifies `<prefix>:{<agency>}:<rest>`; undefined for a key outside every agency. */
export function classify (prefix: string, key: string): ScannedKey | undefined {
  const head = `${prefix}:{`
  if (!key.startsWith(head)) return undefined
  const close = key.indexOf('}:', head.length)
  if (close === -1) return undefined
  const agency = key.slice(head.length, close)
  // `{portal}` holds the breaker and the portal session, not an agency.
  if (agency === 'portal' || agency === '') return undefined
  const rest = key.slice(close + 2)
  if (rest.startsWith('d:')) return { kind: 'dossier', agency, ref: rest.slice(2) }
  if (rest.startsWith('wh:')) return { kind: 'webhook-queue', agency, code: rest.slice(3) }
  const seq = /^seq:(\d{6})$/.exec(rest)
  if (seq !== null) return { kind: 'sequence', agency, day: seq[1] as string }
  return { kind: 'other', agency }
}
