/**
 * Redis refusing work (out of memory, a read-only replica, a dropped or closed connection) is a
 * 503 UNAVAILABLE with Retry-After, logged at warn without the command's arguments; nothing is
 * half-written and a resend is taken. A Redis that would evict keys is warned about at start-up
 * and shown in /health/ready.
 */
import t, { type Test } from 'tap'
import { Redis } from 'ioredis'
import { RedisServer } from '../../support/redis-server.js'
import { startGateway, type InProcessGateway } from '../helpers/gateway.js'
import { civilStatus } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { startSimulator } from '../../simulator/index.js'
import { startStack } from '../helpers/fixture.js'

// Personal values of the civil-status sample: they travel as the intake script's arguments.
const PERSONAL = ['042090004321', '042192007654', 'Trần Văn Bình', 'Nguyễn Thị Lan', 'binh.tv@example.vn']

interface Reply { status: number, retryAfter: string | null, json: any }

async function send (gw: InProcessGateway, doc: object): Promise<Reply> {
  const res = await fetch(`${gw.url}/v1/inbound/civil-status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': gw.keys['civil-status'] as string },
    body: JSON.stringify(doc)
  })
  const text = await res.text()
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: JSON.parse(text) }
}

function lines (gw: InProcessGateway): Array<Record<string, any>> {
  return gw.logs().trim().split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l))
}

function admin (t: { teardown: (fn: () => unknown) => void }, url: string): Redis {
  const c = new Redis(url, { maxRetriesPerRequest: 0 })
  c.on('error', () => {})
  t.teardown(() => { c.disconnect() })
  return c
}

function unavailable (t: Test, r: Reply, what: string): void {
  t.equal(r.status, 503, `${what}: 503`)
  t.equal(r.retryAfter, '5', `${what}: Retry-After`)
  t.match(r.json, { code: 'UNAVAILABLE', message: { vi: /gửi lại/, en: /retry/ } }, `${what}: the gateway's bilingual body`)
}

t.test('Redis out of memory with noeviction: 503 with Retry-After, a warn line without the command, nothing written; a resend is taken', async t => {
  const { redis, sim, gw } = await startStack(t)
  const r = admin(t, redis.url)
  await r.config('SET', 'maxmemory-policy', 'noeviction')
  await r.config('SET', 'maxmemory', '1')

  const doc = civilStatus(1)
  unavailable(t, await send(gw, doc), 'out of memory')
  t.same(await r.keys('lt:*HT-18754-2025-000001*'), [], 'nothing of the dossier was written')
  t.same(await r.keys('lt:*:seq:*'), [], 'no code was used up')

  await waitFor(() => lines(gw).some(l => l.msg === 'request refused: Redis unavailable'), { what: 'the refusal in the log' })
  const refused = lines(gw).filter(l => l.msg === 'request refused: Redis unavailable')
  t.equal(refused.length, 1, 'one line for the refusal')
  t.equal(refused[0]?.level, 40, 'at warn')
  t.match(refused[0]?.err, { type: 'ReplyError', message: /^OOM command not allowed/ })
  t.notOk('command' in (refused[0]?.err ?? {}), 'without the command')
  t.same(PERSONAL.filter(p => gw.logs().includes(p)), [], 'no personal value in the log')
  t.notOk(lines(gw).some(l => l.level >= 50), 'nothing logged as an error')

  await r.config('SET', 'maxmemory', '0')
  const again = await send(gw, doc)
  t.equal(again.status, 202, 'the resend is taken')
  t.equal(again.json.outcome, 'new')
  await waitFor(() => sim.state.dossier(again.json.maHoSo)?.creates === 1, { what: 'the resent dossier on the portal' })

  await redis.stop()
  unavailable(t, await send(gw, civilStatus(2)), 'Redis stopped')
})

t.test('a read-only replica: 503 with Retry-After, a warn line without the command, and not ready', async t => {
  const primary = await RedisServer.start()
  const replica = await RedisServer.start()
  t.teardown(async () => { await replica.close(); await primary.close() })
  const r = admin(t, replica.url)
  await r.replicaof('127.0.0.1', String(primary.port))
  await waitFor(async () => /master_link_status:up/.test(await r.info('replication')), { what: 'the replica to sync' })
  const sim = await startSimulator()
  // An API process: a worker cannot even schedule its sweeper on a replica.
  const gw = await startGateway({ redisUrl: replica.url, portalUrl: sim.url, env: { ROLE: 'api' } })
  t.teardown(async () => { await gw.close(); await sim.close() })

  unavailable(t, await send(gw, civilStatus(3)), 'read-only replica')
  await waitFor(() => lines(gw).some(l => l.msg === 'request refused: Redis unavailable'), { what: 'the refusal in the log' })
  const refused = lines(gw).filter(l => l.msg === 'request refused: Redis unavailable')
  t.equal(refused[0]?.level, 40)
  t.match(refused[0]?.err, { type: 'ReplyError', message: /^READONLY/ })
  t.notOk('command' in (refused[0]?.err ?? {}))
  t.same(PERSONAL.filter(p => gw.logs().includes(p)), [])

  const ready = await fetch(`${gw.url}/health/ready`)
  t.equal(ready.status, 503, 'a gateway whose Redis refuses every write is not ready')
  t.match(await ready.json(), { status: 'not-ready', redis: 'read-only replica' })
})

t.test('connections dropped while dossiers are taken in: only 202 or 503, and every dossier reaches the portal once', async t => {
  const { redis, sim, gw } = await startStack(t)
  const r = admin(t, redis.url)

  const docs = Array.from({ length: 40 }, (_, i) => civilStatus(100 + i))
  let settled = 0
  let onSettled = (): void => {}
  const replies = docs.map(async d => {
    const started = Date.now()
    const reply = await send(gw, d)
    settled++
    onSettled()
    return { ...reply, ms: Date.now() - started }
  })
  // Every client connection but this one is cut, again after each reply, while posts are in
  // flight. The cuts stop after a while: a Redis that never stays up for long takes no work.
  let kills = 0
  for (let round = 0; round < 20 && settled < docs.length; round++) {
    const next = new Promise<void>(resolve => { onSettled = resolve })
    kills += Number(await r.client('KILL', 'TYPE', 'normal'))
    await next
  }
  const first = await Promise.all(replies)
  t.ok(kills > 0, `${kills} connections cut`)
  t.ok(first.every(x => x.ms < 15_000), `every reply came without waiting long (slowest: ${Math.max(...first.map(x => x.ms))} ms)`)
  t.same(first.filter(x => x.status !== 202 && x.status !== 503).map(x => x.status), [], 'no other status than 202 and 503')
  for (const x of first.filter(x => x.status === 503)) unavailable(t, x, 'dropped connection')
  t.notOk(lines(gw).some(l => l.level >= 50), 'nothing logged as an error')
  t.same(PERSONAL.filter(p => gw.logs().includes(p)), [], 'no personal value in the log')

  // Senders resend what was refused until it is taken (Redis may still be reconnecting).
  const codes = await Promise.all(docs.map(async (d, i) => {
    let reply = first[i] as Reply
    for (let tries = 0; reply.status !== 202 && tries < 20; tries++) {
      await waitFor(async () => (await fetch(`${gw.url}/health/ready`)).status === 200, { what: 'the gateway to be ready' })
      reply = await send(gw, d)
      if (reply.status !== 202) unavailable(t, reply, 'resend')
    }
    return reply.json.maHoSo as string
  }))
  t.equal(new Set(codes).size, docs.length, 'one code per dossier')
  await waitFor(() => codes.every(c => sim.state.dossier(c) !== undefined), { timeoutMs: 60_000, what: 'every dossier on the portal' })
  t.ok(codes.every(c => sim.state.dossier(c)?.creates === 1), 'each created once')
  t.equal(sim.state.dossiers().length, docs.length)
})

t.test('a Redis that may evict keys: one warning at start-up, shown by /health/ready, which stays ready', async t => {
  const redis = await RedisServer.start()
  const r = admin(t, redis.url)
  await r.config('SET', 'maxmemory-policy', 'allkeys-lru')
  const sim = await startSimulator()
  const gw = await startGateway({ redisUrl: redis.url, portalUrl: sim.url })
  t.teardown(async () => { await gw.close(); await sim.close(); await redis.close() })

  // The log file is written asynchronously: wait for the line, then count.
  await waitFor(() => lines(gw).some(l => l.level === 40 && /maxmemory-policy/.test(l.msg)), { what: 'the policy warning in the log' })
  const warned = lines(gw).filter(l => l.level === 40 && /maxmemory-policy/.test(l.msg))
  t.equal(warned.length, 1, 'warned once')
  t.match(warned[0], { component: 'redis', maxmemoryPolicy: 'allkeys-lru', msg: /allkeys-lru, not noeviction/ })

  const ready = await fetch(`${gw.url}/health/ready`)
  t.equal(ready.status, 200, 'still ready')
  t.match(await ready.json(), { status: 'ready', redisMemoryPolicy: 'allkeys-lru', warnings: [/maxmemory-policy is allkeys-lru/] })

  await r.config('SET', 'maxmemory-policy', 'noeviction')
  const fixed = await (await fetch(`${gw.url}/health/ready`)).json() as Record<string, unknown>
  t.equal(fixed.redisMemoryPolicy, 'noeviction', 'read again on every probe')
  t.notOk('warnings' in fixed)
})

t.test('CONFIG not permitted: said at info, read from INFO; neither permitted: unknown, and the gateway goes on', async t => {
  const redis = await RedisServer.start()
  const r = admin(t, redis.url)
  await r.config('SET', 'maxmemory-policy', 'volatile-lru')
  await r.call('ACL', 'SETUSER', 'noconfig', 'on', '>pw-noconfig', '~*', '&*', '+@all', '-config')
  await r.call('ACL', 'SETUSER', 'blind', 'on', '>pw-blind', '~*', '&*', '+@all', '-config', '-info')
  const sim = await startSimulator()
  t.teardown(async () => { await sim.close(); await redis.close() })
  const url = (user: string): string => redis.url.replace('redis://', `redis://${user}:pw-${user}@`)

  const viaInfo = await startGateway({ redisUrl: url('noconfig'), portalUrl: sim.url, env: { ROLE: 'api' } })
  t.teardown(async () => { await viaInfo.close() })
  await waitFor(() => lines(viaInfo).some(l => l.level === 40 && /maxmemory-policy/.test(l.msg)) &&
    lines(viaInfo).some(l => l.component === 'redis' && /CONFIG/.test(l.msg)), { what: 'both lines in the log' })
  const said = lines(viaInfo).filter(l => l.component === 'redis' && /CONFIG/.test(l.msg))
  t.match(said, [{ level: 30, maxmemoryPolicy: 'volatile-lru', msg: /read from INFO/ }])
  t.equal(lines(viaInfo).filter(l => l.level === 40 && /maxmemory-policy/.test(l.msg)).length, 1, 'the policy is still warned about')
  t.match(await (await fetch(`${viaInfo.url}/health/ready`)).json(), { status: 'ready', redisMemoryPolicy: 'volatile-lru' })

  const blind = await startGateway({ redisUrl: url('blind'), portalUrl: sim.url, env: { ROLE: 'api' } })
  t.teardown(async () => { await blind.close() })
  await waitFor(() => lines(blind).some(l => l.component === 'redis' && /CONFIG/.test(l.msg)), { what: 'the CONFIG line in the log' })
  t.match(lines(blind).filter(l => l.component === 'redis' && /CONFIG/.test(l.msg)), [{ level: 30, maxmemoryPolicy: 'unknown', msg: /cannot be read/ }])
  const ready = await fetch(`${blind.url}/health/ready`)
  t.equal(ready.status, 200)
  const body = await ready.json() as Record<string, unknown>
  t.equal(body.redisMemoryPolicy, 'unknown')
  t.notOk('warnings' in body)
})

t.test('a Redis with noeviction: no warning, and /health/ready says so', async t => {
  const redis = await RedisServer.start()
  const sim = await startSimulator()
  const gw = await startGateway({ redisUrl: redis.url, portalUrl: sim.url, env: { ROLE: 'api' } })
  t.teardown(async () => { await gw.close(); await sim.close(); await redis.close() })
  t.notOk(lines(gw).some(l => /maxmemory-policy/.test(l.msg ?? '')))
  const body = await (await fetch(`${gw.url}/health/ready`)).json() as Record<string, unknown>
  t.match(body, { status: 'ready', redisMemoryPolicy: 'noeviction' })
  t.notOk('warnings' in body)
})
