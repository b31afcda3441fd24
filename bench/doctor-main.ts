/**
 * The doctor and its baseline on the Redis at REDIS_URL, in this process: prints one JSON line
 * `{ ms, baselineMs, maxRssMiB, found, dossiers }`. Run by bench/doctor.ts; alone:
 * `BENCH_DOCTOR_N=1000000 node --import tsx bench/doctor-main.ts --generate`.
 */
import { Redis } from 'ioredis'
import { runDoctor } from '../src/services/doctor/index.js'
import { benchDoctor } from './doctor.js'

if (process.argv.includes('--generate')) {
  await benchDoctor(Number(process.env.BENCH_DOCTOR_N ?? 100_000))
} else {
  const r = new Redis(process.env.REDIS_URL as string)
  // Baseline: every record read once, nothing compared.
  let started = Date.now()
  let cursor = '0'
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', 'lt:{*', 'COUNT', 500)
    cursor = next
    const p = r.pipeline()
    for (const k of keys) if (k.includes('}:d:')) p.hmget(k, 'maHoSo', 'state', 'status', 'dueAt', 'overdue')
    await p.exec()
  } while (cursor !== '0')
  const baselineMs = Date.now() - started
  started = Date.now()
  const report = await runDoctor(r, { prefix: 'lt' })
  const ms = Date.now() - started
  r.disconnect()
  console.log(JSON.stringify({ ms, baselineMs, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), found: report.found, dossiers: report.dossiers }))
}
