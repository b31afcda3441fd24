/**
 * Applicant notices in the store (queue/notice-delivery.ts sends them; http/routes/notices*.ts
 * show them). Created by the scripts that change a dossier (lua/shared/notice-add.lua); every
 * later change of one is a compare-and-set on the record as read (lua/notice-save.lua) that moves
 * its queue, held and failed indexes and the month's counters in the same step. Redis:
 * notice-store.ts.
 */
import type { NoticeRecord } from '../../domain/notices/record.js'
import type { Channel } from '../../domain/notices/kinds.js'
import type { After } from '../../domain/cursor.js'

/** Told of the notices a script created: a job must send each. Given to the store when it is built. */
export interface NoticesCreated {
  created: (agency: string, ids: readonly string[]) => void
}

export type NoticeClaim =
  | { result: 'claimed', record: NoticeRecord, text: string, interruptedOn?: Channel }
  | { result: 'later' | 'not-queued' | 'missing' }

export interface NoticeSave {
  agency: string
  id: string
  /** The worker's lease; '' for a delivery report or an admin. */
  token: string
  /** The record's text as read: the save is refused if it changed since. */
  expect: string
  record: NoticeRecord
  /** When to look at it again; undefined leaves the queue. */
  queueAt?: number
  held?: boolean
  /** Lists it among the failed (failed or not sent) at that time; undefined takes it off. */
  failedAt?: number
  /** `<channel>|<metric>` → increment, in the month of `now` (local time). */
  bumps?: Readonly<Record<string, number>>
  now: number
}

export type SaveResult = { result: 'ok', parked?: string } | { result: 'changed' | 'busy' }

/** Why a channel (or one of its templates: `zns|received`) sends nothing now. */
export interface ChannelState {
  /** `hold`: its notices wait for an admin; `skip`: they pass to the next channel. */
  mode: 'hold' | 'skip'
  reason: string
  code?: string
  /** Epoch ms it was stopped. */
  at: number
  /** `skip` until then (a daily quota: local midnight); none: until an admin resumes it. */
  until?: number
}

export interface Notices {
  claim: (agency: string, id: string, now: number, leaseMs: number, token: string) => Promise<NoticeClaim>
  begin: (agency: string, id: string, token: string, channel: Channel) => Promise<boolean>
  save: (s: NoticeSave) => Promise<SaveResult>
  park: (agency: string, id: string, report: string) => Promise<boolean>
  get: (agency: string, id: string) => Promise<{ record: NoticeRecord, text: string } | undefined>
  forDossier: (agency: string, ref: string) => Promise<NoticeRecord[]>
  /** Queued notices due by `now` (or whose lease is over), oldest first. */
  due: (agency: string, now: number, max: number) => Promise<Array<{ id: string, at: number }>>
  held: (agency: string, max: number) => Promise<string[]>
  failedPage: (agency: string, after: After | undefined, count: number) => Promise<Array<{ id: string, at: number }>>
  failedCount: (agency: string) => Promise<number>
  /** Notices waiting across these agencies: queued (pending, retrying, sending) and held. */
  waiting: (agencies: readonly string[]) => Promise<{ queued: number, held: number }>
  /** Counters per local month (`yyyy-mm`), `<channel>|<metric>` → n. */
  stats: (agency: string, months: readonly string[]) => Promise<Record<string, Record<string, number>>>
  channels: () => Promise<Record<string, ChannelState>>
  setChannel: (name: string, state: ChannelState | undefined) => Promise<void>
  optOut: (hash: string, on: boolean) => Promise<void>
  optedOut: (hash: string) => Promise<boolean>
  rememberZnsMessage: (msgId: string, agency: string, id: string, ttlMs: number) => Promise<void>
  znsMessage: (msgId: string) => Promise<{ agency: string, id: string } | undefined>
  putLetter: (agency: string, id: string, pdf: Buffer, ttlMs: number) => Promise<void>
  letter: (agency: string, id: string) => Promise<Buffer | undefined>
}
