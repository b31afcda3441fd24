/**
 * A notice as the store keeps it (JSON in the agency's `nt` hash, store/notice-store.ts) and as
 * the API shows it. Holds no contact: the phone, e-mail and name are read from the dossier when
 * the notice is sent, and never copied here.
 */
import type { NoticeData } from './decide.js'
import type { Channel, NoticeKind, NoticeState } from './kinds.js'

/** One call to a provider, or one decision not to call. */
export interface NoticeAttempt {
  at: number
  channel: Channel
  /** The channel client's outcome kind (adapters/notices/outcome.ts), or `held`, `quiet-hours`, `skipped`, `report`. */
  outcome: string
  reason?: string
  code?: string
}

export interface NoticeRecord {
  /** `ntc_<MaHoSo>.<n>`: the ZNS tracking_id, the SMS RequestId and the e-mail's Message-ID. */
  id: string
  code: string
  kind: NoticeKind
  /** With the code and the kind, what makes it once-only (epoch ms). */
  due: number
  state: NoticeState
  createdAt: number
  /** Calls made that may be retried (transient failures): bounded by NOTICE_MAX_ATTEMPTS. */
  attempts: number
  data: NoticeData
  /** The channel it went by, or is on. */
  channel?: Channel
  /** Channels it has left behind (refused for the applicant, full today, stopped and passed on). */
  passed?: Channel[]
  providerId?: string
  /** SMS segments of the message sent, for the estimated cost. */
  segments?: number
  sentAt?: number
  deliveredAt?: number
  /** When it reached a final state. */
  endedAt?: number
  /** Why it failed, is not sent or is held: a provider code and its meaning, or the gateway's reason. */
  reason?: string
  reasonCode?: string
  /** `apology` with an e-mail address: the letter went by e-mail too (besides the first channel). */
  letterMail?: 'sent' | 'sent-unconfirmed' | 'failed'
  /** The last calls and decisions, newest last (at most HISTORY_MAX). */
  history?: NoticeAttempt[]
}

export const HISTORY_MAX = 12

export function withAttempt (r: NoticeRecord, a: NoticeAttempt): NoticeAttempt[] {
  return [...(r.history ?? []), a].slice(-HISTORY_MAX)
}

export function parseNotice (text: string): NoticeRecord {
  return JSON.parse(text) as NoticeRecord
}
