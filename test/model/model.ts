/**
 * The reference model of the model-based test: what should be true of the gateway, written
 * plainly from the docs (lifecycle.md, statistics.md, architecture.md), with no Redis, no
 * queues and no code shared with src/. Pure: every method is a function of the model and its
 * arguments; time is explicit (`wall` is the gateway's clock, `clock` the deadline scans').
 */

export const HOUR = 3_600_000
export const DAY = 24 * HOUR
const FINAL = new Set(['3', '7', '8', '10'])

/** The status machine of lifecycle.md's table. */
const MOVES: Record<string, string[]> = {
  1: ['2', '3', '7'],
  2: ['3', '4', '5', '6', '7', '8', '9'],
  3: [],
  4: ['5', '6', '7', '8', '9'],
  5: ['4', '7', '8'],
  6: ['4', '7', '8', '9'],
  7: [],
  8: [],
  9: ['10'],
  10: []
}

export function isFinal (s: string): boolean { return FINAL.has(s) }
export function isEdge (from: string, to: string): boolean { return (MOVES[from] ?? []).includes(to) }
export function reachable (from: string, to: string): boolean {
  const seen = new Set<string>()
  const todo = [...(MOVES[from] ?? [])]
  for (let s = todo.shift(); s !== undefined; s = todo.shift()) {
    if (s === to) return true
    if (!seen.has(s)) { seen.add(s); todo.push(...(MOVES[s] ?? [])) }
  }
  return false
}

/** lifecycle.md, "Events and resends", resend mode; times are the senders' own, when given. */
export function classifyResend (from: string, to: string, fromAt: number | undefined, toAt: number | undefined): 'same' | 'ok' | 'stale' | 'illegal' {
  if (from === to) return 'same'
  if (isFinal(from)) return 'stale'
  if (fromAt !== undefined && toAt !== undefined && toAt < fromAt) return 'stale'
  const forward = reachable(from, to)
  const backward = reachable(to, from)
  if (!forward) return backward ? 'stale' : 'illegal'
  if (isEdge(from, to) || !backward) return 'ok'
  return fromAt !== undefined && toAt !== undefined && toAt > fromAt ? 'ok' : 'stale'
}

/** Local time (UTC+07:00) as the gateway writes it. */
export function localIso (ms: number): string { return `${new Date(ms + 7 * HOUR).toISOString().slice(0, 19)}+07:00` }
export function localDate (ms: number): string { return localIso(ms).slice(0, 10) }

export type SyncState = 'pending' | 'delivered' | 'failed' | 'discarded' | 'unrouted' | 'needs-review'

export interface MDossier {
  n: number
  code: string
  agency: string
  commune: string
  procedure: string
  channel: 'in-person' | 'online'
  /** Who holds it: `canonical`, `portal` (online, not linked) or `civil-status` (linked). */
  system: string
  statsSystem: string
  origin: 'sector' | 'online'
  sourceId: string
  summary: string
  status: string
  /**
   * When the current status was set, on the sender's clock (lifecycle.md, "Time ordering"): the
   * sender's own time, or, when it gave none, the latest sender time known then (the previous
   * status's time or `receivedAt`, whichever is later).
   */
  statusAt: number
  /** The sender said when (a step time, an event's or a callback's time). */
  statusAtGiven: boolean
  receivedAt: number
  due: number
  dueIso: string
  /** Due date the last overdue mark was for (once per due date). */
  overdueFor?: number
  overdue: boolean
  state: SyncState
  failure?: string
  /** Too large for the portal (HTTP 413) until an admin edits it. */
  big: boolean
  onPortal: boolean
  portalSteps: string[]
  pendingSteps: string[]
  resolution?: 'resolvedEarly' | 'resolvedOnTime' | 'resolvedLate'
  moves: { supplementRequests: number, withdrawn: number, refused: number }
  paidOnline: boolean
  rating?: number
  supplementOpen: boolean
  compacted: boolean
  /** The sector payload last accepted (resent as a duplicate). */
  doc?: Record<string, unknown>
  /** An event set the due date: it outlives the sector's. */
  eventDue: boolean
}

export interface MCallback { maSuKien: string, code: string, agency: string, type: string }

export class Model {
  readonly dossiers: MDossier[] = []
  readonly unmatched: MCallback[] = []
  /** Callbacks sent, to send copies of. */
  readonly sent: Array<Record<string, unknown>> = []
  /**
   * The deadline scans' clock; `wall` is the gateway's own (the run's start). It starts 80 h back
   * and never passes `wall`: the gateway judges "a due date in the future" on its own clock, so
   * an overdue mark must never be for a date still ahead of it.
   */
  clock: number
  outage = false
  seq = 0

  constructor (readonly wall: number) { this.clock = wall - 80 * HOUR }

  byCode (code: string): MDossier | undefined { return this.dossiers.find(d => d.code === code) }
  live (): MDossier[] { return this.dossiers.filter(d => !d.compacted) }
  pick (i: number, pred: (d: MDossier) => boolean): MDossier | undefined {
    const c = this.dossiers.filter(pred)
    return c.length === 0 ? undefined : c[i % c.length]
  }

