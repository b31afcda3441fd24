/**
 * The Redis connection shared by the API and the store. Commands fail fast while Redis is away
 * (the client gets a 503 and resends), instead of piling up in memory.
 */
import fp from 'fastify-plugin'
import { Redis } from 'ioredis'

declare module 'fastify' {
  interface FastifyInstance { redis: Redis }
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
  app.decorate('redis', redis)
  app.addHook('onClose', async () => { await redis.quit().catch(() => redis.disconnect()) })
}, { name: 'redis', dependencies: ['config'] })

/** Connection options for BullMQ workers, which need connections of their own and must wait out outages. */
export function bullConnection (url: string): { url: string, maxRetriesPerRequest: null } {
  return { url, maxRetriesPerRequest: null }
}
