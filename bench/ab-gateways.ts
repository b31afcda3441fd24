/**
 * Two checkouts' gateways side by side on one Redis, in interleaved rounds (old, new, then new,
 * old…): the direct comparison when a change should not move a hot path, on a machine too noisy
 * for two separate `npm run bench` runs to compare.
 * `node --import tsx bench/ab-gateways.ts <other checkout>` (its node_modules in place).
 * AB_PATHS (civil,land,callbacks,delivery), AB_DURATION_S (5), AB_ROUNDS (4, after a warm-up
 * round), AB_DELIVERY_N (2000: the backlog each checkout's worker drains, per round, batch 50).
 * Callbacks: signed DanhGia events on 200 online dossiers each gateway took in itself.
 * Delivery: the backlog is taken in by the same checkout's API gateway, then its worker drains it
 * into the simulator, timed from the worker's first login to the last create (as `npm run bench`).
 * AB_NODE_ARGS (space-separated) go to both API gateways' node, e.g. `--cpu-prof --cpu-prof-dir=…`
 * to see whether a gap between the checkouts is the same under the profiler.
 */
import { RedisServer } from '../support/redis-server.js'
import { makeClients } from '../support/clients-file.js'
import { waitFor } from '../support/wait.js'
import { startSimulator } from '../simulator/index.js'
import { load, spawnServer, intakeBodies } from './load.js'
import { SECRET, signedRating } from './callbacks.js'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

async function main (): Promise<void> {
  const other = process.argv[2]
  if (other === undefined) throw new Error('usage: bench/ab-gateways.ts <other checkout>')
  const paths = (process.env.AB_PATHS ?? 'civil,land,callbacks,delivery').split(',')
  const { civil: civilBody, land: landBody } = intakeBodies()
  const redis = await RedisServer.start({ appendfsync: 'everysec' })
  const dir = mkdtempSync(join(tmpdir(), 'lt-ab-'))
  const { file, keys } = makeClients(dir)
  const routing = join(dir, 'routing.json')
  writeFileSync(routing, JSON.stringify({ routes: [{ procedure: '1.001193', system: 'civil-status' }] }))
  const env = { REDIS_URL: redis.url, CLIENTS_FILE: file, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', CALLBACK_RATE_LIMIT_MAX: '100000000', ROLE: 'api', PORTAL_URL: 'http://127.0.0.1:9', PORTAL_CALLBACK_SECRET: SECRET, ROUTING_FILE: routing }
  const script = { old: join(other, 'src/server.ts'), new: 'src/server.ts' }
  const nodeArgs = (process.env.AB_NODE_ARGS ?? '').split(' ').filter(a => a !== '')
  const gws = { old: await spawnServer(script.old, env, nodeArgs), new: await spawnServer(script.new, env, nodeArgs) }
  const sim = await startSimulator({ callbackSecret: SECRET, recordBodies: false, maxRecorded: 500_000 })
  // Each gateway's own online dossiers (procedure 2.000001 has no route: the events go nowhere).
  const codes = { old: [] as string[], new: [] as string[] }
  if (paths.includes('callbacks')) {
    for (const w of ['old', 'new'] as const) {
      for (let i = 0; i < 200; i++) {
        const r = await sim.submitOnline({ url: `${gws[w].url}/v1/portal/callbacks`, agency: '000.00.31.H42', hoSo: { MaTTHC: '2.000001', MaXa: '18754' } })
        if (!r.callback.delivered) throw new Error(`HoSoMoi refused by ${w}: ${String(r.callback.finalStatus)}`)
        codes[w].push(r.maHoSo)
      }
    }
  }
  const deliveryN = Number(process.env.AB_DELIVERY_N ?? 2000)
  const drain = async (w: 'old' | 'new', round: number): Promise<number> => {
    sim.reset()
    const prefix = { KEY_PREFIX: `ab${round}${w}`, QUEUE_PREFIX: `{ab${round}${w}-queue}` }
    const api = await spawnServer(script[w], { ...env, ...prefix })
    const r = await load({ url: `${api.url}/v1/inbound/civil-status`, headers: { 'content-type': 'application/json', 'x-api-key': keys['civil-status'] as string }, body: intakeBodies({ agencies: 20, civilId: n => `HT-AB-${n}` }).civil, connections: 64, amount: deliveryN })
    await api.stop()
    const worker = await spawnServer(script[w], { ...env, ...prefix, ROLE: 'worker', PORTAL_URL: sim.url, DELIVERY_BATCH_SIZE: '50' })
    await waitFor(() => sim.state.counts().creates >= r.ok, { timeoutMs: 600_000, intervalMs: 50, what: 'the backlog on the portal' })
    await worker.stop()
    const first = sim.state.received({ path: '/auth' })[0]?.at ?? 0
    const last = Math.max(...sim.state.dossiers().map(d => Date.parse(d.createdAt)))
    return r.ok / ((last - first) / 1000)
  }
  const rs: Record<string, number[]> = {}
  const D = Number(process.env.AB_DURATION_S ?? 5)
  const ROUNDS = Number(process.env.AB_ROUNDS ?? 4)
  for (let round = 0; round <= ROUNDS; round++) {
    const order = round % 2 === 0 ? ['old', 'new'] as const : ['new', 'old'] as const
    for (const kind of paths) {
      for (const w of order) {
        if (kind === 'delivery') {
          if (round === 0) continue
          const rate = await drain(w, round)
          ;(rs[`${kind} ${w}`] ??= []).push(rate)
          console.log(`round ${round} ${kind} ${w}: ${rate.toFixed(0)} dossiers/s`)
          continue
        }
        const t: Omit<Parameters<typeof load>[0], 'connections'> = kind === 'civil'
          ? { url: `${gws[w].url}/v1/inbound/civil-status`, headers: { 'content-type': 'application/json', 'x-api-key': keys['civil-status'] as string }, body: civilBody }
          : kind === 'land'
            ? { url: `${gws[w].url}/v1/inbound/land`, headers: { 'content-type': 'application/xml', 'x-api-key': keys.land as string }, body: landBody }
            : { url: `${gws[w].url}/v1/portal/callbacks`, headers: {}, body: () => '', request: signedRating(codes[w]) }
        const r = await load({ ...t, connections: 64, durationS: round === 0 ? 2 : D })
        if (r.non2xx + r.errors > 0) console.log(`  ${kind} ${w}: non-2xx ${r.non2xx}, errors ${r.errors}`)
        if (round > 0) (rs[`${kind} ${w}`] ??= []).push(r.rps)
        console.log(`round ${round} ${kind} ${w}: ${r.rps.toFixed(0)} req/s${round === 0 ? ' (warm-up)' : ''}`)
      }
    }
  }
  const mean = (xs: number[] = []): number => xs.reduce((a, b) => a + b, 0) / xs.length
  for (const kind of paths) {
    const o = rs[`${kind} old`] ?? []
    const n = rs[`${kind} new`] ?? []
    const perRound = n.map((x, i) => `${(x / (o[i] ?? NaN) * 100).toFixed(0)}%`).join(', ')
    console.log(`${kind}: old ${mean(o).toFixed(0)}, new ${mean(n).toFixed(0)} /s, new/old ${(mean(n) / mean(o) * 100).toFixed(1)}% (per round: ${perRound})`)
  }
  await gws.old.stop(); await gws.new.stop(); await sim.close(); await redis.close()
}
await main()
