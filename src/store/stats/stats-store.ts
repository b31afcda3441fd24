/**
 * The statistics' keys and the standalone bump command. The counters share the agency's hash tag
 * with its dossiers (src/store/keys.ts), so the scripts that change a dossier update them too.
 */
import { Keys } from '../keys.js'
import type { Result, ChainableCommander } from 'ioredis'
import type { RedisClient } from '../redis/connection.js'
import { STATS_BUMP, STATS_KEY_COUNT, STATS_ROLLUP, STATS_UPGRADE } from './scripts.js'
import { defineScripts } from '../lua-script.js'

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ltStatsBump: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltStatsRollup: (...args: Array<string | number | Buffer>) => Result<number, Context>
    ltStatsUpgrade: (...args: Array<string | number | Buffer>) => Result<number, Context>
  }
}

/** The agency's statistics prefix, as the store's key design names it (Keys.statsPrefix). */
export function statsPrefix (keyPrefix: string, agency: string): string {
  return new Keys(keyPrefix).statsPrefix(agency)
}

export const statsKeys = {
  day: (sp: string, day: string): string => `${sp}:d:${day}`,
  dayTotals: (sp: string, day: string): string => `${sp}:dt:${day}`,
  month: (sp: string, month: string): string => `${sp}:m:${month}`,
  monthTotals: (sp: string, month: string): string => `${sp}:mt:${month}`,
  open: (sp: string): string => `${sp}:open`,
  dims: (sp: string): string => `${sp}:dims`,
  rolled: (sp: string): string => `${sp}:rolled`
}

/**
 * The KEYS a script's stats-apply.lua may touch to apply `encoded` (`encodeBumps`), plus the buckets
 * of `days` (a day the script itself may bump, e.g. the dossier's receipt day): dims, open, rolled,
 * and each day's four buckets, padded to STATS_KEY_COUNT. One transition bumps at most two days (the
 * receipt day, the day of the change); more is a programming error.
 */
export function statsKeysFor (sp: string, encoded: string, days: readonly string[] = []): string[] {
  const all = new Set(days)
  for (const entry of encoded === '' ? [] : encoded.split(';')) {
    const day = entry.slice(0, entry.indexOf('|'))
    if (day !== '') all.add(day)
  }
  if (all.size > (STATS_KEY_COUNT - 3) / 4) throw new RangeError(`bumps on more than two days: ${encoded}`)
  const keys = [statsKeys.dims(sp), statsKeys.open(sp), statsKeys.rolled(sp)]
  for (const day of all) {
    const month = day.slice(0, 7)
    keys.push(statsKeys.day(sp, day), statsKeys.dayTotals(sp, day), statsKeys.month(sp, month), statsKeys.monthTotals(sp, month))
  }
  while (keys.length < STATS_KEY_COUNT) keys.push(statsKeys.dims(sp))
  return keys
}

export function defineStatsCommands (redis: RedisClient): void {
  if (typeof redis.ltStatsBump === 'function') return
  defineScripts(redis, [STATS_BUMP, STATS_ROLLUP, STATS_UPGRADE])
}

export class StatsStore {
  constructor (private readonly redis: RedisClient, readonly keyPrefix: string) {
    defineStatsCommands(redis)
  }

  /**
   * Applies encoded bumps (encodeBumps) under one agency and dims, as the write paths' scripts do:
   * one script per two days of buckets (a script's KEYS hold two days), so bumps of a dossier's
   * whole life may be given at once.
   */
  async bump (agency: string, dims: string, encoded: string): Promise<void> {
    const p = this.redis.pipeline()
    this.bumpIn(p, agency, dims, encoded)
    for (const [err] of await p.exec() ?? []) if (err !== null) throw err
  }

  /**
   * Rolls up every day of `agency` from `since` to `today − windowDays` (excluded) into its month
   * (STATS_ROLLUP, one short script per day so intake never waits long), pipelined. Idempotent:
   * days already rolled up cost one SADD each. Returns how many days it rolled up now.
   */
  async rollUp (agency: string, since: string, today: string, windowDays: number): Promise<number> {
    const sp = statsPrefix(this.keyPrefix, agency)
    const days = daysToRollUp(since, today, windowDays)
    let rolled = 0
    for (let i = 0; i < days.length; i += 500) {
      const p = this.redis.pipeline()
      for (const day of days.slice(i, i + 500)) {
        p.ltStatsRollup(...STATS_ROLLUP.argv({ rolled: statsKeys.rolled(sp), day: statsKeys.day(sp, day), dayTotals: statsKeys.dayTotals(sp, day) }, { day }))
      }
      for (const [err, n] of await p.exec() ?? []) {
        if (err !== null) throw err
        rolled += Number(n)
      }
    }
    return rolled
  }

