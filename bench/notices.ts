/**
 * Notices per second from ONE worker process to the simulator's ZNS provider (issue 20: goal
 * ≥ 1,000/s with no refresh storm). N civil-status dossiers with the sample's phone are taken in
 * by an API process (each owes a `received` notice, over 20 agencies); the portal delivery queue
 * is paused so that the worker does only notices; the simulator expires every access token, so
 * the worker's first sends all meet `-124` at once; then one worker (`ROLE=worker`,
 * NOTICE_CONCURRENCY) drains them. Measured: from the first ZNS message the provider took to the
 * moment the last notice is saved `sent` (no notice left in any agency's queue), start-up
 * excluded; the provider's token refreshes over the run (≤ 1 expected); the worker's CPU time
 * per notice. Same-run reference: the same number of sends POSTed straight to the simulator
 * (autocannon, as many connections as the worker's concurrency).
 * BENCH_NOTICES_PROFILE=<dir>: the worker runs under `node --cpu-prof` into <dir>, and the self
 * time of the drain window is summarised per notice (bench/cpu-profile.ts), as bench/profile.ts does.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { Queue } from 'bullmq'
import { makeClients } from '../support/clients-file.js'
import { waitFor } from '../support/wait.js'
import { startSimulator, noticeProviderEnv } from '../simulator/index.js'
import { DELIVERY_QUEUE } from '../src/queue/jobs.js'
import { fmt, load, spawnServer, intakeBodies } from './load.js'
import { formatSummary, summarise } from './cpu-profile.js'

const PREFIX = 'bench-notices'
const QUEUE_PREFIX = '{bench-notices-queue}'
const AGENCIES = 20
const nowUs = (): number => Number(process.hrtime.bigint() / 1000n)

/** utime + stime of a process, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs (pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid ?? 0}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(f[11]) + Number(f[12])) * 10
  } catch { return NaN }
}

/** The sample notices file for the bench's agencies: `received` only, ZNS then SMS, no quiet hours. */
function noticesFile (dir: string): string {
  const sample = JSON.parse(readFileSync('config/notices.sample.json', 'utf8')) as { agencies: Array<Record<string, unknown>> }
  const a0 = sample.agencies[0] ?? {}
  const agencies = Array.from({ length: AGENCIES }, (_, i) => ({ ...a0, agency: `000.00.${10 + i}.H42`, kinds: ['received'], channels: ['zns', 'sms'], quietHours: { start: '00:00', end: '00:00' } }))
  const file = join(dir, 'notices.json')
  writeFileSync(file, JSON.stringify({ ...sample, agencies }))
  return file
}

/** Redis calls per command (INFO commandstats): a script's own commands have rows of their own too. */
async function commandCalls (r: Redis): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for (const m of (await r.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1] as string, Number(m[2]))
  return out
}

export interface NoticesBenchResult { n: number, seconds: number, perSecond: number, refreshes: number, directPerSecond: number }

