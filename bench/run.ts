/**
 * `npm run bench`: intake and delivery throughput of the gateway, each against a baseline
 * measured in the same run on the same machine and Redis (this machine is shared and noisy,
 * so only same-run ratios mean anything). Results go to stdout; docs/benchmarks.md records them.
 *
 * Options (env): BENCH_DURATION_S (10), BENCH_ROUNDS (2), BENCH_CONNECTIONS (64), BENCH_DELIVERY_N (3000),
 * BENCH_WEBHOOK_DOSSIERS (200: online dossiers of the callback and webhook runs, 5 events each),
 * BENCH_STATS_SIZES (10000,1000000: synthetic dossiers behind the /v1/stats timings),
 * BENCH_REPLAY_N (10000: failed dossiers of the bulk replay run), BENCH_FAILED_N (100000: failed
 * dossiers behind the failed list's first page; bench/failed-list.ts), BENCH_STORAGE_N (100000: dossiers
 * of the storage budget run, which starts redis-servers of its own; bench/storage.ts), BENCH_DOCTOR_N
 * (100000: dossiers `lienthong doctor` checks, on a redis-server of its own; 1000000 for the
 * figure in docs/benchmarks.md; bench/doctor.ts), BENCH_HOSTILE_N (20000: hostile requests of the peak-RSS
 * run; bench/memory.ts), BENCH_NOTICES_N (10000: notices one worker sends to the simulator's ZNS;
 * bench/notices.ts), BENCH_NOTICE_CONCURRENCY (32).
 *
 * One section alone: bench/sections-main.ts (delivery, webhooks, replay);
 * `npm run bench -- --only notices`: the notices section alone (bench/notices-main.ts).
 *
 * `npm run bench -- --profile` runs bench/profile.ts instead: CPU profiles of the hot paths under
 * load, with a per-request breakdown, written to .data/profiles/<timestamp>/.
 */
import { spawnSync } from 'node:child_process'
import { cpus } from 'node:os'
import { RedisServer } from '../support/redis-server.js'
import { makeClients } from '../support/clients-file.js'
import { fmt, load, spawnServer, type LoadResult, intakeBodies } from './load.js'
import { benchCallbacks } from './callbacks.js'
import { benchDelivery } from './delivery.js'
import { benchStats } from './stats.js'
import { benchBulkReplay } from './bulk-replay.js'
import { benchFailedList } from './failed-list.js'
import { benchStorage } from './storage.js'
import { benchDoctor } from './doctor.js'
import { benchMemory } from './memory.js'
import { runProfiles } from './profile.js'
import { benchNotices } from './notices.js'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const DURATION = Number(process.env.BENCH_DURATION_S ?? 10)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64)
const DELIVERY_N = Number(process.env.BENCH_DELIVERY_N ?? 3000)

// `npm run bench -- --only notices`: that section alone (bench/notices-main.ts, its own redis-server).
const only = process.argv.indexOf('--only')
if (only >= 0) {
  if (process.argv[only + 1] !== 'notices') {
    console.error('--only: notices is the one section that runs alone here (the others have bench/*-main.ts)')
    process.exit(2)
  }
  await import('./notices-main.js')
  process.exit(0)
}

if (process.argv.includes('--profile')) {
  await runProfiles({ durationS: DURATION, connections: CONNECTIONS, deliveryN: DELIVERY_N, dossiers: Number(process.env.BENCH_WEBHOOK_DOSSIERS ?? 200) })
  process.exit(0)
}

const { civil: civilBody, land: landBody } = intakeBodies()

function mean (xs: number[]): number { return xs.reduce((a, b) => a + b, 0) / xs.length }
function row (name: string, rs: LoadResult[]): { name: string, rps: number, p50: number, p99: number } {
  return { name, rps: mean(rs.map(r => r.rps)), p50: mean(rs.map(r => r.p50)), p99: Math.max(...rs.map(r => r.p99)) }
}

const redis = await RedisServer.start({ appendfsync: 'everysec' })
const dir = mkdtempSync(join(tmpdir(), 'lt-bench-'))
const { file, keys } = makeClients(dir)
const gatewayEnv = {
  REDIS_URL: redis.url, CLIENTS_FILE: file, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', ROLE: 'api', PORTAL_URL: 'http://127.0.0.1:9'
}
console.log(`# lienthong benchmark — ${new Date().toISOString()}, ${cpus().length} CPUs, Node ${process.version}`)
console.log(`# ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} interleaved rounds; redis-server with AOF everysec\n`)

