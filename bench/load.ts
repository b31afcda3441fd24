/** Load generation and process helpers for the benchmarks. */
import autocannon from 'autocannon'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '../support/redis-server.js'
import { waitFor } from '../support/wait.js'
import { sample } from '../support/samples.js'

export interface LoadResult { rps: number, p50: number, p99: number, ok: number, non2xx: number, errors: number }

/** `request`, when given, makes each request's body and headers (signed requests); else `body`. */
export async function load (opts: { url: string, headers: Record<string, string>, body: () => string, request?: () => { body: string, headers: Record<string, string> }, connections: number, durationS?: number, amount?: number }): Promise<LoadResult> {
  const r = await autocannon({
    url: opts.url,
    method: 'POST',
    connections: opts.connections,
    ...(opts.amount === undefined ? { duration: opts.durationS ?? 10 } : { amount: opts.amount }),
    headers: opts.headers,
    requests: [{
      setupRequest: (req) => {
        if (opts.request === undefined) return { ...req, body: opts.body() }
        const r = opts.request()
        return { ...req, body: r.body, headers: { ...req.headers, ...r.headers } }
      }
    }]
  })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, ok: r['2xx'], non2xx: r.non2xx, errors: r.errors + r.timeouts }
}

/**
 * `nodeArgs` go before the script (`--cpu-prof` and its directory, for `npm run bench -- --profile`).
 * `tsx: false` runs a compiled script (dist/) without the TypeScript loader, as production does.
 */
export async function spawnServer (script: string, env: Record<string, string>, nodeArgs: string[] = [], opts: { tsx?: boolean } = {}): Promise<{ url: string, proc: ChildProcess, stop: () => Promise<void>, peakRssMb: () => number }> {
  const port = await freePort()
  const proc = spawn(process.execPath, [...nodeArgs, ...(opts.tsx === false ? [] : ['--import', 'tsx']), script], { env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', process.env.BENCH_LOG_LEVEL === undefined ? 'ignore' : 'inherit', 'inherit'] })
  const url = `http://127.0.0.1:${port}`
  try {
    await waitFor(async () => {
      if (proc.exitCode !== null) throw new Error(`${script} exited`)
      try { await fetch(url); return true } catch { return false }
    }, { timeoutMs: 60_000, what: script })
  } catch (err) {
    // Not left running behind a bench that gave up on it.
    proc.kill('SIGKILL')
    throw err
  }
  return {
    url,
    proc,
    peakRssMb: () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid ?? 0}/status`, 'utf8'))
        return m === null ? NaN : Math.round(Number(m[1]) / 1024)
      } catch { return NaN }
    },
    stop: async () => {
      if (proc.exitCode !== null) return
      const done = new Promise(resolve => proc.once('exit', resolve))
      proc.kill('SIGTERM')
      await done
    }
  }
}

export function fmt (r: LoadResult): string {
  return `${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms (2xx ${r.ok}, non-2xx ${r.non2xx}, errors ${r.errors})`
}

/**
 * Request bodies of distinct dossiers, as every intake bench sends them: the samples with a new
 * source number each, over `agencies` agencies (a MaHoSo sequence allows 99,999 codes per agency
 * and day). `civilId` keeps a bench's own numbering (the id's shape moves the cost a little).
 */
export function intakeBodies (o: { agencies?: number, civilId?: (n: number) => string } = {}): { civil: () => string, land: () => string } {
  const civil = sample('civil-status.json')
  const land = sample('land-registration.xml')
  const agencies = o.agencies ?? 90
  const civilId = o.civilId ?? (n => `HT-18754-2025-${n}`)
  let seq = 0
  const agency = (n: number): string => `000.00.${10 + (n % agencies)}.H42`
  return {
    civil: () => civil.replace('HT-18754-2025-000077', civilId(++seq)).replace('000.00.31.H42', agency(seq)),
    land: () => land.replace('VPDK-HT-2025-004512', `VPDK-HT-2025-${++seq}`).replace('000.00.12.H42', agency(seq))
  }
}

/** BENCH_WORKER_NODE_ARGS: node options of the worker processes the delivery and webhook sections start (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`). */
export function workerNodeArgs (): string[] {
  const v = process.env.BENCH_WORKER_NODE_ARGS ?? ''
  return v.trim() === '' ? [] : v.trim().split(/\s+/)
}

/**
 * With `--cpu-prof-dir=<dir>` in BENCH_WORKER_NODE_ARGS: writes window.json there, the load window
 * (wall-clock ms) in the profile's clock, so `bench/cpu-profile.ts <profile>` leaves start-up out.
 */
export function writeWorkerWindow (fromMs: number, toMs: number, requests: number): void {
  const dir = /--cpu-prof-dir=(\S+)/.exec(process.env.BENCH_WORKER_NODE_ARGS ?? '')?.[1]
  if (dir === undefined) return
  const offsetUs = Number(process.hrtime.bigint() / 1000n) - Date.now() * 1000
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'window.json'), JSON.stringify({ window: [fromMs * 1000 + offsetUs, toMs * 1000 + offsetUs], requests }))
}
