/**
 * Centre statistics from the counters (scripts.ts), never from the dossiers. A query reads, per
 * agency in scope, the month rollups of the whole months in the range and the day buckets of its
 * partial edges (or every day, grouped by day); without dimension filters, with one, or with
 * exactly a kept set of them (KEPT_SETS), one packed field of the agency's totals of each bucket;
 * with any other two or more, the fields of the matching dimension combinations (found in the
 * agency's dims set). So its cost is agencies × buckets (× matching combinations for a set that
 * is not kept), never the number of dossiers. A day rolled up into its month (STATS_ROLLUP) can
 * no longer be read on its own: a range that needs one is refused (DAYS_ROLLED_UP).
 */
import type { RedisClient } from '../redis/connection.js'
import { InputError } from '../../domain/errors.js'
import { valuesOf, type Command } from '../redis/by-slot.js'
import { DAY_METRICS, DIM_NAMES, KEPT_SETS, isDay, localDayOf, parseDims, type Channel, type DayMetric } from '../../domain/stats-dimensions.js'
import { statsKeys, statsPrefix } from './stats-store.js'

export const MAX_RANGE_DAYS = 366

export interface StatsFilter {
  province?: string
  commune?: string
  agency?: string
  system?: string
  procedure?: string
  channel?: Channel
  from: string
  to: string
  groupBy?: 'day' | 'month'
  /** The caller's scope: agencies it may see. */
  agencies?: (agency: string) => boolean
}

export type Counts = Record<DayMetric, number>

export interface Figures {
  received: number
  online: number
  onlineShare: number | null
  resolvedEarly: number
  resolvedOnTime: number
  resolvedLate: number
  onTimeRate: number | null
  supplementRequests: number
  withdrawn: number
  refused: number
  digitised: number
  digitisedShare: number | null
  paidOnline: number
  paidOnlineShare: number | null
  meanRating: number | null
  ratings: number
}

export interface StatsResult {
  from: string
  to: string
  filter: Omit<StatsFilter, 'from' | 'to' | 'agencies'>
  totals: Figures
  groups?: Array<{ period: string } & Figures>
  /** Now, whatever the range; the other filters apply. */
  overdueOpen: number
}

export function zeroCounts (): Counts {
  return Object.fromEntries(DAY_METRICS.map(m => [m, 0])) as Counts
}

function ratio (n: number, d: number): number | null {
  return d === 0 ? null : Math.round(n / d * 10_000) / 10_000
}

/** The figures shown for a set of counters; shares are 0..1 to four decimals, null without a base. */
export function figuresOf (c: Counts): Figures {
  const resolved = c.resolvedEarly + c.resolvedOnTime + c.resolvedLate
  return {
    received: c.received,
    online: c.online,
    onlineShare: ratio(c.online, c.received),
    resolvedEarly: c.resolvedEarly,
    resolvedOnTime: c.resolvedOnTime,
    resolvedLate: c.resolvedLate,
    onTimeRate: ratio(c.resolvedEarly + c.resolvedOnTime, resolved),
    supplementRequests: c.supplementRequests,
    withdrawn: c.withdrawn,
    refused: c.refused,
    digitised: c.digitised,
    digitisedShare: ratio(c.digitised, c.received),
    paidOnline: c.paidOnline,
    paidOnlineShare: ratio(c.paidOnline, c.received),
    meanRating: c.ratingCount === 0 ? null : Math.round(c.ratingSum / c.ratingCount * 100) / 100,
    ratings: c.ratingCount
  }
}

function rangeError (code: string, field: string, vi: string, en: string): InputError {
  return new InputError(code, 422, { vi, en }, { field })
}

function dayMs (day: string): number { return Date.parse(`${day}T00:00:00Z`) }
function dayOf (ms: number): string { return new Date(ms).toISOString().slice(0, 10) }

