/**
 * The Redis connection shared by the API and the store. Commands fail fast while Redis is away
 * (the client gets a 503 and resends), instead of piling up in memory.
 */
import fp from 'fastify-plugin'
import { Redis } from 'ioredis'

declare module 'fastify' {
  interface FastifyInstance { redis: Redis }
}

/**
 * The only policy under which Redis refuses a write (the sender gets 503 and resends) instead of
 * silently evicting keys: any other drops dossiers, outbox entries or the code index.
 */
export const REQUIRED_MEMORY_POLICY = 'noeviction'

/** `CONFIG GET maxmemory-policy`; undefined when the command is unavailable (managed Redis, ACLs). */
export async function readMemoryPolicy (redis: Redis): Promise<string | undefined> {
  try {
    const reply = await redis.config('GET', 'maxmemory-policy') as unknown
    const value = Array.isArray(reply) ? reply[1] : undefined
    return typeof value === 'string' ? value : undefined
  } catch (err) {
    // An unknown command (renamed CONFIG) or NOPERM is an answer; a dropped connection is not.
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
  const redis = new Redis(app.config.REDIS_URL, {
    maxRetriesPerRequest: 1,
    // While Redis is away a command fails at once (the sender gets 503 and resends) rather
    // than waiting in memory for a reconnect.
    enableOfflineQueue: false,
    connectTimeout: 5000,
    lazyConnect: true
  })
  const log = app.log.child({ component: 'redis' })
  redis.on('error', (err) => { log.warn({ err: err.message }, 'redis connection error') })
  await redis.connect()
  // Checked once here for the log; /health/ready reads it again on every probe.
  const policy = await readMemoryPolicy(redis)
  if (policy === undefined) log.info('Redis maxmemory-policy cannot be read (CONFIG disabled or renamed); it must be noeviction')
  for (const warning of memoryPolicyWarnings(policy)) log.warn({ maxmemoryPolicy: policy }, warning)
  app.decorate('redis', redis)
  app.addHook('onClose', async () => { await redis.quit().catch(() => redis.disconnect()) })
}, { name: 'redis', dependencies: ['config'] })

/** Connection options for BullMQ workers, which need connections of their own and must wait out outages. */
export function bullConnection (url: string): { url: string, maxRetriesPerRequest: null } {
  return { url, maxRetriesPerRequest: null }
}
