/**
 * Intake of this checkout's gateway against another checkout's, side by side on one Redis, in
 * interleaved rounds (old, new, then new, old…): the direct comparison when a change should not
 * move intake, on a machine too noisy for two separate `npm run bench` runs to compare.
 * `node --import tsx bench/ab-gateways.ts <other checkout>` (its node_modules in place); AB_DURATION_S (5).
 */
import { RedisServer } from '../support/redis-server.js'
import { makeClients } from '../support/clients-file.js'
import { sample } from '../support/samples.js'
import { load, spawnServer } from './load.js'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

async function main (): Promise<void> {
  const other = process.argv[2]
  if (other === undefined) throw new Error('usage: bench/ab-gateways.ts <other checkout>')
  const civil = sample('civil-status.json')
  const land = sample('land-registration.xml')
  let seq = 0
  const agency = (n: number): string => `000.00.${10 + (n % 90)}.H42`
  const civilBody = (): string => civil.replace('HT-18754-2025-000077', `HT-18754-2025-${++seq}`).replace('000.00.31.H42', agency(seq))
  const landBody = (): string => land.replace('VPDK-HT-2025-004512', `VPDK-HT-2025-${++seq}`).replace('000.00.12.H42', agency(seq))
  const redis = await RedisServer.start({ appendfsync: 'everysec' })
  const { file, keys } = makeClients(mkdtempSync(join(tmpdir(), 'lt-ab-')))
  const env = { REDIS_URL: redis.url, CLIENTS_FILE: file, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', ROLE: 'api', PORTAL_URL: 'http://127.0.0.1:9' }
  const gws = { old: await spawnServer(join(other, 'src/server.ts'), env), new: await spawnServer('src/server.ts', env) }
  const rs: Record<string, number[]> = {}
  const D = Number(process.env.AB_DURATION_S ?? 5)
  for (let round = 0; round < 5; round++) {
    const order = round % 2 === 0 ? ['old', 'new'] as const : ['new', 'old'] as const
    for (const kind of ['civil', 'land'] as const) {
      for (const w of order) {
        const t = kind === 'civil'
          ? { url: `${gws[w].url}/v1/inbound/civil-status`, headers: { 'content-type': 'application/json', 'x-api-key': keys['civil-status'] as string }, body: civilBody }
          : { url: `${gws[w].url}/v1/inbound/land`, headers: { 'content-type': 'application/xml', 'x-api-key': keys.land as string }, body: landBody }
        const r = await load({ ...t, connections: 64, durationS: round === 0 ? 2 : D })
        if (round > 0) (rs[`${kind} ${w}`] ??= []).push(r.rps)
        console.log(`round ${round} ${kind} ${w}: ${r.rps.toFixed(0)} req/s${round === 0 ? ' (warm-up)' : ''}`)
      }
    }
  }
  const mean = (xs: number[] = []): number => xs.reduce((a, b) => a + b, 0) / xs.length
  for (const kind of ['civil', 'land']) console.log(`${kind}: old ${mean(rs[`${kind} old`]).toFixed(0)}, new ${mean(rs[`${kind} new`]).toFixed(0)} req/s, new/old ${(mean(rs[`${kind} new`]) / mean(rs[`${kind} old`]) * 100).toFixed(1)}%`)
  await gws.old.stop(); await gws.new.stop(); await redis.close()
}
await main()
