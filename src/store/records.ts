/** The stored shapes of the dossier store, and their (de)serialisation. */
import type { CanonicalDossier, CanonicalInput, Provenance } from '../schemas/canonical-dossier.js'
import type { ReviewItem } from '../mappings/types.js'
import { parseRef } from './keys.js'

export type SyncState = 'pending' | 'delivered' | 'failed' | 'needs-review'
export type IntakeOutcome = 'new' | 'updated' | 'duplicate'

/** A status change waiting to be pushed to the portal as a TienDo step; `id` rises per dossier. */
export interface PendingStep { id?: number, status: string, at: string, step?: CanonicalInput['step'] }

/** An admin's decision on a review item, re-applied when the sender sends the same data again. */
export interface Resolution { target: string, oldCode: string, code: string }

/** What the portal took for one dossier; `stepsUpTo`: every pending step with an id up to it. */
export interface Ack { created?: boolean, deliveredRev?: number, stepsUpTo?: number }

export interface Failure { code: string, reason: string, at: string, portalCode?: string }

export interface Attempt {
  at: string
  jobId: string
  attempt: number
  operation: 'create' | 'update' | 'steps' | 'lookup'
  batchSize: number
  outcome: 'ok' | 'exists' | 'transient' | 'permanent' | 'unknown-dossier' | 'unknown-code' | 'too-large'
  durationMs: number
  httpStatus?: number
  portalCode?: string
  portalMessage?: string
  error?: string
}

export interface StoredDossier {
  ref: string
  agency: string
  maHoSo: string
  system: string
  sourceId: string
  clientId: string
  input: CanonicalInput
  provenance: Provenance
  status: string
  state: SyncState
  revision: number
  contentRev: number
  deliveredRev: number
  created: boolean
  createdAt: number
  updatedAt: number
  deliveredAt?: number
  review?: ReviewItem[]
  resolutions?: Resolution[]
  failure?: Failure
}

export interface RawMeta { receivedAt: string, clientId: string, contentType: string, sha256: string, mappingVersion: string }

/** A raw payload is stored as one line of JSON metadata, a newline, then the body unchanged. */
export function encodeRaw (meta: RawMeta, body: string): string {
  return `${JSON.stringify(meta)}\n${body}`
}

export function decodeRaw (entry: string): RawMeta & { body: string } {
  const i = entry.indexOf('\n')
  return { ...JSON.parse(entry.slice(0, i)) as RawMeta, body: entry.slice(i + 1) }
}

export interface IntakeArgs {
  system: string
  clientId: string
  input: CanonicalInput
  provenance: Provenance
  fullHash: string
  contentHash: string
  day: string
  rawEntry: string
  review: ReviewItem[]
  step: PendingStep
  now: number
}

/** A stored record that cannot be read back (hand-edited, or truncated): delivery fails it alone. */
export class CorruptRecordError extends Error {
  constructor (readonly ref: string, readonly maHoSo: string | undefined) {
    super('stored dossier record cannot be read')
    this.name = 'CorruptRecordError'
  }
}

/** The record, undefined when it is gone; throws CorruptRecordError when it is unreadable. */
export function parseDossier (agency: string, ref: string, h: Record<string, string>): StoredDossier | undefined {
  if (h.maHoSo === undefined) return undefined
  try {
    return readDossier(agency, ref, h as Record<string, string> & { maHoSo: string })
  } catch {
    throw new CorruptRecordError(ref, h.maHoSo)
  }
}

function readDossier (agency: string, ref: string, h: Record<string, string> & { maHoSo: string }): StoredDossier {
  if (h.input === undefined || h.provenance === undefined) throw new Error('incomplete record')
  const { system, sourceId } = parseRef(ref)
  const d: StoredDossier = {
    ref,
    agency,
    maHoSo: h.maHoSo,
    system,
    sourceId,
    clientId: h.clientId ?? '',
    input: JSON.parse(h.input) as CanonicalInput,
    provenance: JSON.parse(h.provenance) as Provenance,
    status: h.status ?? '',
    state: (h.state ?? 'pending') as SyncState,
    revision: Number(h.revision ?? 0),
    contentRev: Number(h.contentRev ?? 0),
    deliveredRev: Number(h.deliveredRev ?? 0),
    created: h.created === '1',
    createdAt: Number(h.createdAt ?? 0),
    updatedAt: Number(h.updatedAt ?? 0)
  }
  if (h.deliveredAt !== undefined) d.deliveredAt = Number(h.deliveredAt)
  if (h.review !== undefined) d.review = JSON.parse(h.review) as ReviewItem[]
  if (h.failure !== undefined) d.failure = JSON.parse(h.failure) as Failure
  if (h.resolutions !== undefined) d.resolutions = JSON.parse(h.resolutions) as Resolution[]
  return d
}

/** The canonical record as the API shows it. */
export function toCanonical (d: StoredDossier): CanonicalDossier {
  const { sourceId: _sourceId, ...rest } = d.input
  return { schemaVersion: 1, maHoSo: d.maHoSo, ...rest, provenance: d.provenance }
}
