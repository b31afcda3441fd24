/**
 * The demo: a local Redis (AOF under ./.data) or REDIS_URL, the portal simulator, the gateway
 * (src/server.ts, as in production), the three contract samples posted once each, and what the
 * portal received, the online round trip, and one late dossier's notices to its applicant
 * (scripts/demo-notices.ts). Then, unless `--once`, it leaves everything running with a failed dossier and
 * one held for review, prints the admin page's address and an operator key, and stops on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Redis } from 'ioredis'
import { startSimulator, startSectorStub } from '../simulator/index.js'
import { onlineRoundTrip } from './demo-online.js'
import { datedToday } from './demo-dates.js'
import { authoriseZns, noticesEnv, noticesRoundTrip } from './demo-notices.js'
import { hashKey } from '../src/http/plugins/clients.js'
import { freePort } from '../support/redis-server.js'
import { waitFor } from '../support/wait.js'

const DATA = '.data'
const children: ChildProcess[] = []
const ONCE = process.argv.includes('--once')

/** Polls until `cond` holds; a rejection (a server not up yet) counts as not yet. */
async function until (what: string, cond: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => await cond().catch(() => false), { what, timeoutMs, intervalMs: 100 })
}

async function redisUrl (): Promise<string> {
  if (process.env.REDIS_URL !== undefined) return process.env.REDIS_URL
  const dir = `${DATA}/redis`
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const port = await freePort()
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' })
  children.push(p)
  const url = `redis://127.0.0.1:${port}`
  await until('redis-server', async () => {
    const c = new Redis(url, { lazyConnect: true, retryStrategy: () => null })
    c.on('error', () => {})
    try { await c.connect(); return await c.ping() === 'PONG' } finally { c.disconnect() }
  })
  console.log(`• redis-server on ${url}, AOF in ${dir}`)
  return url
}

async function clearDemoKeys (url: string): Promise<void> {
  const c = new Redis(url)
  for (const pattern of ['lt-demo:*', '{lt-demo-queue}*']) {
    let cursor = '0'
    do {
      const [next, keys] = await c.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
      if (keys.length > 0) await c.del(...keys)
      cursor = next
    } while (cursor !== '0')
  }
  c.disconnect()
}

/** Each sector key is bound to its sample's agency (a whole province would be `*.H42`). */
const DEMO_AGENCIES: Record<string, string[]> = {
  'civil-status': ['000.00.31.H42'],
  land: ['000.00.12.H42'],
  'social-insurance': ['000.00.45.H42']
}

/** The civil-status system receives webhooks (online dossiers and portal events) at the stub. */
function demoClients (webhook: { url: string, secret: string }): { file: string, keys: Record<string, string> } {
  const keys: Record<string, string> = {}
  const clients = []
  for (const system of ['civil-status', 'land', 'social-insurance', 'admin', 'viewer']) {
    keys[system] = randomBytes(32).toString('base64url')
    const keySha256 = hashKey(keys[system]).toString('hex')
    clients.push(system === 'admin' || system === 'viewer'
      ? { id: `demo-${system}`, role: system === 'admin' ? 'operator' : 'viewer', keySha256 }
      : { id: `demo-${system}`, system, agencies: DEMO_AGENCIES[system], keySha256, ...(system === 'civil-status' ? { webhook } : {}) })
  }
  mkdirSync(DATA, { recursive: true })
  const file = `${DATA}/demo-clients.json`
  writeFileSync(file, JSON.stringify({ clients }, null, 2))
  return { file, keys }
}

async function post (base: string, key: string, system: string, body: string, type: string): Promise<{ status: number, body: string }> {
  const r = await fetch(`${base}/v1/inbound/${system}`, { method: 'POST', headers: { 'content-type': type, 'x-api-key': key }, body })
  return { status: r.status, body: await r.text() }
}