try {
  const baseline = await spawnServer('bench/baseline-server.ts', { REDIS_URL: redis.url })
  const gateway = await spawnServer('src/server.ts', gatewayEnv)
  const runs: Record<string, LoadResult[]> = { baseline: [], civil: [], land: [], xmlReference: [] }
  const targets = {
    baseline: { url: `${baseline.url}/intake`, headers: { 'content-type': 'application/json' }, body: civilBody },
    civil: { url: `${gateway.url}/v1/inbound/civil-status`, headers: { 'content-type': 'application/json', 'x-api-key': keys['civil-status'] as string }, body: civilBody },
    land: { url: `${gateway.url}/v1/inbound/land`, headers: { 'content-type': 'application/xml', 'x-api-key': keys.land as string }, body: landBody },
    xmlReference: { url: `${baseline.url}/intake-xml`, headers: { 'content-type': 'application/xml' }, body: landBody }
  }
  for (const [name, t] of Object.entries(targets)) await load({ ...t, connections: CONNECTIONS, durationS: 2 }).then(r => { console.log(`warm-up ${name}: ${fmt(r)}`) })
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, t] of Object.entries(targets)) {
      const r = await load({ ...t, connections: CONNECTIONS, durationS: DURATION })
      runs[name]?.push(r)
      console.log(`round ${round} ${name}: ${fmt(r)}`)
    }
  }
  const b = row('baseline: Fastify + schema + one BullMQ add', runs.baseline ?? [])
  const rows = [b, row('gateway: civil-status JSON intake', runs.civil ?? []), row('gateway: land XML intake', runs.land ?? [])]
  console.log('\n| run | req/s | ratio to baseline | p50 ms | p99 ms (worst round) |\n|---|---|---|---|---|')
  for (const r of rows) console.log(`| ${r.name} | ${Math.round(r.rps)} | ${(r.rps / b.rps * 100).toFixed(0)}% | ${r.p50.toFixed(1)} | ${r.p99} |`)
  const x = row('reference: Fastify + xml2js parse + one BullMQ add', runs.xmlReference ?? [])
  const l = rows[2]
  console.log(`| ${x.name} | ${Math.round(x.rps)} | ${(x.rps / b.rps * 100).toFixed(0)}% | ${x.p50.toFixed(1)} | ${x.p99} |`)
  if (l !== undefined) console.log(`\nland XML intake against the xml2js reference (not the target's baseline): ${(l.rps / x.rps * 100).toFixed(0)}%`)
  console.log(`\ngateway peak RSS during intake: ${gateway.peakRssMb()} MB; baseline: ${baseline.peakRssMb()} MB`)
  await baseline.stop()
  await gateway.stop()

  await benchDelivery({ gatewayEnv, apiKey: keys['civil-status'] as string, n: DELIVERY_N, connections: CONNECTIONS })

  // Notices from one worker to the simulator's ZNS (BENCH_NOTICES_N, BENCH_NOTICE_CONCURRENCY).
  await benchNotices(redis.url, { n: Number(process.env.BENCH_NOTICES_N ?? 10_000), concurrency: Number(process.env.BENCH_NOTICE_CONCURRENCY ?? 32), connections: CONNECTIONS })

  await benchCallbacks(redis.url, { durationS: DURATION, rounds: ROUNDS, connections: CONNECTIONS, dossiers: Number(process.env.BENCH_WEBHOOK_DOSSIERS ?? 200) })

  await benchBulkReplay(redis.url, Number(process.env.BENCH_REPLAY_N ?? 10_000))

  // The failed list's first page and the overview's counts with 100,000 failed (BENCH_FAILED_N).
  await benchFailedList(redis.url, Number(process.env.BENCH_FAILED_N ?? 100_000))

  // /v1/stats answer time with 10k and 1M synthetic dossiers' counters (BENCH_STATS_SIZES).
  await benchStats(redis.url, (process.env.BENCH_STATS_SIZES ?? '10000,1000000').split(',').map(Number))

  // Redis memory per pending and per compacted dossier, and intake with a backlog against an empty store.
  await benchStorage({ n: Number(process.env.BENCH_STORAGE_N ?? 100_000), durationS: DURATION, rounds: ROUNDS, connections: CONNECTIONS })

  // The consistency check's time and memory, against a plain read of every record.
  await benchDoctor(Number(process.env.BENCH_DOCTOR_N ?? 100_000))

  // Peak RSS under intake and under BENCH_HOSTILE_N hostile requests, each against a fresh baseline.
  await benchMemory(redis.url, { durationS: DURATION, connections: CONNECTIONS, hostileN: Number(process.env.BENCH_HOSTILE_N ?? 20_000), snapshots: false })

  console.log('\n## XML parsing of large dossiers (bench/xml-parse.ts)')
  spawnSync(process.execPath, ['--import', 'tsx', 'bench/xml-parse.ts'], { stdio: 'inherit' })
} finally {
  await redis.close()
}
