/**
 * The intake and signed-callback sections of `npm run bench` alone, each against the bench's
 * baselines measured in the same run, for one or more checkouts of the gateway at once (all on
 * one Redis, in interleaved rounds): before/after ratios from one run on a noisy machine.
 *
 *   node --import tsx bench/intake-section.ts [other checkout…]    # this checkout is always 'this'
 *
 * Options (env): BENCH_DURATION_S (10), BENCH_ROUNDS (3), BENCH_CONNECTIONS (64),
 * BENCH_WEBHOOK_DOSSIERS (200: online dossiers the callbacks rate), SECTION_PATHS
 * (civil,land,callbacks). Each other checkout needs its node_modules in place.
 *
 * Besides req/s, the CPU each request costs the process that serves it (utime + stime from
 * /proc, main and worker threads) and Redis (INFO cpu), per 2xx answer: on a machine that other
 * work shares, req/s moves with the load, CPU per request much less.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { Redis } from 'ioredis'
import { cpus, tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { RedisServer } from '../support/redis-server.js'
import { makeClients } from '../support/clients-file.js'
import { startSimulator } from '../simulator/index.js'
import { fmt, load, spawnServer, intakeBodies, type LoadResult } from './load.js'
import { SECRET, signedRating } from './callbacks.js'

const DURATION = Number(process.env.BENCH_DURATION_S ?? 10)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64)
const DOSSIERS = Number(process.env.BENCH_WEBHOOK_DOSSIERS ?? 200)
const PATHS = (process.env.SECTION_PATHS ?? 'civil,land,callbacks').split(',')

type Target = Omit<Parameters<typeof load>[0], 'connections'>
type Run = LoadResult & { serverUs: number, redisUs: number }

/** CPU time of a process so far, in µs (Linux /proc; clock ticks of 10 ms). */
function cpuUs (pid: number | undefined): number {
  const f = readFileSync(`/proc/${pid ?? 0}/stat`, 'utf8')
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10_000
}
async function redisCpuUs (r: Redis): Promise<number> {
  const info = await r.info('cpu')
  const v = (k: string): number => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0)
  return (v('used_cpu_sys') + v('used_cpu_user')) * 1e6
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