async function main (): Promise<void> {
  const url = await redisUrl()
  await clearDemoKeys(url)
  const sim = await startSimulator({ port: Number(process.env.SIMULATOR_PORT ?? 0) })
  console.log(`• portal simulator on ${sim.url}`)
  const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`
  const stub = await startSectorStub({ secret: webhookSecret })
  console.log(`• sector-system stub (civil-status) receiving webhooks on ${stub.url}`)
  const { file, keys } = demoClients({ url: stub.url, secret: webhookSecret })
  const routing = `${DATA}/demo-routing.json`
  writeFileSync(routing, JSON.stringify({ routes: [{ procedure: '1.001193', system: 'civil-status' }, { procedure: '1.004227*', system: 'land' }] }, null, 2))
  const port = process.env.PORT !== undefined && process.env.PORT !== '' ? Number(process.env.PORT) : await freePort()
  // The gateway's JSON log goes to a file: the narrative below stays readable.
  const logFile = `${DATA}/demo-gateway.log`
  const log = openSync(logFile, 'w')
  const base = `http://127.0.0.1:${port}`
  const notices = noticesEnv(DATA, base, sim.url)
  const gw = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, REDIS_URL: url, PORTAL_URL: sim.url, PORTAL_PASSWORD: 'lienthong-dev', CLIENTS_FILE: file, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', KEY_PREFIX: 'lt-demo', QUEUE_PREFIX: '{lt-demo-queue}', PORTAL_CALLBACK_SECRET: 'lienthong-callback-dev', ROUTING_FILE: routing, ...notices.env },
    stdio: ['ignore', log, log]
  })
  children.push(gw)
  await until('the gateway', async () => (await fetch(`${base}/health/ready`)).status === 200)
  console.log(`• gateway on ${base} (API and delivery workers in one process), its log in ${logFile}`)
  // Before any dossier: a notice meeting ZNS with no token stored would hold the channel.
  await authoriseZns(base, sim, keys.admin as string)
  console.log('')

  // Dated today (Vietnam): the overview counts them as today's.
  const sample = (f: string): string => datedToday(readFileSync(`fixtures/samples/${f}`, 'utf8'))
  const civil = sample('civil-status.json')
  const sends: Array<[string, string, string, string]> = [
    ['civil-status', civil, 'application/json', 'civil-status sample'],
    ['land', sample('land-registration.xml'), 'application/xml', 'land sample (XML)'],
    ['social-insurance', sample('social-insurance.xml'), 'text/xml', 'social-insurance sample (SOAP)'],
    ['civil-status', civil, 'application/json', 'civil-status sample again (a resend)'],
    ['civil-status', civil.replace('"TIEP_NHAN"', '"DANG_XU_LY"'), 'application/json', 'civil-status, now being processed'],
    ['civil-status', civil.replace('042090004321', '04209000432'), 'application/json', 'civil-status with a mistyped citizen ID'],
    ['civil-status', civil.replace('000.00.31.H42', '000.00.12.H42'), 'application/json', 'civil-status for an agency its key is not bound to']
  ]
  const codes = new Set<string>()
  for (const [system, body, type, what] of sends) {
    const r = await post(base, keys[system] as string, system, body, type)
    const m = /"maHoSo":"([^"]+)"|<[\w:]*MaHoSo>([^<]+)</.exec(r.body)
    const code = m?.[1] ?? m?.[2]
    // 202 for JSON senders, 200 for SOAP ones (a SOAP success envelope).
    if ((r.status === 202 || r.status === 200) && code !== undefined) codes.add(code)
    console.log(`POST /v1/inbound/${system}  ${what}\n  → ${r.status} ${r.body.length > 400 ? r.body.slice(0, 400) + '…' : r.body}\n`)
  }

  const states = async (): Promise<string[]> => await Promise.all([...codes].map(async c => {
    const r = await fetch(`${base}/v1/dossiers/${c}`, { headers: { 'x-api-key': keys.admin as string } })
    return ((await r.json()) as { sync: { state: string } }).sync.state
  }))
  await until('delivery to the portal', async () => (await states()).every(s => s !== 'pending'))

  console.log('What the portal received:')
  for (const r of sim.state.received({ path: '/service' })) {
    console.log(`  ${r.service}${r.isUpdating === undefined ? '' : ` isUpdating=${r.isUpdating}`} madonvi=${r.madonvi ?? ''} [${r.maHoSo.join(', ')}] → error_code ${r.errorCode ?? '-'}`)
  }
  console.log('\nDossiers on the portal:')
  for (const d of sim.state.dossiers()) {
    console.log(`  ${d.maHoSo}  ${String(d.hoSo.MaTTHC)} ${String(d.hoSo.TenTTHC ?? '')}  commune ${String(d.hoSo.MaXa)}  status ${d.currentStatus}  creates=${d.creates} updates=${d.updates} steps=${d.stepsAccepted}`)
  }
  const first = [...codes][0]
  if (first !== undefined) {
    const look = await (await fetch(`${base}/v1/dossiers/${first}`, { headers: { 'x-api-key': keys.admin as string } })).json() as { sync: unknown, attempts: unknown[] }
    console.log(`\nGET /v1/dossiers/${first} (sync state and attempts):\n${JSON.stringify({ sync: look.sync, attempts: look.attempts }, null, 2)}`)
  }
  await onlineRoundTrip({ base, sim, stub, sectorKey: keys['civil-status'] as string, adminKey: keys.admin as string })
  await noticesRoundTrip({ base, sim, sectorKey: keys['civil-status'] as string, adminKey: keys.admin as string, secret: notices.secret, dataDir: DATA })
  if (!ONCE) {
    await forThePage(base, sim, keys, sample)
    console.log(`\n— The admin page —\n\n  ${base}/admin\n  operator key: ${keys.admin as string}\n  viewer key:   ${keys.viewer as string}`)
    console.log(`\n— Your own dossier —\n\n${tryIt(base, keys['civil-status'] as string, sample('civil-status.json'))}`)
    console.log('\nGateway, simulator and page keep running: Ctrl-C stops them.')
    await new Promise<void>(resolve => {
      process.once('SIGINT', () => { interrupted = true; resolve() })
      process.once('SIGTERM', () => { resolve() })
    })
    console.log('\nstopping…')
  }
  await stub.close()
  await sim.close()
  if (ONCE) console.log(`\nDemo done: ${codes.size} dossiers taken in and the online round trip made; everything is stopped (gateway log: ${logFile}). \`npm run demo\` keeps it running, with the admin page.`)
}

