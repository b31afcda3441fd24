/**
 * A gateway with something for the admin page to show, for its browser tests and the screenshot
 * script: Redis, the portal simulator, a sector stub, the gateway in process, an operator and a
 * viewer key, and helpers that make failed, held, unrouted and hostile dossiers the way they
 * happen in production (a portal that refuses, a split commune, an online dossier nobody takes).
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { loadConfig, type Config } from '../src/config.js'
import { listenInProcess } from './in-process-gateway.js'
import { RedisServer } from './redis-server.js'
import { makeClients, newKey, newWebhookSecret } from './clients-file.js'
import { civilStatus, post } from './samples.js'
import { waitFor } from './wait.js'
import { startSimulator, startSectorStub, type RunningSimulator, type SectorStub } from '../simulator/index.js'

export const CALLBACK_SECRET = 'lienthong-callback-dev'
export const SECTOR_AGENCY = '000.00.31.H42'

export interface WebScenario {
  redis: RedisServer
  sim: RunningSimulator
  stub: SectorStub
  app: FastifyInstance
  url: string
  /** The validated config the gateway runs with: a second gateway on the same Redis builds from it. */
  config: Config
  clientsFile: string
  keys: { operator: string, viewer: string, civil: string, land: string }
  logs: () => string
  close: () => Promise<void>
}

/** `env` over the scenario's own; a function when it needs the simulator (its URL); a `PORT` in it is the port listened on. */
export async function startWebScenario (envOf: Record<string, string> | ((sim: RunningSimulator) => Record<string, string>) = {}): Promise<WebScenario> {
  const redis = await RedisServer.start()
  const sim = await startSimulator()
  const env = typeof envOf === 'function' ? envOf(sim) : envOf
  const secret = newWebhookSecret()
  const stub = await startSectorStub({ secret })
  const dir = mkdtempSync(join(tmpdir(), 'lt-web-'))
  const viewer = newKey()
  const civil = newKey()
  const { file, keys } = makeClients(dir, {
    extra: [
      { id: 'xem-hatinh', key: viewer, role: 'viewer' },
      { id: 'hotich-songtri', key: civil, system: 'civil-status', agencies: [SECTOR_AGENCY], webhook: { url: stub.url, secret } }
    ]
  })
  const config = loadConfig({
    REDIS_URL: redis.url,
    PORTAL_URL: sim.url,
    CLIENTS_FILE: file,
    LOG_LEVEL: 'info',
    DELIVERY_BACKOFF_BASE_MS: '50',
    DELIVERY_BACKOFF_MAX_MS: '500',
    BREAKER_COOLDOWN_MS: '100',
    BREAKER_MAX_COOLDOWN_MS: '500',
    PORTAL_TIMEOUT_MS: '2000',
    PORTAL_CALLBACK_SECRET: CALLBACK_SECRET,
    WEBHOOK_RETRY_SCHEDULE_MS: '100',
    ...env
  })
  const gw = await listenInProcess(config, dir, env.PORT === undefined ? 0 : Number(env.PORT))
  const { app, url } = gw
  return {
    redis,
    sim,
    stub,
    app,
    url,
    config,
    clientsFile: file,
    keys: { operator: keys.admin, viewer, civil, land: keys.land as string },
    logs: gw.logs,
    close: async () => {
      await gw.close()
      await stub.close()
      await sim.close()
      await redis.close()
    }
  }
}

async function syncState (s: WebScenario, code: string): Promise<string | undefined> {
  const r = await fetch(`${s.url}/v1/dossiers/${encodeURIComponent(code)}`, { headers: { 'x-api-key': s.keys.operator } })
  return r.status === 200 ? ((await r.json()) as { sync: { state: string } }).sync.state : undefined
}

/** Waits until none of `codes` waits for the portal any more. */
export async function settled (s: WebScenario, codes: string[]): Promise<void> {
  for (const c of codes) await waitFor(async () => await syncState(s, c) !== 'pending', { what: `${c} settled` })
}

/**
 * `n` civil-status dossiers the portal refuses (-1 with `message`), each failed alone; their
 * receipt numbers start with `prefix`. Returns their codes.
 */
export async function seedFailed (s: WebScenario, n: number, prefix: string, opts: { message?: string, overrides?: (i: number) => Record<string, unknown> } = {}): Promise<string[]> {
  // One at a time, each failed before the next: a batch refused whole is split and would use more refusals.
  s.sim.setFaults({ script: Array.from({ length: 4 * n }, () => ({ kind: 'error' as const, code: '-1', message: opts.message ?? 'MaXa không hợp lệ', service: 'DongBoHoSoMC' })) })
  const codes: string[] = []
  for (let i = 0; i < n; i++) {
    const r = await post(s.url, s.keys.civil, 'civil-status', civilStatus(`${prefix}${i}`, opts.overrides?.(i) ?? {}))
    if (r.status !== 202) throw new Error(`seed ${prefix}${i}: ${r.text}`)
    const code = r.json.maHoSo as string
    await waitFor(async () => await syncState(s, code) === 'failed', { what: `${code} failed` })
    codes.push(code)
  }
  s.sim.setFaults({}, { replace: true })
  return codes
}

/** A land dossier of an old commune split between three new ones: held as needs-review. */
export async function seedReview (s: WebScenario): Promise<string> {
  const xml = readFileSync(new URL('../fixtures/land/split-commune-review.input.xml', import.meta.url), 'utf8')
  const r = await post(s.url, s.keys.land, 'land', xml, 'application/xml')
  if (r.status !== 202 || r.json.state !== 'needs-review') throw new Error(`seed review: ${r.text}`)
  return r.json.maHoSo as string
}

/** An online dossier (HoSoMoi) that no routing file sends anywhere: unrouted. */
export async function seedUnrouted (s: WebScenario): Promise<string> {
  const sub = await s.sim.submitOnline({ url: `${s.url}/v1/portal/callbacks`, agency: SECTOR_AGENCY, hoSo: { MaTTHC: '1.001193', TenTTHC: 'Đăng ký khai sinh', MaXa: '18754' } })
  await waitFor(async () => await syncState(s, sub.maHoSo) === 'unrouted', { what: 'the online dossier unrouted' })
  return sub.maHoSo
}

/** Markup and script in the places an officer reads: names, summary, a document's address, the portal's reply. */
export const HOSTILE = {
  script: '<script>alert("xss-script")</script>',
  attribute: '"><img src=x onerror=alert("xss-img")>',
  url: 'javascript:alert("xss-url")'
}

export async function seedHostile (s: WebScenario): Promise<string> {
  const [code] = await seedFailed(s, 1, 'XSS-', {
    message: `${HOSTILE.attribute} ${HOSTILE.script}`,
    overrides: () => {
      const doc = civilStatus('XSS-0')
      const requester = doc.nguoiYeuCau as Record<string, unknown>
      const body = doc.noiDung as { treEm: Record<string, unknown> }
      return {
        coQuanDangKy: { ...(doc.coQuanDangKy as object), ten: `UBND ${HOSTILE.script}` },
        nguoiYeuCau: { ...requester, hoTen: `Trần ${HOSTILE.attribute}` },
        noiDung: { ...body, treEm: { ...body.treEm, noiSinh: { ten: HOSTILE.script, maXa: '18073' } } },
        tepDinhKem: [{ ma: 'GCS', ten: `${HOSTILE.attribute}.jpg`, mime: 'image/jpeg', kichThuoc: 1, url: HOSTILE.url }]
      }
    }
  })
  if (code === undefined) throw new Error('seed hostile')
  return code
}
