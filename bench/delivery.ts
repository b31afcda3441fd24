/**
 * Delivery into the simulator: a backlog of N dossiers over 20 agencies, taken in by an API
 * process, then drained by one worker process into the simulator, with batches of 50 and, as
 * the same-run baseline, batches of 1; timed from the worker's first login to the last create.
 */
import { Redis } from 'ioredis'
import { startSimulator } from '../simulator/index.js'
import { waitFor } from '../support/wait.js'
import { load, spawnServer, intakeBodies, workerNodeArgs, writeWorkerWindow } from './load.js'

export interface DeliveryResult { batch: number, dossiers: number, seconds: number, calls: number }

export async function benchDelivery (o: { gatewayEnv: Record<string, string>, apiKey: string, n: number, connections: number, batches?: number[] }): Promise<DeliveryResult[]> {
  console.log(`\n## delivery of a ${o.n}-dossier backlog into the simulator (one worker process, concurrency 8)`)
  const sim = await startSimulator({ recordBodies: false, maxRecorded: 500_000 })
  const results: DeliveryResult[] = []
  try {
    for (const batch of o.batches ?? [50, 1]) {
      sim.reset()
      const tag = `bench${batch}-${Date.now().toString(36)}`
      const prefix = { KEY_PREFIX: tag, QUEUE_PREFIX: `{${tag}-queue}` }
      const api = await spawnServer('src/server.ts', { ...o.gatewayEnv, ...prefix })
      const r = await load({
        url: `${api.url}/v1/inbound/civil-status`,
        headers: { 'content-type': 'application/json', 'x-api-key': o.apiKey },
        body: intakeBodies({ agencies: 20, civilId: n => `HT-D-${n}` }).civil,
        connections: o.connections,
        amount: o.n
      })
      await api.stop()
      const before = await commandCalls(o.gatewayEnv.REDIS_URL ?? '')
      const worker = await spawnServer('src/server.ts', { ...o.gatewayEnv, ...prefix, ROLE: 'worker', PORTAL_URL: sim.url, DELIVERY_BATCH_SIZE: String(batch) }, workerNodeArgs())
      await waitFor(() => sim.state.counts().creates >= r.ok, { timeoutMs: 600_000, intervalMs: 50, what: 'the backlog on the portal' })
      await worker.stop()
      const after = await commandCalls(o.gatewayEnv.REDIS_URL ?? '')
      const per = (c: string): string => ((after.get(c) ?? 0) - (before.get(c) ?? 0)) / r.ok < 0.005 ? '0' : (((after.get(c) ?? 0) - (before.get(c) ?? 0)) / r.ok).toFixed(2)
      const total = [...after.entries()].reduce((n, [c, v]) => n + v - (before.get(c) ?? 0), 0)
      const top = [...after.entries()].map(([c, v]): [string, number] => [c, v - (before.get(c) ?? 0)]).sort((a, b) => b[1] - a[1]).slice(0, 8)
      console.log(`batch ${batch}: Redis commands per dossier while the worker ran: ${(total / r.ok).toFixed(2)} in all; scripts (evalsha+eval) ${per('evalsha')}+${per('eval')}; most: ${top.map(([c, v]) => `${c} ${(v / r.ok).toFixed(2)}`).join(', ')}`)
      // From the worker's first login to the last create the portal took: start-up excluded.
      const first = sim.state.received({ path: '/auth' })[0]?.at ?? 0
      const last = Math.max(...sim.state.dossiers().map(d => Date.parse(d.createdAt)))
      const seconds = (last - first) / 1000
      writeWorkerWindow(first, last, r.ok)
      const calls = sim.state.counts().byService.DongBoHoSoMC ?? 0
      results.push({ batch, dossiers: r.ok, seconds, calls })
      console.log(`batch ${batch}: ${r.ok} dossiers in ${seconds.toFixed(2)} s = ${Math.round(r.ok / seconds)} dossiers/s, ${calls} portal calls (from the worker's first login to the last create)`)
    }
  } finally {
    await sim.close()
  }
  const [b50, b1] = results
  if (b50 !== undefined && b1 !== undefined) console.log(`batching speed-up: ${(b1.seconds / b50.seconds).toFixed(1)}x`)
  return results
}

/** Calls per command so far (INFO commandstats). */
async function commandCalls (url: string): Promise<Map<string, number>> {
  const r = new Redis(url)
  try {
    const out = new Map<string, number>()
    for (const m of (await r.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1] as string, Number(m[2]))
    return out
  } finally {
    r.disconnect()
  }
}