async function main (): Promise<void> {
  const checkouts: Record<string, string> = { this: '.' }
  for (const c of process.argv.slice(2)) checkouts[basename(c)] = c
  const redis = await RedisServer.start({ appendfsync: 'everysec' })
  const dir = mkdtempSync(join(tmpdir(), 'lt-section-'))
  const { file, keys } = makeClients(dir)
  const routing = join(dir, 'routing.json')
  writeFileSync(routing, JSON.stringify({ routes: [{ procedure: '1.001193', system: 'civil-status' }] }))
  const env = { REDIS_URL: redis.url, CLIENTS_FILE: file, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', CALLBACK_RATE_LIMIT_MAX: '100000000', ROLE: 'api', PORTAL_URL: 'http://127.0.0.1:9', PORTAL_CALLBACK_SECRET: SECRET, ROUTING_FILE: routing }
  console.log(`# intake section — ${new Date().toISOString()}, ${cpus().length} CPUs, Node ${process.version}; ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} interleaved rounds; checkouts: ${Object.entries(checkouts).map(([k, v]) => `${k}=${v}`).join(', ')}\n`)
  const sim = await startSimulator({ callbackSecret: SECRET, recordBodies: false })
  let baseline: Awaited<ReturnType<typeof spawnServer>> | undefined
  const gws: Record<string, Awaited<ReturnType<typeof spawnServer>>> = {}
  try {
    baseline = await spawnServer('bench/baseline-server.ts', { REDIS_URL: redis.url, PORTAL_CALLBACK_SECRET: SECRET })
    for (const [name, path] of Object.entries(checkouts)) gws[name] = await spawnServer(join(path, 'src/server.ts'), { ...env, KEY_PREFIX: `sec-${name}`, QUEUE_PREFIX: `{sec-${name}-queue}` })
    const { civil, land } = intakeBodies()
    const targets: Record<string, Target> = {}
    if (PATHS.includes('civil')) targets.baseline = { url: `${baseline.url}/intake`, headers: { 'content-type': 'application/json' }, body: civil }
    if (PATHS.includes('land')) targets.xmlReference = { url: `${baseline.url}/intake-xml`, headers: { 'content-type': 'application/xml' }, body: land }
    if (PATHS.includes('callbacks')) targets.callbackBaseline = { url: `${baseline.url}/callback`, headers: {}, body: () => '', request: signedRating(['000.00.31.H42-000000-00000']) }
    for (const [name, gw] of Object.entries(gws)) {
      if (PATHS.includes('civil')) targets[`civil ${name}`] = { url: `${gw.url}/v1/inbound/civil-status`, headers: { 'content-type': 'application/json', 'x-api-key': keys['civil-status'] as string }, body: civil }
      if (PATHS.includes('land')) targets[`land ${name}`] = { url: `${gw.url}/v1/inbound/land`, headers: { 'content-type': 'application/xml', 'x-api-key': keys.land as string }, body: land }
      if (PATHS.includes('callbacks')) {
        // Procedure 2.000001 has no route: the dossiers stay unrouted and their events go nowhere.
        const codes: string[] = []
        for (let i = 0; i < DOSSIERS; i++) {
          const r = await sim.submitOnline({ url: `${gw.url}/v1/portal/callbacks`, agency: '000.00.31.H42', hoSo: { MaTTHC: '2.000001', MaXa: '18754' } })
          if (!r.callback.delivered) throw new Error(`HoSoMoi refused by ${name}: ${String(r.callback.finalStatus)}`)
          codes.push(r.maHoSo)
        }
        targets[`callbacks ${name}`] = { url: `${gw.url}/v1/portal/callbacks`, headers: {}, body: () => '', request: signedRating(codes) }
      }
    }
    const runs: Record<string, Run[]> = {}
    const r = new Redis(redis.url)
    const pidOf = (name: string): number | undefined => (name === 'baseline' || name === 'xmlReference' || name === 'callbackBaseline' ? baseline : gws[name.split(' ')[1] ?? ''])?.proc.pid
    const measured = async (name: string, t: Target): Promise<Run> => {
      const [s0, r0] = [cpuUs(pidOf(name)), await redisCpuUs(r)]
      const res = await load({ ...t, connections: CONNECTIONS, durationS: DURATION })
      const [s1, r1] = [cpuUs(pidOf(name)), await redisCpuUs(r)]
      return { ...res, serverUs: (s1 - s0) / Math.max(1, res.ok), redisUs: (r1 - r0) / Math.max(1, res.ok) }
    }
    for (const [name, t] of Object.entries(targets)) console.log(`warm-up ${name}: ${fmt(await load({ ...t, connections: CONNECTIONS, durationS: 2 }))}`)
    const names = Object.keys(targets)
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate the order, so that no target always runs after the same one.
      for (const name of round % 2 === 1 ? names : [...names].reverse()) {
        const m = await measured(name, targets[name] as Target)
        ;(runs[name] ??= []).push(m)
        console.log(`round ${round} ${name}: ${fmt(m)}; CPU per request: server ${m.serverUs.toFixed(0)} µs, Redis ${m.redisUs.toFixed(0)} µs`)
      }
    }
    const rps = (name: string): number => mean((runs[name] ?? []).map(r => r.rps))
    r.disconnect()
    const cpu = (name: string): { server: number, redis: number } => ({ server: mean((runs[name] ?? []).map(x => x.serverUs)), redis: mean((runs[name] ?? []).map(x => x.redisUs)) })
    console.log('\n| run | req/s (mean) | ratio | per round | p50 ms (mean) | p99 ms (worst round) | CPU µs/request: server + Redis | CPU ratio (base/this) |\n|---|---|---|---|---|---|---|---|')
    const line = (name: string, base: string): void => {
      const rs = runs[name] ?? []
      const bs = runs[base] ?? []
      const per = rs.map((r, i) => `${(r.rps / (bs[i]?.rps ?? NaN) * 100).toFixed(0)}%`).join(', ')
      const c = cpu(name)
      const cb = cpu(base)
      console.log(`| ${name} / ${base} | ${Math.round(rps(name))} | **${(rps(name) / rps(base) * 100).toFixed(0)}%** | ${per} | ${mean(rs.map(r => r.p50)).toFixed(1)} | ${Math.max(...rs.map(r => r.p99))} | ${c.server.toFixed(0)} + ${c.redis.toFixed(0)} | ${((cb.server + cb.redis) / (c.server + c.redis) * 100).toFixed(0)}% |`)
    }
    for (const name of names) {
      if (name.startsWith('civil ')) line(name, 'baseline')
      if (name.startsWith('land ')) { line(name, 'xmlReference'); line(name, 'baseline') }
      if (name.startsWith('callbacks ')) line(name, 'callbackBaseline')
      if (name === 'xmlReference') line(name, 'baseline')
    }
    for (const name of names) {
      const bad = (runs[name] ?? []).reduce((n, r) => n + r.non2xx + r.errors, 0)
      if (bad > 0) console.log(`${name}: ${bad} non-2xx or errors`)
    }
    console.log(`\npeak RSS: ${Object.entries(gws).map(([n, g]) => `${n} ${g.peakRssMb()} MB`).join(', ')}; baseline ${baseline.peakRssMb()} MB`)
  } finally {
    for (const gw of Object.values(gws)) await gw.stop()
    await baseline?.stop()
    await sim.close()
    await redis.close()
  }
}
await main()
