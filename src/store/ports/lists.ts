/**
 * What waits for a person, per agency and kind (failed deliveries, failed webhooks, reviews,
 * unrouted online dossiers, unmatched callbacks), as the lists and the bulk replay page and count
 * it (waiting-scan.ts, queue/bulk-replay.ts). Redis: waiting-store.ts, sorted sets per kind.
 */
import type { After } from '../../domain/cursor.js'
import type { IndexRange } from '../sorted-index.js'

export type WaitingKind = 'delivery' | 'webhook' | 'review' | 'unrouted' | 'callback'

/** `maHoSo` (dossier kinds: absent when the record is gone) and `reply` (a delivery's failure, as the portal said it) are what the list shows besides. */
export interface Fact { system: string | undefined, dims: string | undefined, reason: string, maHoSo?: string, reply?: string }

export interface WaitingLists {
  source: (agency: string, kind: WaitingKind, range: IndexRange) => (after: After | undefined, count: number) => Promise<Array<{ score: number, member: string }>>
  counts: (pairs: Array<{ agency: string, kind: WaitingKind }>, range?: IndexRange) => Promise<number[]>
  facts: (entries: Array<{ agency: string, kind: WaitingKind, member: string }>) => Promise<Fact[]>
  /** Moves data written before the indexes into them, the first time an agency is read. */
  upgrade: (agencies: string[]) => Promise<void>
}