  /**
   * The periodic roll-up: every agency's days before `today − windowDays`, from the day after its
   * last rolled-up day (or, the first time, from FIRST_LOOKBACK_DAYS further back), so a daily
   * run rolls one day per agency. `today`: the local date (Asia/Ho_Chi_Minh).
   */
  async rollUpAll (today: string, windowDays: number): Promise<{ agencies: number, days: number }> {
    const agencies = await this.redis.smembers(`${this.keyPrefix}:agencies`)
    let days = 0
    for (const agency of agencies) {
      const rolled = await this.redis.smembers(statsKeys.rolled(statsPrefix(this.keyPrefix, agency)))
      const last = rolled.reduce((m, d) => d > m ? d : m, '')
      const since = last === ''
        ? new Date(Date.parse(`${today}T00:00:00Z`) - (windowDays + FIRST_LOOKBACK_DAYS) * 86_400_000).toISOString().slice(0, 10)
        : new Date(Date.parse(`${last.slice(0, 4)}-${last.slice(4, 6)}-${last.slice(6)}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
      // Never rolled up: its buckets may be in the first layout, from before the packed fields.
      if (last === '') await this.upgrade(agency, since, today)
      days += await this.rollUp(agency, since, today, windowDays)
    }
    return { agencies: agencies.length, days }
  }

  /**
   * Converts the agency's buckets of the days from `since` to `today` (and of their months) from
   * the first layout to packed fields (STATS_UPGRADE; a missing or converted bucket costs one
   * HGETALL). Returns how many fields it converted.
   */
  async upgrade (agency: string, since: string, today: string): Promise<number> {
    const sp = statsPrefix(this.keyPrefix, agency)
    const days = daysToRollUp(since, today, -1)
    const months = [...new Set(days.map(d => d.slice(0, 7)))]
    const pairs = [...days.map(d => [statsKeys.day(sp, d), statsKeys.dayTotals(sp, d)]), ...months.map(m => [statsKeys.month(sp, m), statsKeys.monthTotals(sp, m)])]
    let fields = 0
    for (let i = 0; i < pairs.length; i += 500) {
      const p = this.redis.pipeline()
      pairs.slice(i, i + 500).forEach(([combos, totals], j) => {
        p.ltStatsUpgrade(...STATS_UPGRADE.argv({ combos: combos ?? '', totals: totals ?? '', open: statsKeys.open(sp) }, { gauge: i + j === 0 ? 1 : 0 }))
      })
      for (const [err, n] of await p.exec() ?? []) {
        if (err !== null) throw err
        fields += Number(n)
      }
    }
    return fields
  }

  /** The same, queued on a pipeline (bulk loads). */
  bumpIn (pipeline: ChainableCommander, agency: string, dims: string, encoded: string): void {
    const sp = statsPrefix(this.keyPrefix, agency)
    for (const part of twoDaysEach(encoded)) pipeline.ltStatsBump(...STATS_BUMP.argv({ stats: statsKeysFor(sp, part) }, { dims, encoded: part }))
  }
}

/** How far before the window a first roll-up looks for days (older ones: `rollUp` with an earlier `since`). */
export const FIRST_LOOKBACK_DAYS = 731

/** The local days before `today` minus `windowDays`, from `since`: the days a roll-up folds. */
export function daysToRollUp (since: string, today: string, windowDays: number): string[] {
  const days: string[] = []
  const last = Date.parse(`${today}T00:00:00Z`) - windowDays * 86_400_000
  for (let t = Date.parse(`${since}T00:00:00Z`); t < last; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10))
  return days
}

/** `encoded` split into parts naming at most two days each (the gauge goes with the first). */
function twoDaysEach (encoded: string): string[] {
  const byDay = new Map<string, string[]>()
  for (const entry of encoded === '' ? [] : encoded.split(';')) {
    const day = entry.slice(0, entry.indexOf('|'))
    byDay.set(day, [...(byDay.get(day) ?? []), entry])
  }
  const gauge = byDay.get('') ?? []
  byDay.delete('')
  const days = [...byDay.values()]
  const parts: string[] = []
  for (let i = 0; i < days.length || (i === 0 && gauge.length > 0); i += 2) {
    parts.push([...(i === 0 ? gauge : []), ...(days[i] ?? []), ...(days[i + 1] ?? [])].join(';'))
  }
  return parts
}