/**
 * A bucket to read and the group its counts go to ('' when not grouped). `totals`: the agency's
 * totals hash of that bucket (queries without dimension filters) rather than its combinations'.
 */
interface Read { key: (sp: string, totals: boolean) => string, period: string, day?: string }

/** Whole months inside the range from their rollup (unless grouped by day), the rest day by day. */
export function plan (from: string, to: string, groupBy?: 'day' | 'month'): Read[] {
  const reads: Read[] = []
  const end = dayMs(to)
  let t = dayMs(from)
  while (t <= end) {
    const day = dayOf(t)
    const month = day.slice(0, 7)
    const d = new Date(t)
    const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)
    const period = groupBy === 'day' ? day : groupBy === 'month' ? month : ''
    if (groupBy !== 'day' && day.endsWith('-01') && monthEnd <= end) {
      reads.push({ key: (sp, totals) => totals ? statsKeys.monthTotals(sp, month) : statsKeys.month(sp, month), period })
      t = monthEnd + 86_400_000
    } else {
      reads.push({ key: (sp, totals) => totals ? statsKeys.dayTotals(sp, day) : statsKeys.day(sp, day), period, day })
      t += 86_400_000
    }
  }
  return reads
}

export class StatsQuery {
  constructor (private readonly redis: RedisClient, private readonly keyPrefix: string) {}

  async query (f: StatsFilter): Promise<StatsResult> {
    checkRange(f.from, f.to)
    const agencies = (await this.redis.smembers(`${this.keyPrefix}:agencies`)).filter(a =>
      (f.agency === undefined || a === f.agency) &&
      (f.province === undefined || a.endsWith(`.${f.province}`)) &&
      (f.agencies === undefined || f.agencies(a))).sort()
    const values: Record<string, string | undefined> = { c: f.commune, s: f.system, p: f.procedure, ch: f.channel }
    const named = DIM_NAMES.filter(d => values[d] !== undefined)
    // No filter, one, or exactly a kept set: one field of the agency's totals hashes. Anything
    // else: the fields of the matching combinations.
    const kept = named.length <= 1 || KEPT_SETS.some(k => k.length === named.length && k.every(d => named.includes(d)))
    // Per agency, the fields to read: `*` the agency's total, `c=18754` one commune's,
    // `s=land|ch=online` a kept set's, or the matching combinations.
    const fieldsOf = new Map<string, string[]>()
    if (kept) {
      const field = named.length === 0 ? '*' : named.map(d => `${d}=${values[d] ?? ''}`).join('|')
      for (const a of agencies) fieldsOf.set(a, [field])
    } else {
      const sets = await this.run(agencies.map(a => ['smembers', statsKeys.dims(statsPrefix(this.keyPrefix, a))]))
      agencies.forEach((a, i) => {
        const dims = (sets[i] as string[]).filter(s => {
          const d = parseDims(s)
          return d !== undefined && (f.commune === undefined || d.communeCode === f.commune) &&
            (f.system === undefined || d.system === f.system) && (f.procedure === undefined || d.procedure === f.procedure) &&
            (f.channel === undefined || d.channel === f.channel)
        })
        if (dims.length > 0) fieldsOf.set(a, dims)
      })
    }

    const reads = plan(f.from, f.to, f.groupBy)
    const days = reads.flatMap(r => r.day === undefined ? [] : [r.day.replaceAll('-', '')])
    const commands: string[][] = []
    const targets: Array<string | null | undefined> = []
    for (const [a, fields] of fieldsOf) {
      const sp = statsPrefix(this.keyPrefix, a)
      for (const r of reads) {
        commands.push(['hmget', r.key(sp, kept), ...fields])
        targets.push(r.period)
      }
      commands.push(['hmget', statsKeys.open(sp), ...fields.map(p => p === '*' ? 'overdueOpen' : `${p}|overdueOpen`)])
      targets.push(null)
      // Read with the buckets, checked after: a day rolled up has no bucket of its own any more.
      if (days.length > 0) {
        commands.push(['smismember', statsKeys.rolled(sp), ...days])
        targets.push(undefined)
      }
    }
    const replies = await this.run(commands)

    const totals = zeroCounts()
    const groups = new Map<string, Counts>()
    let overdueOpen = 0
    let rolled: string | undefined
    replies.forEach((reply, i) => {
      const period = targets[i]
      if (period === undefined) {
        (reply as number[]).forEach((v, j) => { if (v === 1 && (rolled === undefined || (days[j] ?? '') > rolled)) rolled = days[j] })
        return
      }
      const values = reply as Array<string | null>
      if (period === null) {
        for (const v of values) overdueOpen += v === null ? 0 : Number(v)
        return
      }
      const g = groups.get(period) ?? zeroCounts()
      groups.set(period, g)
      for (const v of values) {
        if (v === null) continue
        const counts = v.split(',')
        for (let j = 0; j < counts.length; j++) {
          const m = DAY_METRICS[j] as DayMetric
          const n = Number(counts[j])
          totals[m] += n
          g[m] += n
        }
      }
    })
    if (rolled !== undefined) throw rolledUp(`${rolled.slice(0, 4)}-${rolled.slice(4, 6)}-${rolled.slice(6)}`)

    const { agencies: _scope, from, to, ...rest } = f
    const filter = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as StatsResult['filter']
    const result: StatsResult = { from, to, filter, totals: figuresOf(totals), overdueOpen }
    if (f.groupBy !== undefined) {
      const periods = [...new Set(reads.map(r => r.period))]
      result.groups = periods.map(p => ({ period: p, ...figuresOf(groups.get(p) ?? zeroCounts()) }))
    }
    return result
  }

