/**
 * What the portal starts, in the store, as the callback and intake services see it
 * (services/callbacks, services/intake): a callback event, an online dossier, the sector's link
 * to one, an event kept for a code not known yet. Redis: portal-store.ts.
 */
import type { HistoryEntry, Routing } from '../records.js'
import type { LifecycleArgs } from './lifecycle.js'

export interface PortalEventArgs {
  agency: string
  code: string
  maSuKien: string
  now: number
  history: HistoryEntry
  /** The history line when the dossier has no webhook receiver to forward the event to. */
  historyNotForwarded: HistoryEntry
  /** A fact the callback sets on the record (`payment`, `withdrawal`, `rating`). */
  fact?: { field: string, value: string }
  /** A counter the callback raises on the record (`supplements`). */
  count?: string
  /** The event for the dossier's webhook receiver; its body may name the dossier's source reference. */
  webhook: { type: string, body: (ref: string) => string }
  /** What is kept when the code is unknown. */
  unmatched: string
  /** The centre's figures: a payment (paid online), a rating (1..5). */
  stats?: { paid?: boolean, rating?: number }
}

export type PortalEventResult = 'applied' | 'duplicate' | 'unmatched'

export interface OnlineDossierArgs {
  agency: string
  code: string
  maSuKien: string
  now: number
  history: HistoryEntry
  /** The canonical record, provenance and the HoSoMoi as received (codec.ts encodeDoc). */
  doc: Buffer
  state: 'delivered' | 'unrouted'
  /** The routed client; '' when unrouted. */
  client: string
  webhookBody: string
  unmatched: string
  lifecycle: LifecycleArgs
  fields: Record<string, string | number>
}

export type OnlineResult = 'created' | 'duplicate' | 'known' | 'conflict'
export type LinkResult = 'linked' | 'already' | 'unknown' | 'sector-elsewhere' | 'code-elsewhere'

export interface LinkArgs { agency: string, code: string, system: string, sourceId: string, clientId: string, webhookClient: string, routing: Routing, history: HistoryEntry, now: number }

export interface Callbacks {
  portalEvent: (a: PortalEventArgs) => Promise<{ result: PortalEventResult, ref?: string, head: string }>
  onlineDossier: (a: OnlineDossierArgs) => Promise<{ result: OnlineResult, head: string }>
  link: (a: LinkArgs) => Promise<LinkResult>
  keepUnmatched: (a: { agency: string, maSuKien: string, entry: string }) => Promise<'kept' | 'duplicate'>
}
