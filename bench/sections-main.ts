/**
 * Single sections of `npm run bench`, on a redis-server of their own:
 *   node --import tsx bench/sections-main.ts delivery webhooks replay
 * Same options (env) as bench/run.ts: BENCH_DELIVERY_N, BENCH_CONNECTIONS, BENCH_WEBHOOK_DOSSIERS,
 * BENCH_REPLAY_N; BENCH_DELIVERY_BATCHES (50,1) picks the delivery runs.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RedisServer } from '../support/redis-server.js'
import { makeClients } from '../support/clients-file.js'
import { benchDelivery } from './delivery.js'
import { benchCallbacks } from './callbacks.js'
import { benchBulkReplay } from './bulk-replay.js'

const SECTIONS = ['delivery', 'webhooks', 'callbacks', 'replay'] as const
const asked = process.argv.slice(2)
const unknown = asked.filter(s => !(SECTIONS as readonly string[]).includes(s))
if (asked.length === 0 || unknown.length > 0) {
  console.error(`usage: bench/sections-main.ts ${SECTIONS.join('|')} ...`)
  process.exit(2)
}
const env = process.env
const connections = Number(env.BENCH_CONNECTIONS ?? 64)
const redis = await RedisServer.start({ appendfsync: 'everysec' })
console.log(`# ${asked.join(', ')} — ${new Date().toISOString()}, cwd ${process.cwd()}`)
try {
  for (const s of asked) {
    if (s === 'delivery') {
      const { file, keys } = makeClients(mkdtempSync(join(tmpdir(), 'lt-bench-')))
      const gatewayEnv = { REDIS_URL: redis.url, CLIENTS_FILE: file, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', ROLE: 'api', PORTAL_URL: 'http://127.0.0.1:9' }
      const batches = (env.BENCH_DELIVERY_BATCHES ?? '50,1').split(',').map(Number)
      await benchDelivery({ gatewayEnv, apiKey: keys['civil-status'] as string, n: Number(env.BENCH_DELIVERY_N ?? 3000), connections, batches })
    } else if (s === 'webhooks' || s === 'callbacks') {
      await benchCallbacks(redis.url, { durationS: Number(env.BENCH_DURATION_S ?? 10), rounds: Number(env.BENCH_ROUNDS ?? 2), connections, dossiers: Number(env.BENCH_WEBHOOK_DOSSIERS ?? 200), only: s })
    } else {
      await benchBulkReplay(redis.url, Number(env.BENCH_REPLAY_N ?? 10_000))
    }
  }
} finally {
  await redis.close()
}
