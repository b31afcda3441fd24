/**
 * Commands that read many agencies at once (admin lists, metrics, statistics). A pipeline on a
 * Redis Cluster must stay on one node (ioredis refuses one that spans nodes), and the slot map can
 * change under it, so there each hash tag gets its own pipeline, sent concurrently. On one Redis
 * it is one pipeline, as before.
 */
import { isCluster, type RedisClient } from './connection.js'

export type Command = [string, ...Array<string | number | Buffer>]
export type Reply = [Error | null, unknown]

/** Commands per pipeline round trip: bounds the memory of one batch of replies. */
const BATCH = 1000

/** The part of a key Redis Cluster hashes: the first non-empty `{…}`, else the whole key. */
export function hashTagOf (key: string): string {
  const open = key.indexOf('{')
  if (open === -1) return key
  const close = key.indexOf('}', open + 1)
  return close === -1 || close === open + 1 ? key : key.slice(open + 1, close)
}

/** Each command's reply, in the order given. Every command names its key first. */
export async function execEach (redis: RedisClient, commands: Command[]): Promise<Reply[]> {
  if (commands.length === 0) return []
  const groups = new Map<string, number[]>()
  if (isCluster(redis)) {
    commands.forEach((c, i) => {
      const tag = hashTagOf(String(c[1] ?? ''))
      const g = groups.get(tag)
      if (g === undefined) groups.set(tag, [i])
      else g.push(i)
    })
  } else {
    groups.set('', commands.map((_c, i) => i))
  }
  const out: Reply[] = new Array<Reply>(commands.length)
  await Promise.all([...groups.values()].map(async (idx) => {
    for (let from = 0; from < idx.length; from += BATCH) {
      const part = idx.slice(from, from + BATCH)
      const replies = (await redis.pipeline(part.map(i => commands[i] as Command)).exec()) ?? []
      part.forEach((i, j) => { out[i] = (replies[j] as Reply | undefined) ?? [new Error('no reply'), null] })
    }
  }))
  return out
}

/** The replies' values; throws the first error. */
export async function valuesOf (redis: RedisClient, commands: Command[]): Promise<unknown[]> {
  return (await execEach(redis, commands)).map(([err, v]) => { if (err !== null) throw err; return v })
}
