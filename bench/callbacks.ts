/**
 * Benchmarks of the portal → gateway → sector direction, each against a same-run baseline:
 *  - signed callbacks taken in per second (gateway vs a bare Fastify route that checks the
 *    HMAC, parses, and records the event id once in Redis);
 *  - webhook deliveries per second from one worker process to a local receiver, with each
 *    dossier's order checked (gateway vs the same signed POSTs sent straight to the receiver at
 *    the same concurrency, with no queue, no store and no ordering).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeClients, newKey } from '../support/clients-file.js'
import { waitFor } from '../support/wait.js'
import { callbackBody, signCallback, startSimulator, startSectorStub, type ReceivedWebhook } from '../simulator/index.js'
import { WebhookSender } from '../src/adapters/webhooks/webhook-sender.js'
import { fmt, load, spawnServer, workerNodeArgs, writeWorkerWindow, type LoadResult } from './load.js'

export const SECRET = 'bench-callback-secret-0123456789'
const AGENCY = '000.00.31.H42'
const ORDER = ['dossier.submitted-online', 'dossier.supplement-received', 'dossier.payment-received', 'dossier.withdrawal-requested', 'dossier.rated']

function mean (xs: number[]): number { return xs.reduce((a, b) => a + b, 0) / xs.length }

export function signedRating (codes: string[]): () => { body: string, headers: Record<string, string> } {
  let i = 0
  return () => {
    const code = codes[i++ % codes.length] as string
    const { body } = callbackBody({ MaSuKien: randomUUID(), LoaiSuKien: 'DanhGia', MaHoSo: code, DuLieu: { DiemDanhGia: 5 } }, Date.now())
    const ts = Math.floor(Date.now() / 1000)
    return { body, headers: { 'content-type': 'application/json', 'x-portal-timestamp': String(ts), 'x-portal-signature': signCallback(SECRET, ts, body) } }
  }
}

/** `only`: run one of the two parts (bench/sections-main.ts); both by default. */
export async function benchCallbacks (redisUrl: string, o: { durationS: number, rounds: number, connections: number, dossiers: number, only?: 'callbacks' | 'webhooks' }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-cb-'))
  const sim = await startSimulator({ callbackSecret: SECRET, recordBodies: false })
  const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`
  const receiver = await startSectorStub({ secret: webhookSecret })
  const routing = join(dir, 'routing.json')
  writeFileSync(routing, JSON.stringify({ routes: [{ procedure: '1.001193', system: 'civil-status' }] }))
  const { file } = makeClients(dir, { extra: [{ id: 'hotich-bench', key: newKey(), system: 'civil-status', agencies: [AGENCY], webhook: { url: receiver.url, secret: webhookSecret } }] })
  const env = {
    REDIS_URL: redisUrl,
    CLIENTS_FILE: file,
    LOG_LEVEL: 'warn',
    ROLE: 'api',
    PORTAL_URL: 'http://127.0.0.1:9',
    PORTAL_CALLBACK_SECRET: SECRET,
    CALLBACK_RATE_LIMIT_MAX: '100000000',
    RATE_LIMIT_MAX: '100000000',
    ROUTING_FILE: routing,
    KEY_PREFIX: 'benchcb',
    QUEUE_PREFIX: '{benchcb-queue}'
  }
  try {
    if (o.only !== 'webhooks') await signedCallbacks()
    if (o.only !== 'callbacks') await webhookDeliveries()
  } finally {
    await receiver.close()
    await sim.close()
  }

  async function signedCallbacks (): Promise<void> {
    // ——— signed callbacks taken in ———
    console.log(`\n## signed portal callbacks taken in (DanhGia on ${o.dossiers} online dossiers, a new MaSuKien each)`)
    const baseline = await spawnServer('bench/baseline-server.ts', { REDIS_URL: redisUrl, PORTAL_CALLBACK_SECRET: SECRET })
    // Procedure 2.000001 has no route: the dossiers stay unrouted and their events go nowhere.
    const api = await spawnServer('src/server.ts', env)
    const codes: string[] = []
    for (let i = 0; i < o.dossiers; i++) {
      const r = await sim.submitOnline({ url: `${api.url}/v1/portal/callbacks`, agency: AGENCY, hoSo: { MaTTHC: '2.000001', MaXa: '18754' } })
      if (!r.callback.delivered) throw new Error(`HoSoMoi refused: ${String(r.callback.finalStatus)}`)
      codes.push(r.maHoSo)
    }
    const targets = { baseline: `${baseline.url}/callback`, gateway: `${api.url}/v1/portal/callbacks` }
    const runs: Record<string, LoadResult[]> = { baseline: [], gateway: [] }
    for (const [name, url] of Object.entries(targets)) console.log(`warm-up ${name}: ${fmt(await load({ url, headers: {}, body: () => '', request: signedRating(codes), connections: o.connections, durationS: 2 }))}`)
    for (let round = 1; round <= o.rounds; round++) {
      for (const [name, url] of Object.entries(targets)) {
        const r = await load({ url, headers: {}, body: () => '', request: signedRating(codes), connections: o.connections, durationS: o.durationS })
        runs[name]?.push(r)
        console.log(`round ${round} ${name}: ${fmt(r)}`)
      }
    }
    const b = mean((runs.baseline ?? []).map(r => r.rps))
    const g = mean((runs.gateway ?? []).map(r => r.rps))
    console.log('\n| run | callbacks/s | ratio to baseline | p50 ms | p99 ms (worst round) |\n|---|---|---|---|---|')
    for (const [name, label] of [['baseline', 'baseline: Fastify + HMAC check + SET NX'], ['gateway', 'gateway: POST /v1/portal/callbacks']] as const) {
      const rs = runs[name] ?? []
      console.log(`| ${label} | ${Math.round(mean(rs.map(r => r.rps)))} | ${(mean(rs.map(r => r.rps)) / b * 100).toFixed(0)}% | ${mean(rs.map(r => r.p50)).toFixed(1)} | ${Math.max(...rs.map(r => r.p99))} |`)
    }
    console.log(`gateway callbacks against baseline: ${(g / b * 100).toFixed(0)}%`)
    await baseline.stop()
    await api.stop()
  }

  async function webhookDeliveries (): Promise<void> {
    // ——— webhook deliveries from one worker ———
    const n = o.dossiers
    console.log(`\n## webhook deliveries from one worker process to a local receiver (${n} dossiers × ${ORDER.length} events, concurrency 16)`)
    const api2 = await spawnServer('src/server.ts', { ...env, KEY_PREFIX: 'benchwh', QUEUE_PREFIX: '{benchwh-queue}' })
    const send = async (code: string, type: string, data: unknown): Promise<void> => {
      const r = await sim.sendCallback({ url: `${api2.url}/v1/portal/callbacks`, event: { LoaiSuKien: type, MaHoSo: code, DuLieu: data } })
      if (!r.delivered) throw new Error(`${type} refused: ${String(r.finalStatus)}`)
    }
    // Queued with no worker running: the worker then drains a backlog of n × 5 events.
    await Promise.all(Array.from({ length: n }, async () => {
      const r = await sim.submitOnline({ url: `${api2.url}/v1/portal/callbacks`, agency: AGENCY, hoSo: { MaTTHC: '1.001193', MaXa: '18754' } })
      await send(r.maHoSo, 'NopBoSung', { NoiDungBoSung: 'Bản sao', TaiLieuNop: [] })
      await send(r.maHoSo, 'ThanhToan', { SoTien: 8000, MaGiaoDich: `GD-${r.maHoSo}` })
      await send(r.maHoSo, 'RutHoSo', { LyDo: 'Đổi ý' })
      await send(r.maHoSo, 'DanhGia', { DiemDanhGia: 4 })
    }))
    await api2.stop()
    const total = n * ORDER.length
    const worker = await spawnServer('src/server.ts', { ...env, KEY_PREFIX: 'benchwh', QUEUE_PREFIX: '{benchwh-queue}', ROLE: 'worker' }, workerNodeArgs())
    await waitFor(() => receiver.received.length >= total, { timeoutMs: 600_000, intervalMs: 20, what: 'every webhook event at the receiver' })
    await worker.stop()
    const got = receiver.received.slice()
    const seconds = (Math.max(...got.map(r => r.at)) - Math.min(...got.map(r => r.at))) / 1000
    const byCode = new Map<string, ReceivedWebhook[]>()
    for (const r of got) {
      const code = (r.data as { maHoSo: string }).maHoSo
      byCode.set(code, [...byCode.get(code) ?? [], r])
    }
    let outOfOrder = 0
    for (const rs of byCode.values()) if (rs.map(r => r.type).join() !== ORDER.join()) outOfOrder++
    const gatewayRate = total / seconds
    writeWorkerWindow(Math.min(...got.map(r => r.at)), Math.max(...got.map(r => r.at)), got.length)
    console.log(`gateway: ${got.length} deliveries in ${seconds.toFixed(2)} s = ${Math.round(gatewayRate)}/s (first to last delivery); dossiers out of order: ${outOfOrder} of ${byCode.size}; duplicates: ${got.length - new Set(got.map(r => r.id)).size}`)

    // Baseline: the same number of signed POSTs straight to the receiver, 16 at a time.
    receiver.received.length = 0
    // As many sockets as the worker's pool (WEBHOOK_CONNECTIONS' default): the same concurrency, 16.
    const sender = new WebhookSender({ timeoutMs: 10_000, connections: 16 })
    const bodies = got.map(r => ({ id: r.id, body: r.body }))
    let next = 0
    const started = performance.now()
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < bodies.length) {
        const b = bodies[next++] as { id: string, body: string }
        const r = await sender.send({ url: receiver.url, secret: webhookSecret, id: b.id, timestamp: new Date(), body: b.body })
        if (r.outcome !== 'delivered') throw new Error(`baseline delivery failed: ${r.error ?? ''}`)
      }
    }))
    const baseSeconds = (performance.now() - started) / 1000
    await sender.close()
    const baseRate = bodies.length / baseSeconds
    console.log(`baseline: ${bodies.length} signed POSTs straight to the receiver in ${baseSeconds.toFixed(2)} s = ${Math.round(baseRate)}/s`)
    console.log(`webhook deliveries against baseline: ${(gatewayRate / baseRate * 100).toFixed(0)}%`)
  }
}
