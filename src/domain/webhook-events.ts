/**
 * The webhook events sector systems receive, as the exact JSON that is signed and sent
 * (docs/webhooks.md). Pure builders: the scripts that store a change store its event with it.
 * `dossier.delivered` and `dossier.failed` are built inside their Lua scripts (scripts-outbox.ts).
 */
import type { CanonicalDossier } from './canonical-dossier.js'
import { fromPortalDate } from './toolkit/dates.js'

export const WEBHOOK_TYPES = [
  'dossier.submitted-online',
  'dossier.supplement-received',
  'dossier.payment-received',
  'dossier.withdrawal-requested',
  'dossier.rated',
  'dossier.delivered',
  'dossier.failed'
] as const
export type WebhookType = typeof WEBHOOK_TYPES[number]

/** Which portal event is which webhook event, and what it sets on the dossier's record. */
export const FORWARDED_AS = {
  NopBoSung: 'dossier.supplement-received',
  ThanhToan: 'dossier.payment-received',
  RutHoSo: 'dossier.withdrawal-requested',
  DanhGia: 'dossier.rated'
} as const satisfies Record<string, WebhookType>

export interface PortalEventRef { id: string, type: string, at: string }

/** `20250701081500` (validated by the callback schema) → `2025-07-01T08:15:00+07:00`. */
export function isoFromPortalDate (s: string): string {
  const r = fromPortalDate(s)
  if (!r.ok) throw new RangeError(`not a portal date: ${s.slice(0, 20)}`)
  return r.value
}

export function envelope (type: WebhookType, timestamp: string, data: Record<string, unknown>): string {
  return JSON.stringify({ type, timestamp, data })
}

/** When the event happened, as the envelope's UTC timestamp. */
export function utcOf (isoLocal: string): string {
  return new Date(isoLocal).toISOString()
}

export function submittedOnline (a: { maHoSo: string, agency: string, system: string, portalEvent: PortalEventRef, dossier: CanonicalDossier, hoSo: unknown }): string {
  return envelope('dossier.submitted-online', utcOf(a.portalEvent.at), {
    maHoSo: a.maHoSo,
    agency: a.agency,
    system: a.system,
    portalEvent: a.portalEvent,
    dossier: a.dossier,
    hoSo: a.hoSo
  })
}

export interface DocumentOut { id: string, name: string, url: string, componentCode?: string }

/** The part of a callback's event that is particular to its type. */
export type PortalEventDetail =
  | { type: 'NopBoSung', supplement: { content?: string, documents: DocumentOut[] } }
  | { type: 'ThanhToan', payment: { amount: number, transactionId: string, bank?: string } }
  | { type: 'RutHoSo', withdrawal: { reason: string } }
  | { type: 'DanhGia', rating: { score: number, comment?: string } }

export function portalEventBody (a: { maHoSo: string, agency: string, sourceId?: string, portalEvent: PortalEventRef, detail: PortalEventDetail }): string {
  const { type, ...detail } = a.detail
  return envelope(FORWARDED_AS[type], utcOf(a.portalEvent.at), {
    maHoSo: a.maHoSo,
    agency: a.agency,
    ...(a.sourceId === undefined ? {} : { sourceId: a.sourceId }),
    portalEvent: a.portalEvent,
    ...detail
  })
}