/**
 * A civil-status dossier of the sector's own (a receipt number of its own, dated today), written
 * to a file, and the `curl` that posts it with the civil-status key, ready to paste.
 */
export function tryIt (base: string, sectorKey: string, civil: string): string {
  const file = `${DATA}/demo-my-dossier.json`
  writeFileSync(file, civil.replace('HT-18754-2025-000077', 'HT-18754-2025-000100'))
  return `  civil-status key (agency 000.00.31.H42): ${sectorKey}\n\n` +
    `  curl -sS -X POST ${base}/v1/inbound/civil-status -H 'content-type: application/json' -H 'x-api-key: ${sectorKey}' --data @${file}\n\n` +
    `  (from this folder; then GET ${base}/v1/dossiers/<maHoSo> with the same key, or find it on the page)`
}

/** Something for the page to show: a dossier the portal refuses, and one held for a split commune. */
async function forThePage (base: string, sim: Awaited<ReturnType<typeof startSimulator>>, keys: Record<string, string>, sample: (f: string) => string): Promise<void> {
  sim.setFaults({ script: [{ kind: 'error', code: '-1', message: 'MaXa không hợp lệ', service: 'DongBoHoSoMC' }] })
  const refused = sample('civil-status.json').replace('HT-18754-2025-000077', 'HT-18754-2025-000078')
  const r = await post(base, keys['civil-status'] as string, 'civil-status', refused, 'application/json')
  const code = (JSON.parse(r.body) as { maHoSo?: string }).maHoSo ?? ''
  await until('the refused dossier to fail', async () => {
    const v = await (await fetch(`${base}/v1/dossiers/${code}`, { headers: { 'x-api-key': keys.admin as string } })).json() as { sync: { state: string } }
    return v.sync.state === 'failed'
  })
  sim.setFaults({}, { replace: true })
  await post(base, keys.land as string, 'land', datedToday(readFileSync('fixtures/land/split-commune-review.input.xml', 'utf8')), 'application/xml')
  console.log(`\n• for the admin page: ${code} refused by the portal (failed), and a land dossier of a split commune (needs review)`)
}

/** Ctrl-C reached the gateway and Redis too (one process group): they are stopping already. */
let interrupted = false

async function stop (): Promise<void> {
  for (const c of children.reverse()) {
    if (c.exitCode !== null || c.signalCode !== null) continue
    const exited = new Promise<void>(resolve => c.once('exit', () => { resolve() }))
    if (!interrupted) c.kill('SIGTERM')
    const timer = setTimeout(() => { c.kill('SIGKILL') }, 15_000)
    await exited
    clearTimeout(timer)
  }
}

try {
  await main()
} finally {
  await stop()
}
