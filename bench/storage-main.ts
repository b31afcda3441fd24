/**
 * `node --import tsx bench/storage-main.ts`: the storage benchmark alone (bench/storage.ts):
 * BENCH_STORAGE_N dossiers (100000), BENCH_DURATION_S (10) × BENCH_ROUNDS (2) for the intake
 * comparison, BENCH_CONNECTIONS (64). It starts its own redis-servers.
 */
import { cpus } from 'node:os'
import { benchStorage } from './storage.js'

console.log(`# lienthong storage benchmark — ${new Date().toISOString()}, ${cpus().length} CPUs, Node ${process.version}`)
await benchStorage({
  n: Number(process.env.BENCH_STORAGE_N ?? 100_000),
  durationS: Number(process.env.BENCH_DURATION_S ?? 10),
  rounds: Number(process.env.BENCH_ROUNDS ?? 2),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 64)
})
