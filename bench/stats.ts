/**
 * Centre statistics: the answer time of `/v1/stats` queries over 10,000, 100,000 and 1,000,000
 * synthetic dossiers. Each dossier's random lifecycle goes through `bumpsFor`, and its bumps are
 * applied with STATS_BUMP (the STATS_APPLY snippet the write paths embed), one call per dossier
 * with its transitions' bumps summed: the same counters the write paths would write, in fewer
 * calls. Then each query runs 30 times, on StatsQuery directly and through HTTP, and the two
 * sizes are compared. The claim to check: the time depends on agencies × buckets × dimension
 * combinations, not on the number of dossiers.
 */
import type { AddressInfo } from 'node:net'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { makeClients } from '../support/clients-file.js'
import { loadConfig } from '../src/config.js'
import configPlugin from '../src/http/plugins/config.js'
import errorHandler from '../src/http/plugins/error-handler.js'
import redisPlugin from '../src/http/plugins/redis.js'
import clientsPlugin from '../src/http/plugins/clients.js'
import authPlugin from '../src/http/plugins/auth.js'
import { statsRoutes } from '../src/http/routes/stats.js'
import { dimsOf, encodeBumps } from '../src/domain/stats-dimensions.js'
import { StatsQuery, type StatsFilter } from '../src/store/stats/query.js'
import { StatsStore, statsPrefix } from '../src/store/stats/stats-store.js'
import { localDayOf } from '../src/domain/stats-dimensions.js'
import { benchWorld, synthesise } from '../support/stats-synthetic.js'

const RUNS = 30
const ROUNDS = 3
const START = '2025-01-01'
const DAYS = 180
const NOW = Date.parse('2025-07-05T10:00:00+07:00')
/** Issue 19: the counters of 1,000,000 dossiers over 180 days in 30 agencies fit in this. */
export const STATS_MEMORY_BUDGET_MB = 256

const FILTERS: Array<[string, Omit<StatsFilter, 'agencies'>]> = [
  ['province, 30 days across a month end', { province: 'H42', from: '2025-05-15', to: '2025-06-13' }],
  ['province, 180 days by month', { province: 'H42', from: '2025-01-01', to: '2025-06-29', groupBy: 'month' }],
  ['province, 90 days by day', { province: 'H42', from: '2025-04-01', to: '2025-06-29', groupBy: 'day' }],
  ['one commune, 90 days by month', { commune: '18007', from: '2025-04-01', to: '2025-06-29', groupBy: 'month' }],
  ['system + channel, 30 days by day', { system: 'land', channel: 'online', from: '2025-05-15', to: '2025-06-13', groupBy: 'day' }],
  ['commune + system + channel, 30 days by day', { commune: '18007', system: 'land', channel: 'online', from: '2025-05-15', to: '2025-06-13', groupBy: 'day' }],
  ['procedure + channel (not a kept set), 30 days', { procedure: '1.001000', channel: 'in-person', from: '2025-05-15', to: '2025-06-13' }],
  ['one procedure, 180 days', { procedure: '1.001000', from: '2025-01-01', to: '2025-06-29' }],
  ['one agency, one day', { agency: '000.00.12.H42', from: '2025-06-02', to: '2025-06-02' }]
]

interface Timing { mean: number, p99: number }

function summary (ms: number[]): Timing {
  const s = [...ms].sort((a, b) => a - b)
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p99: s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] ?? NaN }
}

/** Runs each size's query in turn, ROUNDS times RUNS / ROUNDS runs, so a busy moment of the machine hits every size alike. */
async function timeInterleaved (fs: Array<() => Promise<unknown>>): Promise<Timing[]> {
  const ms: number[][] = fs.map(() => [])
  for (const f of fs) for (let i = 0; i < 3; i++) await f()
  for (let round = 0; round < ROUNDS; round++) {
    for (const [j, f] of fs.entries()) {
      for (let i = 0; i < RUNS / ROUNDS; i++) {
        const t0 = performance.now()
        await f()
        ms[j]?.push(performance.now() - t0)
      }
    }
  }
  return ms.map(summary)
}

