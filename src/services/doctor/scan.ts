/**
 * Bounded walks over Redis: every walk is SCAN-family with COUNT, yielding one batch at a time,
 * so the doctor's memory follows the batch size, never the size of an agency's set.
 */
import { primaries, type RedisClient } from '../../store/redis/connection.js'

/** Every key matching `match`, on every primary (a cluster's keys are spread over them), in batches. */
export async function * scanKeys (redis: RedisClient, match: string, count: number): AsyncGenerator<string[]> {
  for (const node of primaries(redis)) {
    let cursor = '0'
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', count)
      cursor = next
      if (keys.length > 0) yield keys
    } while (cursor !== '0')
  }
}

export async function * sscanBatches (redis: RedisClient, key: string, count: number): AsyncGenerator<string[]> {
  let cursor = '0'
  do {
    const [next, members] = await redis.sscan(key, cursor, 'COUNT', count)
    cursor = next
    if (members.length > 0) yield members
  } while (cursor !== '0')
}

/** Pairs [member, score] of a sorted set, or [field, value] of a hash. */
export async function * pairBatches (redis: RedisClient, kind: 'zset' | 'hash', key: string, count: number): AsyncGenerator<Array<[string, string]>> {
  let cursor = '0'
  do {
    const [next, flat] = kind === 'zset' ? await redis.zscan(key, cursor, 'COUNT', count) : await redis.hscan(key, cursor, 'COUNT', count)
    cursor = next
    const pairs: Array<[string, string]> = []
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string])
    if (pairs.length > 0) yield pairs
  } while (cursor !== '0')
}

/** The members of a set or sorted set, whichever the key is (an index may be either). */
export async function * membersOf (redis: RedisClient, key: string, count: number): AsyncGenerator<string[]> {
  const type = await redis.type(key)
  if (type === 'set') yield * sscanBatches(redis, key, count)
  else if (type === 'zset') for await (const pairs of pairBatches(redis, 'zset', key, count)) yield pairs.map(p => p[0])
}

/** A list in slices of `count` (LRANGE), oldest index first. */
export async function * listSlices (redis: RedisClient, key: string, count: number, max = Infinity): AsyncGenerator<{ from: number, items: string[] }> {
  for (let from = 0; from < max; from += count) {
    const items = await redis.lrange(key, from, Math.min(from + count, max) - 1)
    if (items.length === 0) return
    yield { from, items }
    if (items.length < count) return
  }
}
