/**
 * The storage budget (docs/benchmarks.md, "Storage"): Redis memory per dossier, by `INFO memory`
 * `used_memory`, on a redis-server of its own (nothing else writes to it).
 *
 * 1. Pending: N civil-status dossiers (the sample, each with its own receipt number, over 90
 *    agencies) taken in by a ROLE=api gateway whose portal is down, so every one stays pending
 *    with its outbox entry, deadline entry and code; (used_memory after − before) / N.
 * 2. Intake throughput with that backlog in Redis against an empty store (a second
 *    redis-server and gateway, same settings), in interleaved rounds; printed as a ratio.
 * 3. Compacted: the same dossiers resent as handed over (`DA_TRA`, final), delivered to the
 *    simulator by a worker, then compacted (the sweep's own function, with its clock moved past
 *    RETENTION_DAYS); (used_memory after − before the first intake) / N.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { RedisServer } from '../support/redis-server.js'
import { makeClients } from '../support/clients-file.js'
import { waitFor } from '../support/wait.js'
import { sample } from '../support/samples.js'
import { startSimulator } from '../simulator/index.js'
import { DossierStore } from '../src/store/dossier-store.js'
import { compactAll } from '../src/queue/compact.js'
import { fmt, load, spawnServer, type LoadResult } from './load.js'

export interface StorageOptions { n: number, durationS: number, rounds: number, connections: number }

const AGENCIES = 90
const civil = sample('civil-status.json')
const agencyOf = (i: number): string => `000.00.${10 + (i % AGENCIES)}.H42`
const numberOf = (i: number): string => `HT-18754-2025-S${i}`
const body = (i: number, status = 'TIEP_NHAN'): string => civil
  .replace('HT-18754-2025-000077', numberOf(i)).replace('000.00.31.H42', agencyOf(i)).replace('"TIEP_NHAN"', `"${status}"`)

async function usedMemory (r: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await r.info('memory'))?.[1] ?? NaN)
}

/**
 * used_memory once Redis's own housekeeping has settled: after mass deletes its cron shrinks
 * the keyspace's tables over the next moments. Read until two readings 1 s apart agree within 0.1 %.
 */
async function settledMemory (r: Redis): Promise<number> {
  let last = await usedMemory(r)
  for (let i = 0; i < 30; i++) {
    await new Promise(resolve => setTimeout(resolve, 1000))
    const m = await usedMemory(r)
    if (Math.abs(m - last) <= last * 0.001) return m
    last = m
  }
  return last
}

function mean (xs: number[]): number { return xs.reduce((a, b) => a + b, 0) / xs.length }

