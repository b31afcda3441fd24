/**
 * `lienthong doctor` on N dossiers (docs/benchmarks.md, "Doctor"): its time and the peak RSS of
 * the process that runs it, against a baseline measured on the same data in the same run (one
 * SCAN over the keyspace and one HMGET per record, pipelined: the least any full check reads).
 *
 * The data is written directly in the stored format, in pipelines (no gateway: 1,000,000
 * intakes would take the better part of an hour here), consistent by construction: each record
 * with its code, its deadline or closed entry, its outbox or failed entry, the overdue gauge and
 * each day's sequence; plus a document key per dossier, so the SCAN walks more keys than records,
 * as on a real store. The doctor must find no drift in it. 30 agencies, 60 receipt days.
 */
import { spawnSync } from 'node:child_process'
import { Redis } from 'ioredis'
import { Keys } from '../src/store/keys.js'
import { gaugeFields } from '../src/services/doctor/check-gauges.js'
import { statsKeys } from '../src/store/stats/stats-store.js'
import { RedisServer } from '../support/redis-server.js'

const AGENCIES = 30
const DAYS = 60
const PREFIX = 'lt'
const DAY = 86_400_000

function dayOf (j: number): { yymmdd: string, iso: string, ms: number } {
  const ms = Date.UTC(2025, 0, 1) + (j % DAYS) * DAY
  const iso = new Date(ms).toISOString().slice(0, 10)
  return { yymmdd: iso.slice(2).replace(/-/g, ''), iso, ms }
}

/** Writes N consistent dossiers; returns how long it took (s). */
export async function generate (url: string, n: number): Promise<number> {
  const started = Date.now()
  const r = new Redis(url)
  const keys = new Keys(PREFIX)
  const gauges = new Map<string, Map<string, number>>()
  const seqs = new Map<string, number>()
  const doc = Buffer.alloc(240, 7)
  const hash = 'a3f1c2d4e5b6978812345678abcdef01'
  const now = Date.now()
  for (let from = 0; from < n; from += 5000) {
    const p = r.pipeline()
    for (let i = from; i < Math.min(n, from + 5000); i++) {
      const agency = `000.00.${10 + (i % AGENCIES)}.H42`
      const j = Math.floor(i / AGENCIES)
      const day = dayOf(j)
      const seq = Math.floor(j / DAYS) + 1
      const code = `${agency}-${day.yymmdd}-${String(seq).padStart(5, '0')}`
      const ref = `civil-status:BENCH-${i}`
      const k = keys.dossier(agency, ref)
      const kind = i % 20
      const dims = `${18000 + (i % 100)}|civil-status|1.001193|in-person`
      const dueAt = day.ms + 15 * DAY - 7 * 3_600_000 + DAY - 1000
      const final = kind === 2 || kind === 3
      const state = kind === 0 ? 'pending' : kind === 1 ? 'failed' : 'delivered'
      const overdue = kind >= 4 && kind <= 6
      const fields: Array<string | number> = ['maHoSo', code, 'fullHash', hash, 'contentHash', hash, 'status', final ? '10' : '2', 'state', state,
        'revision', 1, 'contentRev', 1, 'deliveredRev', state === 'pending' ? 0 : 1, 'created', state === 'pending' ? 0 : 1,
        'createdAt', day.ms, 'updatedAt', day.ms + 1000, 'statusAt', day.ms, 'dueAt', dueAt, 'dueAtIso', `${new Date(dueAt + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`,
        'statsDims', dims, 'receivedDay', day.iso, 'whClient', 'hotich-31']
      if (state === 'delivered') fields.push('firstOnPortal', 1, 'deliveredAt', day.ms + 2000)
      if (overdue) fields.push('overdue', 1, 'overdueFor', dueAt)
      p.hset(k.dossier, ...fields)
      p.set(k.doc, doc)
      p.hset(keys.codes(agency), code, ref)
      if (final) p.zadd(keys.closed(agency), day.ms, ref)
      else if (overdue) p.zadd(keys.overdue(agency), dueAt, ref)
      else p.zadd(keys.due(agency), dueAt, ref)
      if (state === 'pending') p.zadd(keys.outbox(agency), now, ref)
      if (state === 'failed') p.sadd(keys.stateIndex(agency, 'failed'), ref)
      if (overdue) {
        let g = gauges.get(agency)
        if (g === undefined) gauges.set(agency, g = new Map())
        for (const f of gaugeFields(dims, 'overdueOpen')) g.set(f, (g.get(f) ?? 0) + 1)
      }
      const sk = keys.sequence(agency, day.yymmdd)
      seqs.set(sk, Math.max(seqs.get(sk) ?? 0, seq))
    }
    await p.exec()
  }
  const p = r.pipeline()
  for (let a = 0; a < Math.min(n, AGENCIES); a++) p.sadd(keys.agencies(), `000.00.${10 + a}.H42`)
  for (const [sk, v] of seqs) p.set(sk, v)
  for (const [agency, g] of gauges) for (const [f, v] of g) p.hset(statsKeys.open(keys.statsPrefix(agency)), f, v)
  await p.exec()
  r.disconnect()
  return (Date.now() - started) / 1000
}

export interface DoctorRun { ms: number, baselineMs: number, maxRssMiB: number, found: number, dossiers: number }

/** Runs the doctor (and the baseline) in a process of its own, so its peak RSS is its own. */
export function runInChild (url: string): DoctorRun {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'bench/doctor-main.ts'], { env: { ...process.env, REDIS_URL: url }, encoding: 'utf8', maxBuffer: 1 << 20 })
  if (res.status !== 0) throw new Error(`doctor bench failed: ${res.stderr}`)
  return JSON.parse(res.stdout.trim().split('\n').pop() as string) as DoctorRun
}

/** On a redis-server of its own (AOF everysec, as production), stopped afterwards. */
export async function benchDoctor (n: number): Promise<void> {
  console.log(`\n## lienthong doctor on ${n} dossiers (bench/doctor.ts)`)
  const redis = await RedisServer.start({ appendfsync: 'everysec' })
  try {
    await measure(redis.url, n)
  } finally {
    await redis.close()
  }
}

async function measure (url: string, n: number): Promise<void> {
  const s = await generate(url, n)
  console.log(`generated ${n} dossiers in ${s.toFixed(1)} s (direct writes, pipelined)`)
  const run = runInChild(url)
  console.log('| dossiers | doctor s | baseline s (SCAN + HMGET) | ratio | doctor peak RSS MiB | drift found |\n|---|---|---|---|---|---|')
  console.log(`| ${run.dossiers} | ${(run.ms / 1000).toFixed(1)} | ${(run.baselineMs / 1000).toFixed(1)} | ${(run.ms / run.baselineMs).toFixed(2)} | ${run.maxRssMiB} | ${run.found} |`)
  if (run.found !== 0 || run.dossiers !== n) throw new Error(`the doctor should have read ${n} dossiers and found nothing: ${JSON.stringify(run)}`)
}