/** A background AOF rewrite (which a large load triggers) competes for the CPUs: wait it out. */
async function quiet (redis: Redis): Promise<void> {
  for (;;) {
    const info = await redis.info('persistence')
    if (/aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info) && /rdb_bgsave_in_progress:0/.test(info)) return
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

async function fill (redis: Redis, prefix: string, n: number): Promise<void> {
  const store = new StatsStore(redis, prefix)
  const t0 = performance.now()
  let p = redis.pipeline()
  let bumps = 0
  let i = 0
  const agencies = new Set<string>()
  for (const { dossier: d, steps } of synthesise(benchWorld(START, DAYS), n, 7, NOW)) {
    // What the write paths do before their script (DossierStore.noteAgency).
    if (!agencies.has(d.agency)) { agencies.add(d.agency); p.sadd(`${prefix}:agencies`, d.agency) }
    store.bumpIn(p, d.agency, dimsOf(d), encodeBumps(steps.flat()))
    bumps += steps.reduce((a, s) => a + s.length, 0)
    if (++i % 2000 === 0) { await p.exec(); p = redis.pipeline() }
  }
  await p.exec()
  const s = (performance.now() - t0) / 1000
  console.log(`${n} dossiers: ${bumps} bumps from bumpsFor applied in ${s.toFixed(1)} s (${Math.round(n / s)} dossiers/s, generation included)`)
}

/** MEMORY USAGE (exact, SAMPLES 0) of every statistics key of `prefix`, in bytes. */
async function countersMemory (redis: Redis, prefix: string): Promise<{ bytes: number, keys: number }> {
  let cursor = '0'
  let bytes = 0
  let keys = 0
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:{*}:stats:*`, 'COUNT', 1000)
    cursor = next
    const p = redis.pipeline()
    for (const k of found) p.memory('USAGE', k, 'SAMPLES', 0)
    for (const [err, n] of await p.exec() ?? []) if (err === null) bytes += Number(n)
    keys += found.length
  } while (cursor !== '0')
  return { bytes, keys }
}

function mb (bytes: number): string { return `${(bytes / 1024 / 1024).toFixed(1)} MB` }

async function shape (redis: Redis, prefix: string): Promise<string> {
  const agencies = await redis.smembers(`${prefix}:agencies`)
  let dims = 0
  let monthFields = 0
  for (const a of agencies) {
    const sp = statsPrefix(prefix, a)
    dims += await redis.scard(`${sp}:dims`)
    for (let m = 1; m <= 7; m++) monthFields += await redis.hlen(`${sp}:m:2025-0${m}`)
  }
  return `${agencies.length} agencies, ${dims} dimension combinations, ${monthFields} fields in month rollups`
}

export async function benchStats (redisUrl: string, sizes: number[] = [10_000, 100_000, 1_000_000]): Promise<void> {
  console.log(`\n## Centre statistics (bench/stats.ts): /v1/stats answer time over ${sizes.join(', ')} dossiers`)
  console.log('# counters written as the write paths would (bumpsFor + STATS_APPLY via STATS_BUMP, one call per dossier);')
  console.log(`# world: 30 agencies of H42, 100 communes, 5 systems, 40 procedures, 3 channels, receipts over ${DAYS} days`)
  console.log(`# ${RUNS} runs per query and size after 3 warm-ups, the sizes interleaved in ${ROUNDS} rounds, after any AOF rewrite finished`)
  const redis = new Redis(redisUrl)
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-stats-'))
  const { file, keys } = makeClients(dir)
  const apps: FastifyInstance[] = []
  try {
    const targets: Array<{ n: number, stats: StatsQuery, url: string }> = []
    for (const n of sizes) {
      const prefix = `bstats${n}`
      await fill(redis, prefix, n)
      console.log(`  ${await shape(redis, prefix)}`)
      const before = await countersMemory(redis, prefix)
      // What the compaction job does every hour in production, at the configured window.
      const window = loadConfig({ REDIS_URL: redisUrl, CLIENTS_FILE: file }, { dotenv: false }).STATS_DAY_WINDOW_DAYS
      const rolled = await new StatsStore(redis, prefix).rollUpAll(localDayOf(NOW), window)
      const after = await countersMemory(redis, prefix)
      const verdict = n === 1_000_000 ? `; budget ${STATS_MEMORY_BUDGET_MB} MB at 1M: ${after.bytes <= STATS_MEMORY_BUDGET_MB * 1024 * 1024 ? 'within' : 'OVER'}` : ''
      console.log(`  counters' memory (MEMORY USAGE of every statistics key): ${mb(before.bytes)} in ${before.keys} keys; after the roll-up of days older than ${window} days (STATS_DAY_WINDOW_DAYS; ${rolled.days} agency-days): ${mb(after.bytes)} in ${after.keys} keys${verdict}`)
      const app = Fastify()
      apps.push(app)
      await app.register(configPlugin, { config: loadConfig({ REDIS_URL: redisUrl, CLIENTS_FILE: file, KEY_PREFIX: prefix, LOG_LEVEL: 'silent' }, { dotenv: false }) })
      await app.register(errorHandler)
      await app.register(redisPlugin)
      await app.register(clientsPlugin)
      await app.register(authPlugin)
      await app.register(statsRoutes)
      await app.listen({ port: 0, host: '127.0.0.1' })
      targets.push({ n, stats: new StatsQuery(redis, prefix), url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/stats` })
    }
    console.log(`  Redis used_memory for all sizes: ${/used_memory_human:(\S+)/.exec(await redis.info('memory'))?.[1] ?? '?'}`)
    await quiet(redis)
    const head = sizes.map(n => `${label(n)} mean / p99 ms`).join(' | ')
    const rows: string[] = []
    for (const [name, f] of FILTERS) {
      const qs = new URLSearchParams(Object.entries(f).map(([k, v]): [string, string] => [k, String(v)])).toString()
      const direct = await timeInterleaved(targets.map(t => async () => await t.stats.query(f)))
      const http = await timeInterleaved(targets.map(t => async () => {
        const res = await fetch(`${t.url}?${qs}`, { headers: { 'x-api-key': keys.admin } })
        if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status} ${await res.text()}`)
        await res.arrayBuffer()
      }))
      const first = direct[0]
      const last = direct.at(-1)
      const ratio = (a: Timing | undefined, b: Timing | undefined): string => a === undefined || b === undefined ? '?' : (b.mean / a.mean).toFixed(2)
      rows.push(`| ${name} | ${direct.map(d => `${d.mean.toFixed(2)} / ${d.p99.toFixed(2)}`).join(' | ')} | ${ratio(first, last)} | ${ratio(direct.at(-2), last)} | ${http.map(h => h.mean.toFixed(2)).join(' / ')} | ${ratio(http[0], http.at(-1))} |`)
      console.log(`  ${name}: ${direct.map((d, i) => `${label(sizes[i] ?? 0)} ${d.mean.toFixed(2)} ms`).join(', ')}`)
    }
    console.log(`\n| query (StatsQuery) | ${head} | ${label(sizes.at(-1) ?? 0)} ÷ ${label(sizes[0] ?? 0)} | ${label(sizes.at(-1) ?? 0)} ÷ ${label(sizes.at(-2) ?? 0)} | HTTP mean ms (${sizes.map(label).join(' / ')}) | HTTP ${label(sizes.at(-1) ?? 0)} ÷ ${label(sizes[0] ?? 0)} |`)
    console.log(`|---|${sizes.map(() => '---|').join('')}---|---|---|---|`)
    for (const r of rows) console.log(r)
  } finally {
    for (const app of apps) await app.close()
    redis.disconnect()
  }
}

function label (n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`
}
