/** The stored shapes of the dossier store, and their (de)serialisation. */
import type { CanonicalDossier, CanonicalInput, Provenance } from '../domain/canonical-dossier.js'
import type { ReviewItem } from '../domain/review.js'
import { parseRef } from './keys.js'
import type { Lifecycle } from '../domain/lifecycle/schemas.js'
import { withLifecycle } from '../domain/lifecycle/overlay.js'
import { decodeDoc, type RawPayload } from './codec.js'
import { isoFromEpoch } from '../domain/toolkit/dates.js'

/** `unrouted`: an online dossier (already on the portal) that no sector system has been given yet. */
export type SyncState = 'pending' | 'delivered' | 'failed' | 'needs-review' | 'unrouted' | 'discarded'
/** `stale`: a late resend of a state the dossier has moved past: recorded, nothing changed. */
export type IntakeOutcome = 'new' | 'updated' | 'duplicate' | 'stale'

import type { PendingStep } from '../domain/status-step.js'
export type { PendingStep }

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

/** Who handles an online dossier, or why nobody does yet. */
export interface Routing {
  state: 'routed' | 'unrouted' | 'linked'
  system?: string
  client?: string
  /** unrouted: NO_ROUTE, NO_CLIENT, AMBIGUOUS_CLIENT. */
  reason?: { code: string, message: { vi: string, en: string } }
  at: string
}

/**
 * A routing as stored on the record: `<state>|<system>|<client>|<at, epoch seconds>` (about 45
 * bytes, so the record stays a listpack) when it has no reason and its parts allow it; JSON
 * otherwise (an unrouted dossier's reason, and records written before).
 */
export function encodeRouting (r: Routing): string {
  const at = Date.parse(r.at) / 1000
  const parts = [r.state, r.system ?? '', r.client ?? '']
  const plain = r.reason === undefined && Number.isInteger(at) && isoFromEpoch(at * 1000) === r.at && parts.every(p => !p.includes('|'))
  return plain ? [...parts, at].join('|') : JSON.stringify(r)
}

export function decodeRouting (s: string): Routing {
  if (s.startsWith('{')) return JSON.parse(s) as Routing
  const [state, system, client, at] = s.split('|')
  return { state: state as Routing['state'], ...(system === '' ? {} : { system }), ...(client === '' ? {} : { client }), at: isoFromEpoch(Number(at) * 1000) }
}

/** What the applicant did on the portal, as its callbacks said (the latest of each). */
export interface PortalFacts {
  payment?: { amount: number, transactionId: string, bank?: string, at: string }
  withdrawal?: { reason: string, at: string }
  rating?: { score: number, comment?: string, at: string }
  supplements?: number
}

/** One line of a dossier's timeline. */
export interface HistoryEntry {
  at: string
  kind: 'portal-event' | 'routed' | 'unrouted' | 'linked' | 'webhook-delivered' | 'webhook-failed' | 'webhook-discarded' | 'stale-resend' | 'event' | 'overdue' | 'due-soon'
  [k: string]: unknown
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
  /** `online`: submitted on the portal (HoSoMoi), which assigned its code. */
  origin?: 'online'
  routing?: Routing
  /** The client that receives this dossier's webhook events, if any. */
  webhookClient?: string
  portal: PortalFacts
  /** When the current status was set (epoch ms). */
  statusAt?: number
  /** What events added to what the sector sent (docs/lifecycle.md). */
  lifecycle?: Lifecycle
  /** Past its due date and still open. */
  overdue: boolean
  /** Counted as resolved (early, on time or late) in the statistics. */
  resolved: boolean
  /** Paid online (the sector said so, or the portal's ThanhToan). */
  paidOnline: boolean
  /** The payload the current record came from, when it is stored with it (not for records written before compression). */
  latestRaw?: RawPayload
  /**
   * Compacted (epoch ms): final, delivered and untouched for the retention period, so only what
   * idempotency and look-ups need is kept. `input` and `provenance` then hold only the source
   * number and the agency code; nothing may render them.
   */
  compactedAt?: number
}

