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
