/**
 * The Redis connection shared by the API and the store (one server, a Sentinel-managed primary or
 * a cluster: src/store/redis/connection.ts). Commands fail fast while Redis is away (the client gets a
 * 503 and resends), instead of piling up in memory.
 */
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { createRedis, primaries, type RedisClient } from '../../store/redis/connection.js'

declare module 'fastify' {
  interface FastifyInstance { redis: RedisClient }
}

/**
 * The only policy under which Redis refuses a write (the sender gets 503 and resends) instead of
 * silently evicting keys: any other drops dossiers, outbox entries or the code index.
 */
export const REQUIRED_MEMORY_POLICY = 'noeviction'

export interface MemoryPolicy {
  /** undefined when neither CONFIG nor INFO may be used (a managed Redis, an ACL). */
  policy: string | undefined
  via: 'CONFIG' | 'INFO' | undefined
}

/**
 * The policy of every primary (a cluster's nodes are configured one by one): the first that is
 * not `noeviction`, else the common one.
 */
export async function readMemoryPolicy (redis: RedisClient): Promise<MemoryPolicy> {
  const all = await Promise.all(primaries(redis).map(readNodeMemoryPolicy))
  return all.find(p => p.policy !== undefined && p.policy !== REQUIRED_MEMORY_POLICY) ?? all.find(p => p.policy === undefined) ?? all[0] ?? { policy: undefined, via: undefined }
}

/** `CONFIG GET maxmemory-policy`, or `INFO memory` where CONFIG is renamed or not permitted. */
async function readNodeMemoryPolicy (redis: Redis): Promise<MemoryPolicy> {
  const config = await refusedAsUndefined(redis.config('GET', 'maxmemory-policy') as Promise<unknown>)
  const value = Array.isArray(config) ? config[1] : undefined
  if (typeof value === 'string') return { policy: value, via: 'CONFIG' }
  const info = await refusedAsUndefined(redis.info('memory'))
  const line = info?.match(/^maxmemory_policy:(\S+)/m)?.[1]
  return line === undefined ? { policy: undefined, via: undefined } : { policy: line, via: 'INFO' }
}

/**
 * `ROLE`: `master`, or `slave` for a replica, which refuses every write; undefined when not
 * permitted. On a cluster, `slave` when any node the client takes for a primary is not one (a
 * failover the client has not seen yet).
 */
export async function readRole (redis: RedisClient): Promise<string | undefined> {
  const roles = await Promise.all(primaries(redis).map(async node => {
    const reply = await refusedAsUndefined(node.call('ROLE'))
    return Array.isArray(reply) && typeof reply[0] === 'string' ? reply[0] : undefined
  }))
  return roles.find(r => r === 'slave') ?? roles[0]
}

// A refusal (unknown command, NOPERM) is an answer; a dropped connection is not.
async function refusedAsUndefined<T> (p: Promise<T>): Promise<T | undefined> {
  try {
    return await p
  } catch (err) {
    if ((err as Error).name === 'ReplyError') return undefined
    throw err
  }
}

/** What /health/ready shows and the start-up log warns about; empty when all is well. */
export function memoryPolicyWarnings (policy: string | undefined): string[] {
  if (policy === undefined || policy === REQUIRED_MEMORY_POLICY) return []
  return [`Redis maxmemory-policy is ${policy}, not ${REQUIRED_MEMORY_POLICY}: under memory pressure Redis evicts dossiers and outbox entries instead of refusing writes`]
}

export default fp(async (app) => {
  const redis = createRedis(app.config, 'store', { lazyConnect: true })
  const log = app.log.child({ component: 'redis' })
  redis.on('error', (err) => { log.warn({ err: err.message }, 'redis connection error') })
  await redis.connect()
  // Checked once here for the log; /health/ready reads it again on every probe.
  const { policy, via } = await readMemoryPolicy(redis)
  if (via !== 'CONFIG') {
    log.info({ maxmemoryPolicy: policy ?? 'unknown' }, `Redis CONFIG is disabled or not permitted: maxmemory-policy ${policy === undefined ? 'cannot be read' : 'read from INFO'}; it must be ${REQUIRED_MEMORY_POLICY}`)
  }
  for (const warning of memoryPolicyWarnings(policy)) log.warn({ maxmemoryPolicy: policy }, warning)
  app.decorate<RedisClient>('redis', redis)
  app.addHook('onClose', async () => { await redis.quit().catch(() => redis.disconnect()) })
}, { name: 'redis', dependencies: ['config'] })