/** Sum of MEMORY USAGE (exact: SAMPLES 0) by kind of key (`d`, `doc`, `outbox`, … ; BullMQ's as `queue`), per dossier. */
async function breakdown (r: Redis, dossiers: number): Promise<string> {
  const sums = new Map<string, number>()
  let cursor = '0'
  do {
    const [next, keys] = await r.scan(cursor, 'COUNT', 1000)
    cursor = next
    const p = r.pipeline()
    for (const k of keys) p.call('MEMORY', 'USAGE', k, 'SAMPLES', '0')
    const res = (await p.exec()) ?? []
    keys.forEach((k, i) => {
      const kind = k.startsWith('{') ? 'queue' : /^lt:\{[^}]*\}:([a-z]+)/.exec(k)?.[1] ?? k
      sums.set(kind, (sums.get(kind) ?? 0) + Number(res[i]?.[1] ?? 0))
    })
  } while (cursor !== '0')
  return [...sums].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / dossiers).toFixed(0)}`).join(', ')
}

export async function benchStorage (o: StorageOptions): Promise<void> {
  console.log(`\n## storage: Redis memory per dossier (${o.n} civil-status dossiers, INFO memory used_memory)`)
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-storage-'))
  const { file, keys } = makeClients(dir)
  const full = await RedisServer.start({ appendfsync: 'everysec' })
  const empty = await RedisServer.start({ appendfsync: 'everysec' })
  const r = new Redis(full.url)
  const env = { CLIENTS_FILE: file, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', ROLE: 'api', PORTAL_URL: 'http://127.0.0.1:9' }
  const gwFull = await spawnServer('src/server.ts', { ...env, REDIS_URL: full.url })
  const gwEmpty = await spawnServer('src/server.ts', { ...env, REDIS_URL: empty.url })
  const headers = { 'content-type': 'application/json', 'x-api-key': keys['civil-status'] as string }
  try {
    // 1. Pending.
    const m0 = await usedMemory(r)
    let i = 0
    const t0 = Date.now()
    const fill = await load({ url: `${gwFull.url}/v1/inbound/civil-status`, headers, body: () => body(i++), connections: o.connections, amount: o.n })
    const fillS = (Date.now() - t0) / 1000
    if (fill.ok !== o.n) throw new Error(`only ${fill.ok} of ${o.n} dossiers were taken in (${fmt(fill)})`)
    const m1 = await settledMemory(r)
    const pending = (m1 - m0) / o.n
    console.log(`filled in ${fillS.toFixed(1)} s (${Math.round(o.n / fillS)}/s); used_memory ${m0} → ${m1} B`)
    console.log(`MEMORY USAGE per dossier by kind of key (keys' own overhead included, allocator rounding not): ${await breakdown(r, o.n)}`)
    console.log(`bytes per pending dossier: ${Math.round(pending)} (budget 2048)`)

    // 2. Intake with the backlog against an empty store, interleaved.
    const runs: Record<'empty' | 'backlog', LoadResult[]> = { empty: [], backlog: [] }
    const target = (url: string): { url: string, headers: Record<string, string>, body: () => string, connections: number } =>
      // Handed over at once (final): delivered in step 3 and compacted with the others.
      ({ url: `${url}/v1/inbound/civil-status`, headers, body: () => body(o.n + i++, 'DA_TRA'), connections: o.connections })
    for (const url of [gwEmpty.url, gwFull.url]) await load({ ...target(url), durationS: 5 })
    for (let round = 1; round <= o.rounds; round++) {
      // Alternating which goes first, so neither always runs on a machine warmed by the other.
      const order = [['empty', gwEmpty.url], ['backlog', gwFull.url]] as const
      for (const [name, url] of round % 2 === 1 ? order : [...order].reverse()) {
        const res = await load({ ...target(url), durationS: o.durationS })
        runs[name].push(res)
        console.log(`round ${round} ${name === 'empty' ? 'empty store' : `${o.n}-dossier backlog`}: ${fmt(res)}`)
      }
    }
    const e = mean(runs.empty.map(x => x.rps))
    const b = mean(runs.backlog.map(x => x.rps))
    console.log(`intake with a ${o.n}-dossier backlog: ${Math.round(b)} req/s; empty store: ${Math.round(e)} req/s; ratio ${(b / e * 100).toFixed(0)}%`)
    await gwEmpty.stop()

    // 3. Compacted: the same N dossiers handed over (final), delivered, past retention, with
    // those step 2 took in (final already).
    const m2 = await usedMemory(r)
    i = 0
    const resend = await load({ url: `${gwFull.url}/v1/inbound/civil-status`, headers, body: () => body(i++, 'DA_TRA'), connections: o.connections, amount: o.n })
    if (resend.ok !== o.n) throw new Error(`only ${resend.ok} of ${o.n} resends were taken in (${fmt(resend)})`)
    await gwFull.stop()
    const sumOver = async (cmd: string, kind: string): Promise<number> => Number(await r.eval(
      `local n = 0 for _, a in ipairs(redis.call('SMEMBERS', 'lt:agencies')) do n = n + redis.call('${cmd}', 'lt:{' .. a .. '}:${kind}') end return n`, 0))
    const all = await sumOver('HLEN', 'codes')
    const sim = await startSimulator({ recordBodies: false, maxRecorded: 1000 })
    const worker = await spawnServer('src/server.ts', { ...env, REDIS_URL: full.url, ROLE: 'worker', PORTAL_URL: sim.url })
    await waitFor(async () => await sumOver('ZCARD', 'outbox') === 0, { timeoutMs: 1_800_000, intervalMs: 500, what: 'every dossier delivered' })
    await worker.stop()
    await sim.close()
    const m3 = await usedMemory(r)
    const store = new DossierStore(r, { prefix: 'lt', retentionDays: 180 })
    const t1 = Date.now()
    const c = await compactAll(store, 180 * 86_400_000, { now: Date.now() + 181 * 86_400_000 })
    const compactS = (Date.now() - t1) / 1000
    const m4 = await settledMemory(r)
    console.log(`delivered: used_memory ${m2} → ${m3} B before compaction; ${c.compacted} compacted in ${compactS.toFixed(1)} s (${Math.round(c.compacted / compactS)}/s), ${c.skipped} skipped`)
    if (c.compacted !== all) console.log(`WARNING: ${all} dossiers in Redis, ${c.compacted} compacted`)
    console.log(`bytes per compacted dossier: ${Math.round((m4 - m0) / all)} over all ${all} dossiers in Redis (budget 512)`)
    console.log(`MEMORY USAGE per compacted dossier by kind of key: ${await breakdown(r, all)}`)
  } finally {
    r.disconnect()
    await gwFull.stop()
    await gwEmpty.stop()
    await full.close()
    await empty.close()
  }
}
