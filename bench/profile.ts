/**
 * `npm run bench -- --profile`: where the time of each hot path goes. Each path runs under load
 * with the process that does the work started under `node --cpu-prof`, so V8 writes a
 * `.cpuprofile` per thread (open it in Chrome DevTools' Performance tab or https://speedscope.app
 * for the flame graph). Beside each profile: summary.md, the self time of the load window by
 * category (bench/cpu-profile.ts) and per request, and Redis's own `INFO commandstats` over the
 * same window (commands and Redis-side µs per request: the round trips a CPU profile cannot show).
 *
 * Paths: civil-status JSON intake, land XML intake, delivery of a backlog into the simulator (the
 * worker process), signed portal callbacks. Artefacts in .data/profiles/<timestamp>/<path>/.
 * Options (env): BENCH_DURATION_S (10), BENCH_CONNECTIONS (64), BENCH_DELIVERY_N (3000),
 * BENCH_WEBHOOK_DOSSIERS (200).
 */
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Redis } from 'ioredis'
import { RedisServer } from '../support/redis-server.js'
import { makeClients } from '../support/clients-file.js'
import { waitFor } from '../support/wait.js'
import { startSimulator } from '../simulator/index.js'
import { fmt, load, spawnServer, intakeBodies } from './load.js'
import { SECRET, signedRating } from './callbacks.js'
import { formatSummary, summarise } from './cpu-profile.js'

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n)