export async function benchNotices (redisUrl: string, o: { n: number, concurrency: number, connections: number }): Promise<NoticesBenchResult> {
  console.log(`\n## notices from one worker process to the simulator's ZNS (${o.n} notices, NOTICE_CONCURRENCY ${o.concurrency}; bench/notices.ts)`)
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-notices-'))
  const { file, keys } = makeClients(dir)
  const sim = await startSimulator({ recordBodies: false, maxRecorded: 500_000, notices: { zns: { dailyQuota: 100_000_000 }, sms: { balance: 100_000_000 } } })
  const redis = new Redis(redisUrl)
  const env = {
    REDIS_URL: redisUrl,
    CLIENTS_FILE: file,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '100000000',
    KEY_PREFIX: PREFIX,
    QUEUE_PREFIX,
    PORTAL_URL: sim.url,
    NOTICES_FILE: noticesFile(dir),
    NOTICES_SECRET: 'bench-notices-secret-0123456789abcdef',
    // SMS reports would come here; ZNS takes every notice in this run.
    NOTICES_PUBLIC_URL: 'http://127.0.0.1:9',
    ...noticeProviderEnv(sim.url)
  }
  try {
    const api = await spawnServer('src/server.ts', { ...env, ROLE: 'api' })
    const auth = await fetch(`${api.url}/v1/notices/zns/authorise`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': keys.admin }, body: JSON.stringify(sim.zns.authorise()) })
    if (auth.status !== 200) throw new Error(`ZNS authorise: ${auth.status} ${await auth.text()}`)
    const t0 = Date.now()
    const taken = await load({
      url: `${api.url}/v1/inbound/civil-status`,
      headers: { 'content-type': 'application/json', 'x-api-key': keys['civil-status'] as string },
      body: intakeBodies({ agencies: AGENCIES, civilId: n => `HT-N-${n}` }).civil,
      connections: o.connections,
      amount: o.n
    })
    console.log(`intake of ${o.n} dossiers (each owes a notice): ${fmt(taken)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    await api.stop()
    const queues: string[] = []
    let cursor = '0'
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${PREFIX}:*:ntq`, 'COUNT', 1000)
      queues.push(...found)
      cursor = next
    } while (cursor !== '0')
    const waiting = async (): Promise<number> => (await Promise.all(queues.map(async k => await redis.zcard(k)))).reduce((a, b) => a + b, 0)
    const owed = await waiting()
    // The worker does notices only: the portal's backlog of the same dossiers waits.
    const connection = redis.duplicate({ maxRetriesPerRequest: null })
    const delivery = new Queue(DELIVERY_QUEUE, { connection, prefix: QUEUE_PREFIX })
    await delivery.pause()
    await delivery.close()
    connection.disconnect()
    sim.zns.expireTokens()
    const refreshes = sim.zns.refreshes
    const refused = sim.zns.refreshRefused
    const profDir = process.env.BENCH_NOTICES_PROFILE
    if (profDir !== undefined) mkdirSync(profDir, { recursive: true })
    const worker = await spawnServer('src/server.ts', { ...env, ROLE: 'worker', NOTICE_CONCURRENCY: String(o.concurrency) }, profDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`])
    const cpu0 = cpuMs(worker.proc.pid)
    await waitFor(async () => sim.zns.sent.length > 0, { timeoutMs: 60_000, intervalMs: 5, what: 'the first ZNS message' })
    const startUs = nowUs()
    const calls0 = await commandCalls(redis)
    await waitFor(async () => await waiting() === 0, { timeoutMs: 600_000, intervalMs: 20, what: 'every notice saved' })
    const end = Date.now()
    const endUs = nowUs()
    const calls1 = await commandCalls(redis)
    const cpu = cpuMs(worker.proc.pid) - cpu0
    const rss = worker.peakRssMb()
    await worker.stop()
    const first = sim.zns.sent[0]?.at ?? end
    const seconds = (end - first) / 1000
    const sent = sim.zns.sent.length
    const perSecond = owed / seconds
    const tracking = new Set(sim.zns.sent.map(s => s.trackingId)).size
    const stats = await redis.keys(`${PREFIX}:*:nts:*`)
    let savedSent = 0
    for (const k of stats) savedSent += Number(await redis.hget(k, 'zns|sent') ?? 0)
    const madeRefreshes = sim.zns.refreshes - refreshes
    console.log(`notices: ${owed} owed; ${sent} ZNS messages (${tracking} distinct notices), ${savedSent} saved sent, in ${seconds.toFixed(2)} s = **${Math.round(perSecond)} notices/s** (from the first ZNS message to the last notice saved; goal ≥ 1,000/s)`)
    console.log(`token refreshes during the run: ${madeRefreshes} (refused ${sim.zns.refreshRefused - refused}); every access token expired before the worker started`)
    const perNotice = [...calls1].map(([c, n]) => [c, (n - (calls0.get(c) ?? 0)) / owed] as const).filter(([c, n]) => n >= 0.05 && c !== 'info' && c !== 'zcard').sort((a, b) => b[1] - a[1])
    console.log(`Redis commands per notice over the window (the bench's own ZCARD polls left out; commands run inside a script counted again in their own rows): ${perNotice.map(([c, n]) => `${c} ${n.toFixed(2)}`).join(', ')}`)
    if (profDir !== undefined) {
      for (const f of readdirSync(profDir).filter(x => x.endsWith('.cpuprofile') && x.includes(`.${worker.proc.pid ?? 0}.`))) {
        console.log(`\n### worker profile ${join(profDir, f)}, from the first ZNS message on\n\n${formatSummary(summarise(join(profDir, f), [startUs, endUs]), owed)}\n`)
      }
    }
    console.log(`worker CPU: ${Number.isNaN(cpu) ? '?' : `${(cpu / owed * 1000).toFixed(0)} µs per notice (${(cpu / 1000 / seconds * 100).toFixed(0)}% of one core over the window)`}; peak RSS ${rss} MB`)

    // Reference: the provider alone, the same sends POSTed straight at it.
    const token = sim.zns.authorise().accessToken
    let i = 0
    const direct = await load({
      url: `${sim.url}/zns/message/template`,
      headers: { 'content-type': 'application/json', access_token: token },
      body: () => JSON.stringify({ phone: '84912000111', template_id: '310001', template_data: { ma_ho_so: '000.00.10.H42-261208-00001', ten_thu_tuc: 'Đăng ký khai sinh', ngay_hen_tra: '08/12/2026' }, tracking_id: `direct-${++i}` }),
      connections: o.concurrency,
      amount: o.n
    })
    console.log(`reference, ${o.n} sends POSTed straight to the simulator (${o.concurrency} connections): ${fmt(direct)}`)
    console.log(`one worker against the provider alone: ${(perSecond / direct.rps * 100).toFixed(0)}%`)
    return { n: owed, seconds, perSecond, refreshes: madeRefreshes, directPerSecond: direct.rps }
  } finally {
    redis.disconnect()
    await sim.close()
  }
}
