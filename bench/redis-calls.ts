/**
 * The commands each request sends to Redis (its round trips' worth), counted exactly with
 * MONITOR while a fixed number of requests runs at the bench's concurrency: unlike req/s, it does
 * not move with the machine's load. Script-internal commands are left out (only what the client
 * sent counts; a pipeline's commands count one each, though they share one round trip).
 *
 *   node --import tsx bench/redis-calls.ts [other checkout…]    # this checkout is always 'this'
 *
 * Options (env): CALLS_N (2000 requests per path), BENCH_CONNECTIONS (64), BENCH_WEBHOOK_DOSSIERS (200).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { Redis } from 'ioredis'
import { RedisServer } from '../support/redis-server.js'
import { makeClients } from '../support/clients-file.js'
import { startSimulator } from '../simulator/index.js'
import { load, spawnServer, intakeBodies } from './load.js'
import { SECRET, signedRating } from './callbacks.js'

const N = Number(process.env.CALLS_N ?? 2000)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64)
const DOSSIERS = Number(process.env.BENCH_WEBHOOK_DOSSIERS ?? 200)

async function main (): Promise<void> {
  const checkouts: Record<string, string> = { this: '.' }
  for (const c of process.argv.slice(2)) checkouts[basename(c)] = c
  const redis = await RedisServer.start({ appendfsync: 'everysec' })
  const dir = mkdtempSync(join(tmpdir(), 'lt-calls-'))
  const { file, keys } = makeClients(dir)
  const routing = join(dir, 'routing.json')
  writeFileSync(routing, JSON.stringify({ routes: [{ procedure: '1.001193', system: 'civil-status' }] }))
  const env = { REDIS_URL: redis.url, CLIENTS_FILE: file, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', CALLBACK_RATE_LIMIT_MAX: '100000000', ROLE: 'api', PORTAL_URL: 'http://127.0.0.1:9', PORTAL_CALLBACK_SECRET: SECRET, ROUTING_FILE: routing }
  const sim = await startSimulator({ callbackSecret: SECRET, recordBodies: false })
  const monitor = new Redis(redis.url)
  let counting = false
  let feed: Redis | undefined
  const counts = new Map<string, number>()
  await new Promise<void>((resolve, reject) => {
    monitor.monitor((err, m) => {
      if (err !== null || m === undefined) { reject(err ?? new Error('no monitor')); return }
      feed = m
      m.on('monitor', (_time: string, args: string[], source: string) => {
        if (!counting || source.includes('lua')) return
        const cmd = (args[0] ?? '?').toLowerCase()
        counts.set(cmd, (counts.get(cmd) ?? 0) + 1)
      })
      resolve()
    })
  })
  const { civil, land } = intakeBodies()
  console.log(`# Redis commands per request (MONITOR), ${N} requests per path at ${CONNECTIONS} connections; checkouts: ${Object.entries(checkouts).map(([k, v]) => `${k}=${v}`).join(', ')}\n`)
  console.log('| checkout | path | commands per request (by command) | total |\n|---|---|---|---|')
  try {
    for (const [name, path] of Object.entries(checkouts)) {
      const gw = await spawnServer(join(path, 'src/server.ts'), { ...env, KEY_PREFIX: `calls-${name}`, QUEUE_PREFIX: `{calls-${name}-queue}` })
      const codes: string[] = []
      for (let i = 0; i < DOSSIERS; i++) codes.push((await sim.submitOnline({ url: `${gw.url}/v1/portal/callbacks`, agency: '000.00.31.H42', hoSo: { MaTTHC: '2.000001', MaXa: '18754' } })).maHoSo)
      const paths = {
        'civil, new dossiers': { url: `${gw.url}/v1/inbound/civil-status`, headers: { 'content-type': 'application/json', 'x-api-key': keys['civil-status'] as string }, body: civil },
        'civil, the same dossier again (duplicate)': { url: `${gw.url}/v1/inbound/civil-status`, headers: { 'content-type': 'application/json', 'x-api-key': keys['civil-status'] as string }, body: (() => { const b = civil(); return () => b })() },
        'land, new dossiers': { url: `${gw.url}/v1/inbound/land`, headers: { 'content-type': 'application/xml', 'x-api-key': keys.land as string }, body: land },
        'signed callbacks (DanhGia)': { url: `${gw.url}/v1/portal/callbacks`, headers: {}, body: () => '', request: signedRating(codes) }
      }
      for (const [label, t] of Object.entries(paths)) {
        await load({ ...t, connections: CONNECTIONS, amount: 200 })
        counts.clear()
        counting = true
        const r = await load({ ...t, connections: CONNECTIONS, amount: N })
        counting = false
        const per = [...counts].filter(([c]) => c !== 'info').sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${(n / r.ok).toFixed(2)}`)
        const total = [...counts].filter(([c]) => c !== 'info').reduce((s, [, n]) => s + n, 0) / r.ok
        console.log(`| ${name} | ${label} | ${per.join(', ')} | ${total.toFixed(2)} |`)
      }
      await gw.stop()
    }
  } finally {
    feed?.disconnect()
    monitor.disconnect()
    await sim.close()
    await redis.close()
  }
}
await main()
