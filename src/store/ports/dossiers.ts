/**
 * The dossiers themselves, as the services and jobs read and write them: intake in one script,
 * where a dossier is, its record (one, a batch of an outbox, or many places), an admin's change,
 * and whether a write reached the replicas. Redis: dossier-store.ts.
 */
import type { CanonicalInput, Provenance } from '../../domain/canonical-dossier.js'
import type { ReviewItem } from '../../domain/review.js'
import type { IntakeArgs, IntakeOutcome, RawPayload, Resolution, StoredDossier, SyncState } from '../records.js'
import type { LifecycleArgs, LifecycleSnapshot } from './lifecycle.js'

/** An admin's change to a held or failed dossier, applied only at the revision it was read at. */
export interface AdminChange {
  expectedState: 'needs-review' | 'failed'
  expectedRevision: number
  /** A new canonical record, stored with `provenance` and `raw` (the payload it came from, if any). */
  input?: CanonicalInput
  provenance?: Provenance
  raw?: RawPayload
  fullHash?: string
  contentHash?: string
  resolutions?: Resolution[]
  /** Back to the outbox; otherwise the dossier stays held with these review items. */
  requeue: boolean
  review?: ReviewItem[]
  /** `raw` is a new payload (an operator's edited record): the previous document becomes an earlier revision. */
  newRevision?: boolean
}

export type AdminChangeResult = { result: 'ok', state: string, jobGen: string } | { result: 'missing' | 'state' | 'revision', state: string }

/** Delivery's view of a batch of outbox refs. */
export interface LoadedBatch { dossiers: StoredDossier[], missing: string[], corrupt: Array<{ ref: string, maHoSo: string | undefined }> }

/**
 * What one intake script wrote (or `retry`: nothing, decide again on `snapshot`, the dossier as
 * the script found it; undefined: no record).
 */
export interface IntakeWrite { maHoSo: string, outcome: IntakeOutcome | 'retry' | 'compacted', state: SyncState, jobGen: string, replicated: boolean, snapshot?: LifecycleSnapshot }

export interface Dossiers {
  /**
   * 'retry' when the dossier is not at `expectedRevision` (0: no record yet), with the snapshot to
   * decide again on: a new dossier takes one round trip, decided on no record at all.
   */
  intake: (a: IntakeArgs & { expectedRevision: number, lifecycle: LifecycleArgs }) => Promise<IntakeWrite>
  /** Waits for the replicas (REDIS_WAIT_REPLICAS) after a write to the agency: false when they lag. */
  replicated: (agency: string) => Promise<boolean>
  locate: (maHoSo: string) => Promise<{ agency: string, ref: string } | undefined>
  load: (agency: string, ref: string) => Promise<StoredDossier | undefined>
  loadBatch: (agency: string, refs: string[]) => Promise<LoadedBatch>
  loadEach: (places: Array<{ agency: string, ref: string }>, opts?: { documents?: boolean }) => Promise<Array<StoredDossier | undefined>>
  resolutions: (agency: string, ref: string) => Promise<Resolution[]>
  adminChange: (agency: string, ref: string, c: AdminChange, now?: number) => Promise<AdminChangeResult>
}

/** Every agency that ever had a dossier: the sweepers and scans walk it. */
export interface AgencyList {
  agencies: () => Promise<string[]>
}