export { encodeRaw, decodeRaw, type RawMeta, type RawPayload } from './codec.js'

export interface IntakeArgs {
  system: string
  clientId: string
  input: CanonicalInput
  provenance: Provenance
  fullHash: string
  contentHash: string
  day: string
  /** The payload as received: stored, compressed, with the record it became. */
  raw: RawPayload
  /** `encodeDoc` of input, provenance and raw, when the caller has it already (a retried intake). */
  doc?: Buffer
  review: ReviewItem[]
  step: PendingStep
  /** The client that hears of this dossier's events (the sender, when it has a webhook), or ''. */
  webhookClient: string
  now: number
}

/** A stored record that cannot be read back (hand-edited, or truncated): delivery fails it alone. */
export class CorruptRecordError extends Error {
  constructor (readonly ref: string, readonly maHoSo: string | undefined) {
    super('stored dossier record cannot be read')
    this.name = 'CorruptRecordError'
  }
}

/**
 * The record, undefined when it is gone; throws CorruptRecordError when it is unreadable.
 * `lazy`: the document is inflated only when `input`, `provenance`, `latestRaw` or `clientId` is
 * first read (lists read thousands of records and few of them need it); an unreadable document
 * then throws CorruptRecordError there.
 */
export function parseDossier (agency: string, ref: string, h: Record<string, string>, doc?: Buffer | null, opts: { lazy?: boolean } = {}): StoredDossier | undefined {
  if (h.maHoSo === undefined) return undefined
  try {
    // undefined: the document was not read (lists); null: there is none.
    if (opts.lazy === true && h.input === undefined && h.compactedAt === undefined && doc !== null) return readLazily(agency, ref, h as Record<string, string> & { maHoSo: string }, doc)
    return readDossier(agency, ref, h as Record<string, string> & { maHoSo: string }, doc ?? undefined)
  } catch {
    throw new CorruptRecordError(ref, h.maHoSo)
  }
}

const PLACEHOLDER = { input: {} as CanonicalInput, provenance: {} as Provenance }

function readLazily (agency: string, ref: string, h: Record<string, string> & { maHoSo: string }, bytes: Buffer | undefined): StoredDossier {
  const d = readDossier(agency, ref, h, undefined, PLACEHOLDER)
  delete d.latestRaw
  let doc: ReturnType<typeof decodeDoc> | undefined
  const get = (): ReturnType<typeof decodeDoc> => {
    if (doc === undefined) {
      if (bytes === undefined) throw new Error('the dossier was read without its document')
      try { doc = decodeDoc(bytes) } catch { throw new CorruptRecordError(ref, h.maHoSo) }
    }
    return doc
  }
  const lazy = (key: 'input' | 'provenance' | 'latestRaw' | 'clientId', read: () => unknown): void => {
    Object.defineProperty(d, key, {
      enumerable: true,
      configurable: true,
      get: read,
      set: (value: unknown) => { Object.defineProperty(d, key, { value, writable: true, enumerable: true, configurable: true }) }
    })
  }
  lazy('input', () => get().input)
  lazy('provenance', () => get().provenance)
  lazy('latestRaw', () => get().raw)
  if (h.clientId === undefined) lazy('clientId', () => get().provenance.clientId ?? '')
  return d
}

/**
 * The record, its canonical input and provenance from the document key (compressed), or from
 * the hash for a record written before that (or an online dossier, which keeps them there).
 */