  private async run (commands: string[][]): Promise<unknown[]> {
    return await valuesOf(this.redis, commands as Command[])
  }
}

/** A day the range needs on its own was rolled up into its month: whole months still answer. */
function rolledUp (day: string): InputError {
  return rangeError('DAYS_ROLLED_UP', 'from',
    `Các ngày đến ${day} chỉ còn số liệu theo tháng: hãy chọn từ đầu tháng đến cuối tháng, hoặc từ ngày sau ${day} (không nhóm theo ngày)`,
    `Days up to ${day} are kept by month only: ask for whole months, or from a day after ${day} (not grouped by day)`)
}

/** 422 with the field at fault: dates that exist, in order, at most MAX_RANGE_DAYS days. */
export function checkRange (from: string, to: string): void {
  if (!isDay(from)) throw rangeError('INVALID_DATE', 'from', `from không phải ngày có thật (yyyy-mm-dd): ${from.slice(0, 20)}`, `from is not a date that exists (yyyy-mm-dd): ${from.slice(0, 20)}`)
  if (!isDay(to)) throw rangeError('INVALID_DATE', 'to', `to không phải ngày có thật (yyyy-mm-dd): ${to.slice(0, 20)}`, `to is not a date that exists (yyyy-mm-dd): ${to.slice(0, 20)}`)
  if (to < from) throw rangeError('RANGE_INVERTED', 'to', 'Ngày kết thúc (to) trước ngày bắt đầu (from)', 'The end date (to) is before the start date (from)')
  const days = (dayMs(to) - dayMs(from)) / 86_400_000 + 1
  if (days > MAX_RANGE_DAYS) {
    throw rangeError('RANGE_TOO_LONG', 'to', `Khoảng thời gian dài ${days} ngày, tối đa ${MAX_RANGE_DAYS} ngày`, `The range spans ${days} days; at most ${MAX_RANGE_DAYS} are allowed`)
  }
}

/** The last `n` local days up to today (Asia/Ho_Chi_Minh): the default range. */
export function lastDays (n: number, nowMs: number = Date.now()): { from: string, to: string } {
  const to = localDayOf(nowMs)
  return { from: dayOf(dayMs(to) - (n - 1) * 86_400_000), to }
}
