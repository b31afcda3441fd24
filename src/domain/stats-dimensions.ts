/**
 * Centre statistics: the metrics, and how one transition of a dossier changes them. Pure: the
 * write paths compute the bumps here and apply them in the same Lua script as the transition
 * (src/store/lua/shared/stats-apply.lua), so the counters can never disagree with the dossiers they count.
 *
 * Two kinds of day bucket:
 *  - cohort metrics count on the dossier's RECEIPT day (so "of the dossiers received in June,
 *    how many were online, digitised, paid online, and how were they rated"), whenever the
 *    information arrives;
 *  - event metrics count on the local day the event happened.
 * `overdueOpen` is a gauge (no day): the dossiers overdue right now.
 */
import type { StatusCode } from './canonical-dossier.js'

export type { StatusCode }
export type Channel = 'in-person' | 'online' | 'postal'

export const COHORT_METRICS = ['received', 'online', 'digitised', 'paidOnline', 'ratingSum', 'ratingCount'] as const
export const EVENT_METRICS = ['resolvedEarly', 'resolvedOnTime', 'resolvedLate', 'supplementRequests', 'withdrawn', 'refused'] as const
/** Every metric kept in day and month buckets. */
export const DAY_METRICS = [...COHORT_METRICS, ...EVENT_METRICS] as const
export type DayMetric = typeof DAY_METRICS[number]
export type Metric = DayMetric | 'overdueOpen'

export interface Bump {
  /** Local date yyyy-mm-dd (Asia/Ho_Chi_Minh) of the bucket; absent for the gauge. */
  day?: string
  metric: Metric
  delta: number
}

export interface Transition {
  /** The dossier is created by this transition (first intake, or an online dossier's arrival). */
  isNew: boolean
  /** The dossier's receipt instant after the transition, ISO 8601 with a zone (+07:00). */
  receivedAt: string
  channel: Channel
  /** Documents digitised at intake; counted once, when the dossier is new. */
  digitised: boolean
  paidOnline: { before: boolean, after: boolean }
  /** A rating given by this transition (1..5). */
  rating?: number
  /** The rating it replaces, when the applicant rates again: the count stays, the sum moves. */
  previousRating?: number
  /** Status before; absent when `isNew`. */
  from?: StatusCode
  /** Status after. */
  to: StatusCode
  /** When the change happened, ISO 8601 with a zone (+07:00). */
  at: string
  /** The due date after the transition (a supplement may have moved it). */
  dueAt: string
  /** The dossier had already been counted as resolved (see `bumpsFor`). */
  resolvedBefore: boolean
  /** The dossier was counted in `overdueOpen` before this transition. */
  overdueBefore: boolean
}

export interface TransitionEffect {
  bumps: Bump[]
  /** Whether the dossier counts as resolved after this transition: store it for `resolvedBefore`. */
  resolved: boolean
  /** Whether it counts in `overdueOpen` after this transition: store it for `overdueBefore`. */
  overdue: boolean
  /** This transition took it out of `overdueOpen`. */
  overdueCleared: boolean
}

/** `3` refused, `7` withdrawn, `8` stopped, `10` returned: nothing more happens to the dossier. */
export const FINAL_STATUSES: ReadonlySet<StatusCode> = new Set<StatusCode>(['3', '7', '8', '10'])

const OFFSET_MS = 7 * 3_600_000
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/
const DAY = /^\d{4}-\d{2}-\d{2}$/

/** Epoch ms of an ISO date-time with a zone; a RangeError otherwise (a zone-less time depends on the machine). */
export function instant (iso: string): number {
  const t = ISO.test(iso) ? Date.parse(iso) : NaN
  if (Number.isNaN(t)) throw new RangeError(`not an ISO 8601 date-time with a zone: ${iso}`)
  return t
}

/** The local date (Asia/Ho_Chi_Minh, UTC+07:00 all year) of an instant. */
export function localDayOf (ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10)
}

/** The local date (yyyy-mm-dd) of an ISO date-time, whatever zone it is written in. */
export function localDay (iso: string): string {
  return localDayOf(instant(iso))
}

export function isDay (s: string): boolean {
  if (!DAY.test(s)) return false
  const t = Date.parse(`${s}T00:00:00Z`)
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s
}

