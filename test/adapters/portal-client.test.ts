/**
 * The gateway's portal client against the simulator over real HTTP, with its session in a real
 * Redis: concurrent calls that find no session share one login.
 */
import t from 'tap'
import { pino } from 'pino'
import { Redis } from 'ioredis'
import { PortalClient, PortalTransportError } from '../../src/adapters/portal/portal-client.js'
import { RedisServer } from '../../support/redis-server.js'
import { startSimulator } from '../../simulator/index.js'

t.test('concurrent calls without a session log in once', async t => {
  const server = await RedisServer.start()
  const sim = await startSimulator()
  const redis = new Redis(server.url)
  const sessionKey = 'test:portal:session'
  const client = new PortalClient({
    url: sim.url,
    username: 'lienthong',
    password: 'lienthong-dev',
    timeoutMs: 5000,
    connections: 8,
    redis,
    sessionKey,
    log: pino({ level: 'silent' }),
    maxRetryAfterMs: 120_000,
    maxReplyBytes: 1024 * 1024
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

/** A stand-in portal on a raw HTTP server: `/auth` logs in, `/service` answers as `serve` says. */
async function fakePortal (serve: (res: import('node:http').ServerResponse) => void): Promise<{ url: string, close: () => Promise<void> }> {
  const { createServer } = await import('node:http')
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      if (req.url === '/auth') {
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ error_code: '0', session: 's-1', expires_in: 3600 }))
        return
      }
      serve(res)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => { server.closeAllConnections(); await new Promise<void>(resolve => server.close(() => { resolve() })) }
  }
}

async function clientFor (url: string, t: { teardown: (fn: () => Promise<void>) => void }, extra: { maxReplyBytes?: number } = {}): Promise<PortalClient> {
  const server = await RedisServer.start()
  const redis = new Redis(server.url)
  const client = new PortalClient({
    url,
    username: 'u',
    password: 'p',
    timeoutMs: 5000,
    connections: 2,
    redis,
    sessionKey: 'test:s',
    log: pino({ level: 'silent' }),
    maxRetryAfterMs: 120_000,
    maxReplyBytes: extra.maxReplyBytes ?? 1024 * 1024
  })
  t.teardown(async () => { await client.close(); redis.disconnect(); await server.close() })
  return client
}

const call = { service: 'TraCuuHoSo', madonvi: '000.00.31.H42', mahoso: '000.00.31.H42-250702-00001' }

t.test('Retry-After: 86400000 on a 429 is taken as the cap (BREAKER_MAX_COOLDOWN_MS), not 1,000 days', async t => {
  const portal = await fakePortal(res => { res.writeHead(429, { 'retry-after': '86400000' }); res.end() })
  t.teardown(portal.close)
  const client = await clientFor(portal.url, t)
  const err = await client.call(call).catch((e: unknown) => e) as PortalTransportError
  t.type(err, PortalTransportError)
  t.equal(err.httpStatus, 429)
  t.equal(err.retryAfterMs, 120_000)
})

t.test('a reply larger than maxReplyBytes is dropped unread: a transport failure, whether declared or streamed', async t => {
  const big = JSON.stringify({ error_code: '0', message: 'x'.repeat(4096) })
  let streamed = 0
  const declared = await fakePortal(res => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(big) })
  // No Content-Length: chunks keep coming until the client hangs up.
  const endless = await fakePortal(res => {
    res.writeHead(200, { 'content-type': 'application/json' })
    const tick = (): void => {
      if (res.destroyed || streamed > 64 * 1024 * 1024) return
      streamed += 1024
      res.write('x'.repeat(1024), () => { setImmediate(tick) })
    }
    tick()
  })
  t.teardown(async () => { await declared.close(); await endless.close() })
  for (const [name, url] of [['declared', declared.url], ['streamed', endless.url]] as const) {
    const client = await clientFor(url, t, { maxReplyBytes: 2048 })
    const err = await client.call(call).catch((e: unknown) => e) as PortalTransportError
    t.type(err, PortalTransportError, name)
    t.match(err.message, /larger than 2048 bytes/, name)
    t.equal(err.httpStatus, 200, name)
  }
  t.ok(streamed < 64 * 1024 * 1024, `the endless reply was cut off (${streamed} bytes written)`)
  const small = await fakePortal(res => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"error_code":"-4"}') })
  t.teardown(small.close)
  t.equal((await (await clientFor(small.url, t, { maxReplyBytes: 2048 })).call(call)).reply.error_code, '-4', 'a reply within the bound is read')
})