  /** statistics.md: a resolution counts once, on the first move into 9 (or 10 if 9 was skipped). */
  private moved (d: MDossier, to: string, at: number): void {
    if (to === '5') d.moves.supplementRequests++
    if (to === '7') d.moves.withdrawn++
    if (to === '3') d.moves.refused++
    if ((to === '9' || to === '10') && d.resolution === undefined) {
      d.resolution = at > d.due ? 'resolvedLate' : localDate(at) < localDate(d.due) ? 'resolvedEarly' : 'resolvedOnTime'
    }
  }

  /** A new dossier; `at` is when its status was set (the sender's time `senderAt`, or its arrival). */
  add (d: Omit<MDossier, 'n' | 'overdue' | 'portalSteps' | 'pendingSteps' | 'moves' | 'supplementOpen' | 'compacted' | 'paidOnline' | 'eventDue' | 'statusAt' | 'statusAtGiven'>, at: number, senderAt?: number): MDossier {
    const full: MDossier = { ...d, statusAt: senderAt ?? d.receivedAt, statusAtGiven: senderAt !== undefined, paidOnline: false, eventDue: false, n: this.dossiers.length, overdue: false, portalSteps: [], pendingSteps: [], moves: { supplementRequests: 0, withdrawn: 0, refused: 0 }, supplementOpen: false, compacted: false }
    this.moved(full, d.status, at)
    this.dossiers.push(full)
    return full
  }

  /** A status change (resend, event, callback): one step for the portal. */
  setStatus (d: MDossier, to: string, at: number, senderAt: number | undefined): void {
    if (to !== d.status) {
      this.moved(d, to, at)
      d.statusAt = senderAt ?? Math.max(d.statusAt, d.receivedAt)
      d.statusAtGiven = senderAt !== undefined
    }
    d.status = to
    if (isFinal(to)) d.overdue = false
  }

  step (d: MDossier): void {
    d.pendingSteps.push(d.status)
    this.touch(d)
  }

  /** Something to send: pending again unless held (failed or discarded stay as they are). */
  touch (d: MDossier): void {
    if (d.state === 'delivered') d.state = 'pending'
  }

  /** lifecycle.md "Deadlines": a due date in the future takes an overdue dossier off the list. */
  setDue (d: MDossier, due: number, iso: string): void {
    d.due = due
    d.dueIso = iso
    if (d.overdue && due > this.wall) d.overdue = false
  }

  /** The deadline scan at `clock`: past due, open, once per due date. */
  scan (): void {
    for (const d of this.live()) {
      if (isFinal(d.status) || d.overdue) continue
      if (d.due <= this.clock && d.overdueFor !== d.due) { d.overdue = true; d.overdueFor = d.due }
    }
  }

  /** The portal is reachable and the queues drained: what is pending is on the portal, or failed. */
  settle (): void {
    if (this.outage) return
    for (const d of this.live()) {
      if (d.state !== 'pending') continue
      if (d.big) { d.state = 'failed'; d.failure = 'PAYLOAD_TOO_LARGE'; continue }
      d.onPortal = true
      d.portalSteps.push(...d.pendingSteps)
      d.pendingSteps = []
      d.state = 'delivered'
    }
  }

  /** architecture.md, Compaction: final, delivered, nothing waiting, unchanged for the retention. */
  compact (): void {
    for (const d of this.live()) {
      if (isFinal(d.status) && d.state === 'delivered' && d.pendingSteps.length === 0) d.compacted = true
    }
  }

  // What each list should hold.
  failedList (): string[] {
    const out: string[] = []
    for (const d of this.live()) {
      if (d.state === 'failed') out.push(`delivery|${d.code}`)
      if (d.state === 'unrouted') out.push(`unrouted|${d.code}`)
      if (d.state === 'needs-review') out.push(`review|${d.code}`)
    }
    for (const u of this.unmatched) out.push(`callback|${u.code}|${u.maSuKien}`)
    return out.sort()
  }

  byState (s: SyncState): string[] { return this.live().filter(d => d.state === s).map(d => d.code).sort() }
  overdueList (): Array<{ code: string, due: number }> {
    return this.live().filter(d => d.overdue).map(d => ({ code: d.code, due: d.due }))
  }

  /** Open dossiers not marked overdue, due in [now, now + window]: the due-soon list. */
  dueSoonList (now: number, windowMs: number): Array<{ code: string, due: number }> {
    return this.live().filter(d => !isFinal(d.status) && !d.overdue && d.due >= now && d.due <= now + windowMs).map(d => ({ code: d.code, due: d.due }))
  }

  /** statistics.md, by brute force over the dossiers; `commune` filters. */
  stats (commune?: string): Record<string, number> {
    const s = { received: 0, online: 0, paidOnline: 0, ratings: 0, resolvedEarly: 0, resolvedOnTime: 0, resolvedLate: 0, supplementRequests: 0, withdrawn: 0, refused: 0, overdueOpen: 0, ratingSum: 0 }
    for (const d of this.dossiers) {
      if (commune !== undefined && d.commune !== commune) continue
      s.received++
      if (d.channel === 'online') s.online++
      if (d.paidOnline) s.paidOnline++
      if (d.rating !== undefined) { s.ratings++; s.ratingSum += d.rating }
      if (d.resolution !== undefined) s[d.resolution]++
      s.supplementRequests += d.moves.supplementRequests
      s.withdrawn += d.moves.withdrawn
      s.refused += d.moves.refused
      if (d.overdue && !d.compacted) s.overdueOpen++
    }
    return s
  }
}
