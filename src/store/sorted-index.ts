/**
 * One page of a sorted-set index after an exclusive (score, member) place, in one read-only
 * script: O(log N + page) whatever the index's size and however many entries share a score
 * (date-only due dates all fall on 23:59:59; a batch fails at one instant). Members of one score
 * are in byte order, as Redis keeps them; `src/routes/cursor.ts` compares the same way.
 */
import type { Result } from 'ioredis'
import type { RedisClient } from '../redis/connection.js'
import type { After, Direction } from '../routes/cursor.js'

/**
 * KEYS: index. ARGV: dir (asc|desc), min, max (scores, inclusive; '-inf'/'+inf'), after score
 * ('' from the start), after member, tie mode (gt|all|none), count.
 * Returns member, score, member, score… in `dir` order.
 */
export const PAGE = `
local key, dir, min, max = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local s, r, mode, count = ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7])
-- Byte order (Lua's own < follows the server's locale).
local function less (a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local function below (score) return redis.call('ZCOUNT', key, '-inf', '(' .. score) end
local function upTo (score) return redis.call('ZCOUNT', key, '-inf', score) end
-- First rank whose (score, member) is > (s, r) when strict, >= otherwise.
local function lowerBound (strict)
  local lo = below(s)
  local hi = upTo(s)
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    local m = redis.call('ZRANGE', key, mid, mid)[1]
    local goRight
    if strict then goRight = not less(r, m) else goRight = less(m, r) end
    if goRight then lo = mid + 1 else hi = mid end
  end
  return lo
end
local first, last
if dir == 'asc' then
  first = below(min)
  if s ~= '' then
    local b
    if mode == 'gt' then b = lowerBound(true) elseif mode == 'all' then b = below(s) else b = upTo(s) end
    if b > first then first = b end
  end
  last = math.min(first + count, upTo(max)) - 1
else
  last = upTo(max)
  if s ~= '' then
    local b
    if mode == 'gt' then b = lowerBound(false) elseif mode == 'all' then b = upTo(s) else b = below(s) end
    if b < last then last = b end
  end
  last = last - 1
  first = math.max(last - count + 1, below(min))
end
if last < first then return {} end
local out = redis.call('ZRANGE', key, first, last, 'WITHSCORES')
if dir == 'asc' then return out end
local rev = {}
for i = #out - 1, 1, -2 do
  rev[#rev + 1] = out[i]
  rev[#rev + 1] = out[i + 1]
end
return rev
`

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ltPage: (...args: Array<string | number>) => Result<string[], Context>
  }
}

export function definePageCommand (redis: RedisClient): void {
  if (typeof redis.ltPage === 'function') return
  redis.defineCommand('ltPage', { numberOfKeys: 1, lua: PAGE })
}

export interface IndexRange { min?: number, max?: number }

/** Up to `count` entries of `key` strictly after `after`, within [min, max], in `dir` order. */
export async function pageIndex (redis: RedisClient, key: string, dir: Direction, range: IndexRange, after: After | undefined, count: number): Promise<Array<{ score: number, member: string }>> {
  definePageCommand(redis)
  const flat = await redis.ltPage(key, dir, range.min ?? '-inf', range.max ?? '+inf',
    after === undefined ? '' : after.score, after?.member ?? '', after?.mode ?? 'gt', count)
  const out: Array<{ score: number, member: string }> = []
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ member: flat[i] as string, score: Number(flat[i + 1]) })
  return out
}

/** An index score from a stored ISO time; now for one that does not read. */
export function epochOf (iso: string | undefined): number {
  const t = Date.parse(iso ?? '')
  return Number.isFinite(t) ? t : Date.now()
}
