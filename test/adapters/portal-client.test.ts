/**
 * The gateway's portal client against the simulator over real HTTP, with its session in a real
 * Redis: concurrent calls that find no session share one login.
 */
import t from 'tap'
import { pino } from 'pino'
import { Redis } from 'ioredis'
import { PortalClient } from '../../src/adapters/portal/portal-client.js'
import { RedisServer } from '../../support/redis-server.js'
import { startSimulator } from '../../simulator/index.js'

t.test('concurrent calls without a session log in once', async t => {
  const server = await RedisServer.start()
  const sim = await startSimulator()
  const redis = new Redis(server.url)
  const sessionKey = 'test:portal:session'
  const client = new PortalClient({
    url: sim.url, username: 'lienthong', password: 'lienthong-dev', timeoutMs: 5000, connections: 8, redis, sessionKey, log: pino({ level: 'silent' })
  })
  t.teardown(async () => { await client.close(); redis.disconnect(); await sim.close(); await server.close() })
  const lookUp = async (): Promise<string> =>
    (await client.call({ service: 'TraCuuHoSo', madonvi: '000.00.31.H42', mahoso: '000.00.31.H42-250702-00001' })).reply.error_code
  const logins = (): number => sim.state.received({ path: '/auth' }).length

  const first = await Promise.all(Array.from({ length: 8 }, lookUp))
  t.notOk(first.includes('401'), 'every call ran with a valid session')
  t.equal(logins(), 1, 'one login for eight concurrent calls')
  t.type(await redis.get(sessionKey), 'string', 'the session is shared through Redis')

  await redis.del(sessionKey)
  await Promise.all(Array.from({ length: 8 }, lookUp))
  t.equal(logins(), 2, 'after the session is gone, one more login')
})
