/**
 * Synthetic dossiers with random lifecycles, for the statistics benchmark and the brute-force
 * tests: each transition's bumps come from `bumpsFor`, exactly as a write path computes them, and
 * each dossier keeps its own history so a test can count it without the counters. Seeded, so a
 * failing run can be replayed.
 */
import { prng } from '../simulator/faults.js'
import { isoFromEpoch } from '../src/domain/toolkit/dates.js'
import { becameOverdue, bumpsFor, FINAL_STATUSES, type Bump, type Channel, type StatusCode } from '../src/domain/stats-dimensions.js'

export interface World {
  agencies: Array<{ code: string, communes: string[] }>
  procedures: Array<{ code: string, system: string }>
  /** First local day of receipts (yyyy-mm-dd) and how many days they span. */
  start: string
  days: number
}

export interface SynthEvent { to: StatusCode, at: string, dueAt: string }

export interface SynthDossier {
  agency: string
  communeCode: string
  system: string
  procedure: string
  channel: Channel
  receivedAt: string
  digitised: boolean
  paidOnline: boolean
  rating?: number
  /** Every status it went through, the first one at intake, with the due date after each. */
  events: SynthEvent[]
  /** Open and past due at `now` (the sweeper has counted it). */
  overdue: boolean
}

/** The simulator's seeded PRNG (mulberry32). */
export { prng }

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * The benchmark's world: 30 agencies of one province, 100 communes (each received in by one
 * agency), 5 systems with 8 procedures each.
 */
export function benchWorld (start: string, days: number): World {
  const systems = ['civil-status', 'land', 'social-insurance', 'business-registration', 'canonical']
  const procedures = Array.from({ length: 40 }, (_, i) => ({ code: `1.${String(1000 + i * 37).padStart(6, '0')}`, system: systems[i % 5] as string }))
  const agencies = Array.from({ length: 30 }, (_, i) => ({ code: `000.00.${10 + i}.H42`, communes: [] as string[] }))
  for (let c = 0; c < 100; c++) agencies[c % 30]?.communes.push(String(18000 + c * 7).padStart(5, '0'))
  return { agencies, procedures, start, days }
}

/**
 * `n` dossiers, one at a time, each with the bumps of its transitions (one array per
 * transition, plus the sweeper's when it is overdue at `nowMs`). Receipt instants are spread
 * over the whole local day, so dossiers received before 07:00 local fall on the day before in UTC.
 */
export function * synthesise (world: World, n: number, seed: number, nowMs: number): Generator<{ dossier: SynthDossier, steps: Bump[][] }> {
  const r = prng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T
  // A few procedures take most dossiers, as in any centre.
  const popular = (): { code: string, system: string } => world.procedures[Math.floor(world.procedures.length * r() ** 2)] as { code: string, system: string }
  const start = Date.parse(`${world.start}T00:00:00+07:00`)
  for (let i = 0; i < n; i++) {
    const agency = pick(world.agencies)
    const proc = popular()
    const u = r()
    const channel: Channel = u < 0.55 ? 'in-person' : u < 0.95 ? 'online' : 'postal'
    const received = start + Math.floor(r() * world.days * DAY)
    let due = received + (1 + Math.floor(r() * 15)) * DAY
    const d: SynthDossier = {
      agency: agency.code,
      communeCode: pick(agency.communes),
      system: proc.system,
      procedure: proc.code,
      channel,
      receivedAt: isoFromEpoch(received),
      digitised: r() < 0.6,
      paidOnline: false,
      events: [],
      overdue: false
    }
    const steps: Bump[][] = []
    let status: StatusCode | undefined
    let resolved = false
    let at = received
    const move = (to: StatusCode, when: number, o: { pay?: boolean, rating?: number } = {}): void => {
      at = Math.min(Math.max(when, at + 60_000), nowMs)
      const paidBefore = d.paidOnline
      if (o.pay !== undefined) d.paidOnline = o.pay
      const previousRating = d.rating
      if (o.rating !== undefined) d.rating = o.rating
      const e = bumpsFor({
        isNew: status === undefined,
        receivedAt: d.receivedAt,
        channel,
        digitised: d.digitised,
        paidOnline: { before: paidBefore, after: d.paidOnline },
        ...(o.rating === undefined ? {} : { rating: o.rating }),
        ...(o.rating !== undefined && previousRating !== undefined ? { previousRating } : {}),
        ...(status === undefined ? {} : { from: status }),
        to,
        at: isoFromEpoch(at),
        dueAt: isoFromEpoch(due),
        resolvedBefore: resolved,
        overdueBefore: d.overdue
      })
      status = to
      resolved = e.resolved
      d.overdue = e.overdue
      d.events.push({ to, at: isoFromEpoch(at), dueAt: isoFromEpoch(due) })
      steps.push(e.bumps)
    }
    const later = (maxDays: number): number => at + HOUR + Math.floor(r() * maxDays * DAY)

    move(channel === 'online' && r() < 0.3 ? '1' : '2', received)
    if (status === '1') move('2', later(1))
    if (r() < 0.04) {
      move('3', later(1))
    } else {
      move('4', later(1))
      const beforeNow = (): boolean => at < nowMs
      while (r() < 0.2 && beforeNow()) {
        move('5', later(3))
        if (r() < 0.7) due = Math.max(due, at) + (1 + Math.floor(r() * 7)) * DAY
        move('4', later(5), channel === 'online' && r() < 0.3 ? { pay: true } : {})
      }
      const v = r()
      if (v < 0.03) move('7', later(4))
      else if (v < 0.05) move('8', later(4))
      else if (v < 0.95) {
        // Around the due date: some early, some on the day, some late.
        const finish = due - 2 * DAY + Math.floor(r() * 3.2 * DAY)
        if (r() < 0.1) move('6', Math.min(finish, later(2)), channel !== 'in-person' && r() < 0.6 ? { pay: true } : {})
        if (r() < 0.15) move('10', finish)
        else {
          move('9', finish)
          if (r() < 0.8) move('10', later(3))
        }
        if (d.paidOnline && r() < 0.05) move(status as StatusCode, later(1), { pay: false })
        if (r() < 0.35) move(status as StatusCode, later(2), { rating: 1 + Math.floor(r() * 5) })
        if (d.rating !== undefined && r() < 0.15) move(status as StatusCode, later(2), { rating: 1 + Math.floor(r() * 5) })
      }
    }
    // The sweeper: still open and past due now.
    if (!d.overdue && !resolved && !FINAL_STATUSES.has(status as StatusCode) && nowMs > due) {
      d.overdue = true
      steps.push(becameOverdue())
    }
    yield { dossier: d, steps }
  }
}