/**
 * How one transition changes the counters. Rules:
 *  - `received` +1 on the receipt day when the dossier is new; `online` likewise when its
 *    channel is online; `digitised` likewise when its documents were digitised at intake.
 *  - `paidOnline` +1 on the receipt day when the dossier becomes paid online, −1 if a
 *    correction takes that back.
 *  - a rating adds its score to `ratingSum` and 1 to `ratingCount` on the receipt day; a
 *    re-rating (`previousRating`) moves the sum only.
 *  - resolution, once per dossier (not `resolvedBefore`), when it moves into `9`, or into `10`
 *    if it skipped `9`; on the day of `at`: `resolvedLate` if `at` is after `dueAt`;
 *    `resolvedEarly` if `at`'s local date is before `dueAt`'s local date; else `resolvedOnTime`.
 *  - each move into `5` counts a `supplementRequests`, into `7` a `withdrawn`, into `3` a
 *    `refused`, on the day of `at`. A new dossier "moves" into its first status.
 *  - `overdueOpen` (gauge): the dossier is overdue after the transition when it is neither
 *    resolved nor final and `at` is after `dueAt`. +1 when it becomes so, −1 when it stops being
 *    so (resolved, final, or a new due date in the future). A dossier that becomes overdue with
 *    no transition (time passes) is the sweeper's: `becameOverdue()`.
 */
export function bumpsFor (t: Transition): TransitionEffect {
  const bumps: Bump[] = []
  const cohort = localDay(t.receivedAt)
  const at = instant(t.at)
  const due = instant(t.dueAt)
  const day = localDayOf(at)
  const moved = t.isNew || t.from !== t.to

  if (t.isNew) {
    bumps.push({ day: cohort, metric: 'received', delta: 1 })
    if (t.channel === 'online') bumps.push({ day: cohort, metric: 'online', delta: 1 })
    if (t.digitised) bumps.push({ day: cohort, metric: 'digitised', delta: 1 })
  }
  if (t.paidOnline.after !== t.paidOnline.before) bumps.push({ day: cohort, metric: 'paidOnline', delta: t.paidOnline.after ? 1 : -1 })
  if (t.rating !== undefined) {
    if (t.previousRating === undefined) {
      bumps.push({ day: cohort, metric: 'ratingSum', delta: t.rating }, { day: cohort, metric: 'ratingCount', delta: 1 })
    } else if (t.rating !== t.previousRating) {
      bumps.push({ day: cohort, metric: 'ratingSum', delta: t.rating - t.previousRating })
    }
  }

  let resolved = t.resolvedBefore
  if (!resolved && moved && (t.to === '9' || t.to === '10')) {
    resolved = true
    const metric = at > due ? 'resolvedLate' : day < localDayOf(due) ? 'resolvedEarly' : 'resolvedOnTime'
    bumps.push({ day, metric, delta: 1 })
  }
  if (moved) {
    if (t.to === '5') bumps.push({ day, metric: 'supplementRequests', delta: 1 })
    if (t.to === '7') bumps.push({ day, metric: 'withdrawn', delta: 1 })
    if (t.to === '3') bumps.push({ day, metric: 'refused', delta: 1 })
  }

  const overdue = !resolved && !FINAL_STATUSES.has(t.to) && at > due
  if (overdue !== t.overdueBefore) bumps.push({ metric: 'overdueOpen', delta: overdue ? 1 : -1 })
  return { bumps, resolved, overdue, overdueCleared: t.overdueBefore && !overdue }
}

/** For the sweeper: an open dossier whose due date passed with no transition. */
export function becameOverdue (): Bump[] {
  return [{ metric: 'overdueOpen', delta: 1 }]
}

/**
 * What a dossier has contributed to the cohort metrics of its receipt day, with `sign` −1 to take
 * it back: when its dimensions or its receipt day change (an update that changes the procedure,
 * an online dossier linked to a sector system), the caller applies `cohortBumps(old, -1)` under
 * the old dimensions and `cohortBumps(new, 1)` under the new. Event metrics stay where they were
 * counted: they happened under the old dimensions. The gauge moves with `overdue`.
 */
export function cohortBumps (d: { receivedAt: string, channel: Channel, digitised: boolean, paidOnline: boolean, rating?: number, overdue: boolean }, sign: 1 | -1): Bump[] {
  const day = localDay(d.receivedAt)
  const bumps: Bump[] = [{ day, metric: 'received', delta: sign }]
  if (d.channel === 'online') bumps.push({ day, metric: 'online', delta: sign })
  if (d.digitised) bumps.push({ day, metric: 'digitised', delta: sign })
  if (d.paidOnline) bumps.push({ day, metric: 'paidOnline', delta: sign })
  if (d.rating !== undefined) bumps.push({ day, metric: 'ratingSum', delta: sign * d.rating }, { day, metric: 'ratingCount', delta: sign })
  if (d.overdue) bumps.push({ metric: 'overdueOpen', delta: sign })
  return bumps
}

