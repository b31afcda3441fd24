/**
 * `npm run bench:ha`: what REDIS_WAIT_REPLICAS costs and what it saves, on a Sentinel set (a
 * primary, a replica, three sentinels; AOF everysec as in production) on this machine.
 *
 * 1. The 202's latency and throughput with WAIT=0 and WAIT=1 (two gateways on the same Redis,
 *    interleaved rounds).
 * 2. The loss window: under intake load the replica falls behind for BENCH_LAG_MS (SIGSTOPped: a
 *    stalled replica machine; what fits in the kernel's socket buffers still reaches it), the primary is SIGKILLed, the sentinels promote the replica;
 *    then every acknowledged version is looked up. Also a plain kill, the replica in step.
 *
 * Options (env): BENCH_DURATION_S (10), BENCH_ROUNDS (2), BENCH_CONNECTIONS (16,64), BENCH_LAG_MS (3000),
 * BENCH_SCENARIOS (`wait:lagMs,…`), BENCH_SKIP_LATENCY, BENCH_LOG_LEVEL (the gateways' log, to stderr).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir, cpus } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { SentinelSet } from '../support/redis-sentinel.js'
import { makeClients } from '../support/clients-file.js'
import { sample } from '../support/samples.js'
import { waitFor } from '../support/wait.js'
import { IntakeLoad, VERSION_CODES } from '../support/intake-load.js'
import { fmt, load, spawnServer, type LoadResult } from './load.js'

const DURATION = Number(process.env.BENCH_DURATION_S ?? 10)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '16,64').split(',').map(Number)
const LAG_MS = Number(process.env.BENCH_LAG_MS ?? 3000)

const dir = mkdtempSync(join(tmpdir(), 'lt-bench-ha-'))
const { file, keys } = makeClients(dir)
const env = (redis: SentinelSet, wait: number): Record<string, string> => ({
  ...redis.env, CLIENTS_FILE: file, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error', RATE_LIMIT_MAX: '100000000', ROLE: 'api', PORTAL_URL: 'http://127.0.0.1:9', REDIS_WAIT_REPLICAS: String(wait), REDIS_WAIT_TIMEOUT_MS: '1000'
})

console.log(`# lienthong HA benchmark — ${new Date().toISOString()}, ${cpus().length} CPUs, Node ${process.version}`)
console.log('# Sentinel set: primary + 1 replica + 3 sentinels, AOF everysec, all on this machine\n')

async function latency (): Promise<void> {
  const redis = await SentinelSet.start({ appendfsync: 'everysec' })
  const civil = sample('civil-status.json')
  let seq = 0
  const body = (): string => civil.replace('HT-18754-2025-000077', `HT-18754-2025-${++seq}`).replace('000.00.31.H42', `000.00.${10 + (seq % 90)}.H42`)
  try {
    const gws = { 'WAIT=0': await spawnServer('src/server.ts', env(redis, 0)), 'WAIT=1': await spawnServer('src/server.ts', env(redis, 1)) }
    const target = (url: string): { url: string, headers: Record<string, string>, body: () => string } =>
      ({ url: `${url}/v1/inbound/civil-status`, headers: { 'content-type': 'application/json', 'x-api-key': keys['civil-status'] as string }, body })
    for (const g of Object.values(gws)) await load({ ...target(g.url), connections: 16, durationS: 2 })
    const rows: string[] = []
    for (const connections of CONNECTIONS) {
      const runs: Record<string, LoadResult[]> = { 'WAIT=0': [], 'WAIT=1': [] }
      for (let round = 1; round <= ROUNDS; round++) {
        for (const [name, g] of Object.entries(gws)) {
          const r = await load({ ...target(g.url), connections, durationS: DURATION })
          runs[name]?.push(r)
          console.log(`${connections} connections, round ${round}, ${name}: ${fmt(r)}`)
        }
      }
      for (const [name, rs] of Object.entries(runs)) {
        const mean = (f: (r: LoadResult) => number): number => rs.reduce((a, r) => a + f(r), 0) / rs.length
        rows.push(`| ${name} | ${connections} | ${Math.round(mean(r => r.rps))} | ${mean(r => r.p50).toFixed(1)} | ${Math.max(...rs.map(r => r.p99))} | ${rs.reduce((a, r) => a + r.non2xx + r.errors, 0)} |`)
      }
    }
    console.log('\n| gateway | connections | req/s | p50 ms | p99 ms (worst round) | non-2xx |\n|---|---|---|---|---|---|')
    for (const r of rows) console.log(r)
    for (const g of Object.values(gws)) await g.stop()
  } finally {
    await redis.close()
  }
}

/** One failover under load; how many acknowledged versions the new primary does not have. */
async function lossRun (wait: number, lagMs: number): Promise<string> {
  const redis = await SentinelSet.start({ appendfsync: 'everysec' })
  try {
    const gw = await spawnServer('src/server.ts', env(redis, wait))
    const intake = new IntakeLoad(gw.url, keys['civil-status'] as string, { senders: 16, first: 200_000 + wait * 100_000 + lagMs })
    await waitFor(() => intake.ackedCount >= 300, { timeoutMs: 60_000, what: 'intake under way' })
    const lagFrom = Date.now()
    if (lagMs > 0) {
      redis.lagReplica()
      // The measured scenario: the replica is this far behind when the primary dies.
      await sleep(lagMs)
    }
    const f = await redis.killPrimary()
    await redis.restart(redis.servers[0]?.port ?? 0)
    await waitFor(() => intake.acks.some(a => a.at > f.promotedAt), { timeoutMs: 60_000, what: 'intake after the failover' })
    await intake.stop()
    // Every acknowledged version: the dossier must exist at that version or a later one.
    let lost = 0
    let lostDossiers = 0
    let first = Infinity
    let last = -Infinity
    for (const a of intake.acked.values()) {
      const res = await fetch(`${gw.url}/v1/dossiers/${a.maHoSo}`, { headers: { 'x-api-key': keys.admin } })
      const status = res.status === 200 ? ((await res.json()) as { dossier: { status?: string } }).dossier.status : undefined
      const have = status === undefined ? 0 : VERSION_CODES.indexOf(status) + 1
      if (have < a.versions) {
        const missing = a.ackedAt.slice(have)
        lost += missing.length
        if (have === 0) lostDossiers++
        first = Math.min(first, ...missing)
        last = Math.max(last, ...missing)
      }
    }
    await gw.stop()
    const window = lost === 0 ? '–' : `${first - lagFrom} … ${last - lagFrom} ms after the lag began (kill at ${f.killedAt - lagFrom} ms)`
    return `| ${wait} | ${lagMs} | ${intake.ackedCount} | ${lost} | ${lostDossiers} | ${window} | ${f.promotedAt - f.killedAt} | ${JSON.stringify(Object.fromEntries(intake.refused))} |`
  } finally {
    await redis.close()
  }
}

if (process.env.BENCH_SKIP_LATENCY === undefined) await latency()
const rows: string[] = []
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? `0:0,0:${LAG_MS},1:0,1:${LAG_MS}`).split(',').filter(s => s !== '').map(s => s.split(':').map(Number) as [number, number])
for (const [wait, lag] of SCENARIOS) {
  const r = await lossRun(wait, lag)
  console.log(r)
  rows.push(r)
}
console.log('\n| WAIT | replica behind (ms) | versions acknowledged | acknowledged versions lost | dossiers lost entirely | when the lost ones were acknowledged | failover (ms) | refusals |\n|---|---|---|---|---|---|---|---|')
for (const r of rows) console.log(r)
