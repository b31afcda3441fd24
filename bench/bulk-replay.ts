/**
 * Bulk replay of N failed dossiers into the simulator (`POST /v1/admin/replays`): dossiers per
 * second and time to the first delivery, against the same-run baseline of draining a fresh
 * backlog of N dossiers; and the intake rate while the replay runs, against the intake rate just
 * before it. One gateway process (ROLE=all), one redis-server, the simulator in this process.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { makeClients } from '../support/clients-file.js'
import { waitFor } from '../support/wait.js'
import { sample } from '../support/samples.js'
import { startSimulator } from '../simulator/index.js'
import { fmt, load, spawnServer } from './load.js'

const civil = sample('civil-status.json')
let seq = 0
const AGENCIES = 20
const body = (prefix: string): string => civil.replace('HT-18754-2025-000077', `${prefix}-${++seq}`).replace('000.00.31.H42', `000.00.${60 + (seq % AGENCIES)}.H42`)

export async function benchBulkReplay (redisUrl: string, n: number): Promise<void> {
  console.log(`\n## bulk replay of ${n} failed dossiers into the simulator (one ROLE=all process, batches of 50)`)
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-replay-'))
  const { file, keys } = makeClients(dir)
  const sim = await startSimulator({ recordBodies: false, maxRecorded: 1000 })
  const gw = await spawnServer('src/server.ts', {
    REDIS_URL: redisUrl, CLIENTS_FILE: file, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', PORTAL_URL: sim.url, KEY_PREFIX: 'benchrp', QUEUE_PREFIX: '{benchrp-queue}'
  })
  const redis = new Redis(redisUrl)
  const intake = async (prefix: string, amount?: number, durationS?: number): Promise<ReturnType<typeof load>> => await load({
    url: `${gw.url}/v1/inbound/civil-status`,
    headers: { 'content-type': 'application/json', 'x-api-key': keys['civil-status'] as string },
    body: () => body(prefix),
    connections: 32,
    ...(amount === undefined ? { durationS: durationS ?? 3 } : { amount })
  })
  const created = (): number => sim.state.counts().creates
  const failedCount = async (): Promise<number> => {
    const p = redis.pipeline()
    for (let a = 0; a < AGENCIES; a++) p.zcard(`benchrp:{000.00.${60 + a}.H42}:sx:failed`)
    return ((await p.exec()) ?? []).reduce((s, [, v]) => s + Number(v), 0)
  }
  try {
    // Baseline: a fresh backlog of n dossiers, drained as it comes in.
    sim.reset()
    let t0 = Date.now()
    const a = await intake('RB-A', n)
    await waitFor(() => created() >= a.ok, { timeoutMs: 600_000, intervalMs: 20, what: 'the backlog on the portal' })
    const baseSeconds = (Date.now() - t0) / 1000
    console.log(`baseline: ${a.ok} new dossiers taken in and on the portal in ${baseSeconds.toFixed(2)} s = ${Math.round(a.ok / baseSeconds)}/s`)

    // n dossiers refused by the portal (-1), each failing alone, then the portal is fixed.
    sim.reset()
    sim.setFaults({ script: Array.from({ length: 2 * n }, () => ({ kind: 'error' as const, code: '-1', message: 'bench', service: 'DongBoHoSoMC' })) })
    const b = await intake('RB-B', n)
    await waitFor(async () => await failedCount() >= b.ok, { timeoutMs: 600_000, intervalMs: 200, what: `${b.ok} failed` })
    sim.setFaults({}, { replace: true })
    sim.reset()
    // The failed list's first page: what an admin waits for.
    for (const q of ['limit=100', 'limit=100&kind=delivery&reason=PORTAL_REJECTED']) {
      const l0 = performance.now()
      const page = await fetch(`${gw.url}/v1/admin/failed?${q}`, { headers: { 'x-api-key': keys.admin } })
      const items = ((await page.json()) as { items: unknown[] }).items.length
      console.log(`failed list, first page (${q}) with ${b.ok} failed: ${items} items in ${(performance.now() - l0).toFixed(0)} ms`)
    }
    const before = await intake('RB-C', undefined, 3)
    console.log(`intake before the replay: ${fmt(before)}`)
    await waitFor(() => created() >= before.ok, { timeoutMs: 600_000, intervalMs: 20, what: 'the intake before on the portal' })
    sim.reset()
    t0 = Date.now()
    const res = await fetch(`${gw.url}/v1/admin/replays`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': keys.admin }, body: JSON.stringify({ filter: { reason: 'PORTAL_REJECTED' } }) })
    if (res.status !== 202) throw new Error(`replay refused: ${res.status} ${await res.text()}`)
    // Only replayed dossiers can reach the portal until the intake load below starts.
    await waitFor(() => created() > 0, { timeoutMs: 600_000, intervalMs: 5, what: 'the first delivery' })
    const first = (Date.now() - t0) / 1000
    const d = await intake('RB-D', undefined, 3)
    console.log(`intake during the replay: ${fmt(d)} (${(d.rps / before.rps * 100).toFixed(0)}% of before)`)
    await waitFor(() => created() >= b.ok + d.ok, { timeoutMs: 600_000, intervalMs: 20, what: 'every replayed dossier on the portal' })
    const seconds = (Date.now() - t0) / 1000
    const rate = b.ok / seconds
    console.log(`replay: ${b.ok} failed dossiers on the portal in ${seconds.toFixed(2)} s = ${Math.round(rate)}/s (with ${d.ok} new ones taken in meanwhile); first delivery after ${first.toFixed(2)} s; duplicates refused by the portal: ${sim.state.counts().duplicates}`)
    console.log(`bulk replay against the baseline drain: ${(rate / (a.ok / baseSeconds) * 100).toFixed(0)}%`)
  } finally {
    redis.disconnect()
    await gw.stop()
    await sim.close()
  }
}
