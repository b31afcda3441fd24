/**
 * One page of a sorted-set index after an exclusive (score, member) place, in one read-only
 * script: O(log N + page) whatever the index's size and however many entries share a score
 * (date-only due dates all fall on 23:59:59; a batch fails at one instant). Members of one score
 * are in byte order, as Redis keeps them; `src/domain/cursor.ts` compares the same way.
 */
import type { Result } from 'ioredis'
import type { RedisClient } from './redis/connection.js'
import type { After, Direction } from '../domain/cursor.js'
import { defineScripts, luaScript } from './lua-script.js'

/** lua/page.lua. */
export const PAGE = luaScript('ltPage', 'page.lua', ['index'], ['dir', 'min', 'max', 'afterScore', 'afterMember', 'tieMode', 'count'])

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ltPage: (...args: Array<string | number | Buffer>) => Result<string[], Context>
  }
}

export function definePageCommand (redis: RedisClient): void {
  if (typeof redis.ltPage === 'function') return
  defineScripts(redis, [PAGE])
}

export interface IndexRange { min?: number, max?: number }

/** Up to `count` entries of `key` strictly after `after`, within [min, max], in `dir` order. */
export async function pageIndex (redis: RedisClient, key: string, dir: Direction, range: IndexRange, after: After | undefined, count: number): Promise<Array<{ score: number, member: string }>> {
  definePageCommand(redis)
  const flat = await redis.ltPage(...PAGE.argv({ index: key }, {
    dir, min: range.min ?? '-inf', max: range.max ?? '+inf', afterScore: after === undefined ? '' : after.score, afterMember: after?.member ?? '', tieMode: after?.mode ?? 'gt', count
  }))
  const out: Array<{ score: number, member: string }> = []
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ member: flat[i] as string, score: Number(flat[i + 1]) })
  return out
}

/** An index score from a stored ISO time; now for one that does not read. */
export function epochOf (iso: string | undefined): number {
  const t = Date.parse(iso ?? '')
  return Number.isFinite(t) ? t : Date.now()
}

/** What a filtered walk over merged indexes yields: each entry looked at, and whether it matched. */
export interface Examined<E> { e: E, ok: boolean }

/**
 * One page of the matches after the walk's start, and where the next starts (absent: no more).
 * A walk that looks at `budget` entries stops there, so one page never reads a whole agency: the
 * next cursor is then the last entry looked at, matched or not.
 */
export async function pageOfMatches<E> (walk: AsyncIterable<Examined<E>>, limit: number, budget: number): Promise<{ page: E[], next?: E }> {
  const page: E[] = []
  let looked = 0
  for await (const { e, ok } of walk) {
    looked++
    if (ok) {
      if (page.length === limit) return { page, next: page.at(-1) as E }
      page.push(e)
    }
    if (looked >= budget) return { page, next: page.length === limit ? page.at(-1) as E : e }
  }
  return { page }
}

/** How many of the walk's entries match: exact unless it had to look at more than `budget`. */
export async function countMatches (walk: AsyncIterable<Examined<unknown>>, budget: number): Promise<{ total: number, exact: boolean }> {
  let total = 0
  let looked = 0
  for await (const { ok } of walk) {
    if (ok) total++
    if (++looked >= budget) return { total, exact: false }
  }
  return { total, exact: true }
}