const COMMUNE = /^\d{5}$/
const SYSTEM = /^[a-z0-9-]{1,40}$/
const PROCEDURE = /^\d\.\d{6}(\.[0-9A-Z]{1,5}){0,6}$/
const CHANNELS: ReadonlySet<string> = new Set(['in-person', 'online', 'postal'])

export interface Dims { communeCode: string, system: string, procedure: string, channel: Channel }

/**
 * The field prefix of a dossier's counters: `<commune>|<system>|<procedure>|<channel>`. Each part
 * is checked against the canonical schema's pattern (none admits `|`); anything else is a
 * programming error, since the dossier was validated before it reached a script.
 */
export function dimsOf (d: Dims): string {
  if (!COMMUNE.test(d.communeCode)) throw new RangeError(`commune code is not 5 digits: ${d.communeCode}`)
  if (!SYSTEM.test(d.system)) throw new RangeError(`invalid system: ${d.system}`)
  if (!PROCEDURE.test(d.procedure)) throw new RangeError(`invalid procedure code: ${d.procedure}`)
  if (!CHANNELS.has(d.channel)) throw new RangeError(`invalid channel: ${String(d.channel)}`)
  return `${d.communeCode}|${d.system}|${d.procedure}|${d.channel}`
}

/** The inverse of `dimsOf` (for queries), or undefined for anything it did not write. */
export function parseDims (s: string): Dims | undefined {
  const [communeCode, system, procedure, channel, ...rest] = s.split('|')
  if (communeCode === undefined || system === undefined || procedure === undefined || channel === undefined || rest.length > 0) return undefined
  if (!CHANNELS.has(channel)) return undefined
  return { communeCode, system, procedure, channel: channel as Channel }
}

const METRIC_SET: ReadonlySet<string> = new Set<string>([...DAY_METRICS, 'overdueOpen'])

/**
 * The argument stats-apply.lua reads: `<day>|<metric>|<delta>` entries joined by `;`, the day empty for
 * the gauge, e.g. `2025-07-01|received|1;2025-07-01|online|1;|overdueOpen|-1`. Bumps of the same
 * bucket are summed and zero sums dropped, so an empty string means "nothing to do".
 */
export function encodeBumps (bumps: readonly Bump[]): string {
  const sums = new Map<string, number>()
  for (const b of bumps) {
    if (!METRIC_SET.has(b.metric)) throw new RangeError(`unknown metric: ${b.metric}`)
    if ((b.day === undefined) !== (b.metric === 'overdueOpen')) throw new RangeError(`${b.metric} ${b.day === undefined ? 'needs' : 'takes no'} day`)
    if (b.day !== undefined && !isDay(b.day)) throw new RangeError(`not a date yyyy-mm-dd: ${b.day}`)
    if (!Number.isSafeInteger(b.delta)) throw new RangeError(`delta is not an integer: ${b.delta}`)
    const k = `${b.day ?? ''}|${b.metric}`
    sums.set(k, (sums.get(k) ?? 0) + b.delta)
  }
  return [...sums].filter(([, v]) => v !== 0).map(([k, v]) => `${k}|${v}`).join(';')
}

/** A dimension's short name in counter fields: commune, system, procedure, channel. */
export type DimName = 'c' | 's' | 'p' | 'ch'
export const DIM_NAMES: readonly DimName[] = ['c', 's', 'p', 'ch']

/**
 * The sets of two or more dimensions whose totals are kept beside the single dimensions' (the
 * ones the centres' reports filter by): a query filtered by exactly one of them reads one field per
 * bucket, flat whatever the number of dossiers. Any other set is read from the combinations.
 * Each set costs one more field per bump; STATS_KEPT in src/store/lua/shared/stats-apply.lua
 * holds the same sets by position (a unit test compares them).
 */
export const KEPT_SETS: ReadonlyArray<readonly DimName[]> = [['s', 'ch'], ['c', 's'], ['c', 'ch'], ['c', 's', 'ch']]

/** The twelve day metrics of a packed field (stats-apply.lua): comma-separated, trailing zeros dropped. */
export function unpackCounts (packed: string): number[] {
  return packed.split(',').map(Number)
}

export function packCounts (counts: readonly number[]): string {
  let len = counts.length
  while (len > 0 && counts[len - 1] === 0) len--
  return counts.slice(0, len).join(',')
}
