/**
 * Which notices a change of a dossier owes its applicant (applicant-notices.md, "The notices").
 * Pure: decided in TS on the dossier as read at one revision, and created by the same Lua script
 * that applies the change at that revision (lua/shared/notice-add.lua), so a notice exists exactly
 * when its change does. The script creates each (dossier, kind, due date) at most once: a resend,
 * a replayed callback or an admin replay decides the same candidate again and creates nothing.
 */
import type { NoticeKind } from './kinds.js'

const DAY_MS = 86_400_000
const LOCAL_OFFSET_MS = 7 * 3_600_000
/** What a notice carries of free text (a supplement request, a reason): the templates cut it further. */
export const NOTICE_TEXT_MAX = 300

export interface NoticeChange {
  /** The dossier had no status before (its first intake). */
  isNew: boolean
  /** The status it moves to, and whether it moved (a resend of the same status did not). */
  to: string
  statusChanged: boolean
  /** Epoch ms the new status was set (the sender's clock). */
  statusAt: number
  /** The due date in force before the change (undefined for a new dossier) and after it. */
  oldDueAt?: number
  newDueAt: number
  /** The gateway's clock: "past its due date" is judged against it. */
  now: number
  /** A supplement request's text, a refusal's or a re-appointment's reason. */
  text?: string
}

/** What a notice carries from its change; the rest (contact, procedure, centre) is read when it is sent. */
export interface NoticeData {
  /** The due date in force after the change (epoch ms). */
  dueAt: number
  /** When the change happened (epoch ms). */
  at: number
  /** `apology`: the due date that was missed. */
  oldDueAt?: number
  /** `result-ready`: how many local days before the due date the result came; 0 = not early. */
  earlyDays?: number
  text?: string
}

export interface NoticeCandidate {
  kind: NoticeKind
  /** With the dossier and the kind, what makes a notice once-only. */
  due: number
  data: NoticeData
}

const BY_STATUS: Readonly<Record<string, NoticeKind>> = {
  2: 'received', 3: 'refused', 5: 'supplement-requested', 9: 'result-ready', 10: 'returned'
}

function localDay (ms: number): number {
  return Math.floor((ms + LOCAL_OFFSET_MS) / DAY_MS)
}

function cut (s: string | undefined): string | undefined {
  if (s === undefined) return undefined
  const t = s.normalize('NFC').replace(/\s+/g, ' ').trim()
  if (t === '') return undefined
  const cps = [...t]
  return cps.length > NOTICE_TEXT_MAX ? `${cps.slice(0, NOTICE_TEXT_MAX - 1).join('')}…` : t
}

/** The notices a change owes, among the kinds the agency sends (none when it sends none). */
export function decideNotices (c: NoticeChange, kinds: readonly NoticeKind[] | undefined): NoticeCandidate[] {
  if (kinds === undefined || kinds.length === 0) return []
  const out: NoticeCandidate[] = []
  const text = cut(c.text)
  const kind = c.statusChanged ? BY_STATUS[c.to] : undefined
  if (kind !== undefined) {
    const data: NoticeData = { dueAt: c.newDueAt, at: c.statusAt }
    if (kind === 'result-ready') data.earlyDays = Math.max(0, localDay(c.newDueAt) - localDay(c.statusAt))
    if ((kind === 'supplement-requested' || kind === 'refused') && text !== undefined) data.text = text
    out.push({ kind, due: c.newDueAt, data })
  }
  // The centre's re-appointment of a dossier it is late with: a new due date after the missed one.
  const late = !c.isNew && c.oldDueAt !== undefined && c.oldDueAt < c.now && c.newDueAt > c.oldDueAt
  if (late && !['3', '7', '8', '9', '10'].includes(c.to)) {
    out.push({ kind: 'apology', due: c.newDueAt, data: { dueAt: c.newDueAt, at: c.now, oldDueAt: c.oldDueAt, ...(text === undefined ? {} : { text }) } })
  }
  return out.filter(n => kinds.includes(n.kind))
}

/**
 * The script's argument: one line per candidate, `kind <TAB> due <TAB> JSON of its data`. Kinds
 * and numbers hold no tab or newline, and JSON escapes both.
 */
export function encodeCandidates (cs: readonly NoticeCandidate[]): string {
  return cs.map(c => `${c.kind}\t${c.due}\t${JSON.stringify(c.data)}`).join('\n')
}