type CommandStats = Map<string, { calls: number, usec: number }>
async function commandStats (r: Redis): Promise<CommandStats> {
  const out: CommandStats = new Map()
  for (const m of (await r.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) out.set(m[1] as string, { calls: Number(m[2]), usec: Number(m[3]) })
  return out
}
function commandTable (before: CommandStats, after: CommandStats, requests: number): string {
  const rows = [...after].map(([cmd, a]) => {
    const b = before.get(cmd) ?? { calls: 0, usec: 0 }
    return { cmd, calls: a.calls - b.calls, usec: a.usec - b.usec }
  }).filter(r => r.calls > 0 && r.cmd !== 'info').sort((x, y) => y.usec - x.usec)
  const lines = ['| Redis command | calls per request | Redis µs per request |', '|---|---|---|']
  for (const r of rows) lines.push(`| ${r.cmd} | ${(r.calls / requests).toFixed(2)} | ${(r.usec / requests).toFixed(1)} |`)
  // Commands a script runs are counted in their own rows too, and their time is inside the
  // script's (evalsha's) time: so no total. Round trips are the scripts plus the rest, pipelined or not.
  lines.push('', 'Commands run by a Lua script are counted in their own rows as well, and their time is part of the script\'s (evalsha) time.')
  return lines.join('\n')
}

/** Summarises every thread's profile in `dir` over `window` and writes summary.md there. */
function report (dir: string, title: string, requests: number, window: [number, number], redisTable: string): string {
  writeFileSync(join(dir, 'window.json'), JSON.stringify({ window, requests }))
  const files = readdirSync(dir).filter(f => f.endsWith('.cpuprofile')).sort()
  const parts = [`# ${title}`, '', `${requests} requests in the window (${((window[1] - window[0]) / 1e6).toFixed(1)} s)`, '']
  for (const f of files) {
    // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: thread 0 is the main thread.
    const thread = f.split('.')[4] === '0' ? 'main thread' : `worker thread ${f.split('.')[4] ?? '?'}`
    const s = summarise(join(dir, f), window)
    if (s.totalMs === 0) continue
    parts.push(`## ${thread} (${f})`, '', formatSummary(s, requests), '')
  }
  parts.push('## Redis over the same window (INFO commandstats)', '', redisTable, '')
  const text = parts.join('\n')
  writeFileSync(join(dir, 'summary.md'), text)
  return text
}

export async function runProfiles (o: { durationS: number, connections: number, deliveryN: number, dossiers: number }): Promise<void> {
  const root = resolve('.data', 'profiles', new Date().toISOString().replace(/[:.]/g, '-'))
  const prof = (name: string): string[] => { const d = join(root, name); mkdirSync(d, { recursive: true }); return ['--cpu-prof', `--cpu-prof-dir=${d}`] }
  const redis = await RedisServer.start({ appendfsync: 'everysec' })
  const r = new Redis(redis.url)
  const dir = mkdtempSync(join(tmpdir(), 'lt-prof-'))
  const routing = join(dir, 'routing.json')
  writeFileSync(routing, JSON.stringify({ routes: [{ procedure: '1.001193', system: 'civil-status' }] }))
  const { file, keys } = makeClients(dir)
  const env = { REDIS_URL: redis.url, CLIENTS_FILE: file, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', CALLBACK_RATE_LIMIT_MAX: '100000000', ROLE: 'api', PORTAL_URL: 'http://127.0.0.1:9', PORTAL_CALLBACK_SECRET: SECRET, ROUTING_FILE: routing }
  const { civil: civilBody, land: landBody } = intakeBodies()
  console.log(`# profiles of the hot paths (node --cpu-prof), ${o.connections} connections, ${o.durationS} s each, into ${root}\n`)

  /** Load against a profiled process: warm-up, then the measured window. */
  const window = async (name: string, title: string, t: Parameters<typeof load>[0], proc: Awaited<ReturnType<typeof spawnServer>>): Promise<void> => {
    console.log(`warm-up ${name}: ${fmt(await load({ ...t, durationS: 2 }))}`)
    const before = await commandStats(r)
    const start = nowUs()
    const res = await load({ ...t, durationS: o.durationS })
    const end = nowUs()
    const after = await commandStats(r)
    await proc.stop()
    console.log(`${name}: ${fmt(res)}`)
    console.log(report(join(root, name), title, res.ok, [start, end], commandTable(before, after, res.ok)))
  }

  try {
    for (const [name, title, t] of [
      ['civil-intake', 'civil-status JSON intake (POST /v1/inbound/civil-status)', { path: '/v1/inbound/civil-status', type: 'application/json', key: keys['civil-status'] as string, body: civilBody }],
      ['land-intake', 'land XML intake (POST /v1/inbound/land)', { path: '/v1/inbound/land', type: 'application/xml', key: keys.land as string, body: landBody }]
    ] as const) {
      const gw = await spawnServer('src/server.ts', { ...env, KEY_PREFIX: name, QUEUE_PREFIX: `{${name}-queue}` }, prof(name))
      await window(name, title, { url: `${gw.url}${t.path}`, headers: { 'content-type': t.type, 'x-api-key': t.key }, body: t.body, connections: o.connections }, gw)
    }

    // Delivery: a backlog taken in without profiling, then drained by a profiled worker (batch 50).
    const sim = await startSimulator({ callbackSecret: SECRET, recordBodies: false, maxRecorded: 500_000 })
    const prefix = { KEY_PREFIX: 'delivery', QUEUE_PREFIX: '{delivery-queue}' }
    const api = await spawnServer('src/server.ts', { ...env, ...prefix })
    const taken = await load({
      url: `${api.url}/v1/inbound/civil-status`,
      headers: { 'content-type': 'application/json', 'x-api-key': keys['civil-status'] as string },
      body: intakeBodies({ agencies: 20, civilId: n => `HT-PD-${n}` }).civil,
      connections: o.connections,
      amount: o.deliveryN
    })
    await api.stop()
    const worker = await spawnServer('src/server.ts', { ...env, ...prefix, ROLE: 'worker', PORTAL_URL: sim.url, DELIVERY_BATCH_SIZE: '50' }, prof('delivery'))
    // The window opens at the worker's first create on the portal: its start-up (module loading,
    // script loading, login) is not the delivery path.
    await waitFor(() => sim.state.counts().creates > 0, { timeoutMs: 60_000, intervalMs: 5, what: 'the first create' })
    const before = await commandStats(r)
    const start = nowUs()
    const first = sim.state.counts().creates
    await waitFor(() => sim.state.counts().creates >= taken.ok, { timeoutMs: 600_000, intervalMs: 20, what: 'the backlog on the portal' })
    const end = nowUs()
    const after = await commandStats(r)
    await worker.stop()
    const n = taken.ok - first
    console.log(`delivery: ${n} dossiers delivered in the window of ${((end - start) / 1e6).toFixed(2)} s = ${Math.round(n / ((end - start) / 1e6))}/s (after the first create)`)
    console.log(report(join(root, 'delivery'), `delivery of a ${taken.ok}-dossier backlog into the simulator (one worker, batch 50), from the first create on`, n, [start, end], commandTable(before, after, n)))

    // Signed callbacks: DanhGia events on online dossiers whose procedure has no route.
    const cb = await spawnServer('src/server.ts', { ...env, KEY_PREFIX: 'callbacks', QUEUE_PREFIX: '{callbacks-queue}' }, prof('callbacks'))
    const codes: string[] = []
    for (let n = 0; n < o.dossiers; n++) {
      const s = await sim.submitOnline({ url: `${cb.url}/v1/portal/callbacks`, agency: '000.00.31.H42', hoSo: { MaTTHC: '2.000001', MaXa: '18754' } })
      if (!s.callback.delivered) throw new Error(`HoSoMoi refused: ${String(s.callback.finalStatus)}`)
      codes.push(s.maHoSo)
    }
    await window('callbacks', 'signed portal callbacks (POST /v1/portal/callbacks, DanhGia)', { url: `${cb.url}/v1/portal/callbacks`, headers: {}, body: () => '', request: signedRating(codes), connections: o.connections }, cb)
    await sim.close()
  } finally {
    r.disconnect()
    await redis.close()
  }
  const sizes = readdirSync(root).map(d => `${d}: ${readdirSync(join(root, d)).map(f => `${f} (${Math.round(statSync(join(root, d, f)).size / 1024)} KiB)`).join(', ')}`)
  console.log(`\nprofiles written to ${root}\n${sizes.join('\n')}\nopen a .cpuprofile in Chrome DevTools (Performance) or https://speedscope.app for the flame graph`)
}