function readDossier (agency: string, ref: string, h: Record<string, string> & { maHoSo: string }, docBytes: Buffer | undefined, given?: { input: CanonicalInput, provenance: Provenance }): StoredDossier {
  const { system, sourceId } = parseRef(ref)
  let doc: { input: CanonicalInput, provenance: Provenance, raw?: RawPayload }
  if (given !== undefined) doc = given
  else if (h.input !== undefined && h.provenance !== undefined) doc = { input: JSON.parse(h.input) as CanonicalInput, provenance: JSON.parse(h.provenance) as Provenance }
  else if (docBytes !== undefined) doc = decodeDoc(docBytes)
  else if (h.compactedAt !== undefined) doc = compactedShell(agency, system, sourceId, h)
  else throw new Error('incomplete record')
  const d: StoredDossier = {
    ref,
    agency,
    maHoSo: h.maHoSo,
    system,
    sourceId,
    clientId: h.clientId ?? doc.provenance.clientId ?? '',
    input: doc.input,
    provenance: doc.provenance,
    status: h.status ?? '',
    state: (h.state ?? 'pending') as SyncState,
    revision: Number(h.revision ?? 0),
    contentRev: Number(h.contentRev ?? 0),
    deliveredRev: Number(h.deliveredRev ?? 0),
    created: h.created === '1',
    createdAt: Number(h.createdAt ?? 0),
    updatedAt: Number(h.updatedAt ?? 0),
    portal: {},
    overdue: h.overdue === '1',
    resolved: h.resolved === '1',
    paidOnline: h.paidOnline === '1'
  }
  if (h.statusAt !== undefined) d.statusAt = Number(h.statusAt)
  if (h.lifecycle !== undefined) d.lifecycle = JSON.parse(h.lifecycle) as Lifecycle
  if (h.deliveredAt !== undefined) d.deliveredAt = Number(h.deliveredAt)
  if (h.review !== undefined) d.review = JSON.parse(h.review) as ReviewItem[]
  if (h.failure !== undefined) d.failure = JSON.parse(h.failure) as Failure
  if (h.resolutions !== undefined) d.resolutions = JSON.parse(h.resolutions) as Resolution[]
  if (h.origin === 'online') d.origin = 'online'
  if (h.routing !== undefined) d.routing = decodeRouting(h.routing)
  if (h.whClient !== undefined && h.whClient !== '') d.webhookClient = h.whClient
  if (h.payment !== undefined) d.portal.payment = JSON.parse(h.payment) as PortalFacts['payment']
  if (h.withdrawal !== undefined) d.portal.withdrawal = JSON.parse(h.withdrawal) as PortalFacts['withdrawal']
  if (h.rating !== undefined) d.portal.rating = JSON.parse(h.rating) as PortalFacts['rating']
  if (h.supplements !== undefined) d.portal.supplements = Number(h.supplements)
  if (doc.raw !== undefined) d.latestRaw = doc.raw
  if (h.compactedAt !== undefined) {
    d.compactedAt = Number(h.compactedAt)
    d.created = true
  }
  return d
}

/** What a compacted record still says of its input: its number and agency, nothing else. */
function compactedShell (agency: string, system: string, sourceId: string, h: Record<string, string>): { input: CanonicalInput, provenance: Provenance } {
  return {
    input: { sourceId, agency: { code: agency }, status: h.status } as unknown as CanonicalInput,
    provenance: { system, sourceId } as unknown as Provenance
  }
}

/**
 * The canonical record as the API shows it and the portal receives it. What the portal itself
 * told us stays true whatever the sector later sends: an online dossier stays online, and a fee
 * paid on the portal stays paid.
 */
export function toCanonical (d: StoredDossier): CanonicalDossier {
  const { sourceId: _sourceId, ...rest } = d.input
  // The record's status is the status machine's (resends and events), not the last payload's.
  const c: CanonicalDossier = { schemaVersion: 1, maHoSo: d.maHoSo, ...rest, status: (d.status === '' ? d.input.status : d.status) as CanonicalDossier['status'], provenance: d.provenance }
  if (d.origin === 'online') c.channel = 'online'
  if (d.portal.payment !== undefined) c.paidOnline = true
  return withLifecycle(c, d.lifecycle)
}
