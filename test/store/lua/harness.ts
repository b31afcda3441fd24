/**
 * One redis-server for a file of script tests, every script of the gateway defined on one
 * client, and `run(script, keys, args)`: the script's own contract, by name, without the stores.
 */
import type { Test } from 'tap'
import { Redis } from 'ioredis'
import { RedisServer } from '../../../support/redis-server.js'
import { DAY_METRICS, unpackCounts, type DayMetric } from '../../../src/domain/stats-dimensions.js'
import { defineScripts, type ArgsOf, type KeysOf, type LuaScript, type NameSpec } from '../../../src/store/lua-script.js'
import { STORE_SCRIPTS } from '../../../src/store/dossier-store.js'
import { DOCTOR_SCRIPTS } from '../../../src/services/doctor/scripts.js'
import { STATS_BUMP, STATS_ROLLUP, STATS_UPGRADE } from '../../../src/store/stats/scripts.js'
import { COMPACT } from '../../../src/store/scripts-compact.js'
import { PAGE } from '../../../src/store/sorted-index.js'
import { BREAKER_SCRIPTS } from '../../../src/store/scripts-breaker.js'
import { NOTICE_SCRIPTS } from '../../../src/store/scripts-notices.js'
import { ZNS_TOKEN_SCRIPTS } from '../../../src/store/scripts-zns-token.js'
import { UPGRADE_STATE, UPGRADE_UNMATCHED, UPGRADE_WEBHOOK } from '../../../src/store/waiting-store.js'
import { RATE_LIMIT } from '../../../src/store/rate-limit-store.js'

/** Every script the gateway and the doctor define (the portal's breaker and the rate limit included). */
export const ALL_SCRIPTS: readonly LuaScript[] = [...STORE_SCRIPTS, ...DOCTOR_SCRIPTS, STATS_BUMP, STATS_ROLLUP, STATS_UPGRADE, COMPACT, PAGE, UPGRADE_STATE, UPGRADE_WEBHOOK, UPGRADE_UNMATCHED, ...BREAKER_SCRIPTS, RATE_LIMIT, ...NOTICE_SCRIPTS, ...ZNS_TOKEN_SCRIPTS]

/** Keys of one agency (one hash tag), as the stores name them or near enough: the scripts only see strings. */
export const key = (name: string): string => `t:{A}:${name}`

/** One metric of a packed statistics field (stats-apply.lua): 0 when the field is absent. */
export async function counter (redis: Redis, hash: string, field: string, metric: DayMetric): Promise<number> {
  const packed = await redis.hget(hash, field)
  return packed === null ? 0 : unpackCounts(packed)[DAY_METRICS.indexOf(metric)] ?? 0
}

export interface Harness {
  redis: Redis
  run: <K extends readonly NameSpec[], A extends readonly NameSpec[]>(s: LuaScript<K, A>, keys: KeysOf<K>, args: ArgsOf<A>) => Promise<any>
}

export function harness (t: Test): Harness {
  let server: RedisServer
  const h = { redis: undefined as unknown as Redis } as Harness
  t.before(async () => {
    server = await RedisServer.start()
    h.redis = new Redis(server.url)
    defineScripts(h.redis, ALL_SCRIPTS)
  })
  t.beforeEach(async () => { await h.redis.flushdb() })
  t.teardown(async () => {
    h.redis.disconnect()
    await server.close()
  })
  h.run = async (s, keys, args) => await (h.redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[s.command]?.(...s.argv(keys, args))
  return h
}
