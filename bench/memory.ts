/**
 * Peak RSS of the gateway against the bare-Fastify baseline (bench/baseline-server.ts), measured
 * in the same run: once under intake (civil-status JSON and land XML, as `npm run bench` sends
 * them) and once under BENCH_HOSTILE_N hostile requests (bench/hostile-requests.ts). Each phase
 * starts a fresh gateway (ROLE=api, as `npm run bench`) and a fresh baseline, so each peak is the
 * phase's own. Peak RSS is the kernel's high-water mark (`VmHWM`, every thread of the process);
 * a preloaded probe (bench/memory-probe.mjs) says what it was made of.
 *
 * With BENCH_HEAP_SNAPSHOTS=1 the gateway also writes V8 heap snapshots (idle after start-up, and
 * right after the load) to .data/heap/<UTC time>/<phase>/, summarised by constructor
 * (bench/heap-summary.ts). Writing one stalls the process and doubles its heap for a moment, so
 * the RSS figures of a run with snapshots are not the ones to record.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { makeClients, type Keys } from '../support/clients-file.js'
import { waitFor } from '../support/wait.js'
import { fmt, intakeBodies, load, spawnServer } from './load.js'
import { hostileRequests } from './hostile-requests.js'
import { formatHeapSummary, summariseHeap } from './heap-summary.js'

export interface MemoryOptions { gatewayScript?: string, durationS: number, connections: number, hostileN: number, snapshots: boolean, phases?: Array<'intake' | 'hostile'>, gatewayEnv?: Record<string, string>, gatewayNodeArgs?: string[], compareNodeArgs?: string[] }
type Server = Awaited<ReturnType<typeof spawnServer>>

const status = (pid: number | undefined, field: string): number => {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid ?? 0}/status`, 'utf8'))
  return m === null ? NaN : Math.round(Number(m[1]) / 1024)
}

async function start (script: string, env: Record<string, string>, probeFile: string, nodeArgs: string[] = []): Promise<Server> {
  return await spawnServer(script, { ...env, BENCH_MEMORY_PROBE: probeFile }, [...nodeArgs, '--import', './bench/memory-probe.mjs'], { tsx: script.endsWith('.ts') })
}

async function stopAndProbe (s: Server, probeFile: string): Promise<string> {
  await s.stop()
  try {
    const p = JSON.parse(readFileSync(probeFile, 'utf8')) as { atPeak?: Record<string, unknown> & { spaces: Record<string, number> } }
    if (p.atPeak === undefined) return 'no sample'
    const { spaces, ...m } = p.atPeak
    return `${Object.entries(m).map(([k, v]) => `${k} ${String(v)}`).join(', ')} MB; heap spaces ${Object.entries(spaces).filter(([, v]) => v > 0).map(([k, v]) => `${k.replace('_space', '')} ${v}`).join(', ')} MB`
  } catch { return 'no probe output' }
}

/** Takes a heap snapshot (SIGURG, `--heapsnapshot-signal`; not SIGUSR2, on which close-with-grace shuts the gateway down) and waits until its file is complete. */
async function snapshot (s: Server, dir: string, label: string): Promise<void> {
  const before = new Set(readdirSync(dir))
  s.proc.kill('SIGURG')
  let file: string | undefined
  await waitFor(async () => {
    file ??= readdirSync(dir).find(f => !before.has(f) && f.endsWith('.heapsnapshot'))
    if (file === undefined) return false
    // The writer streams the file; it ends with the strings table's closing "]}".
    try { return readFileSync(join(dir, file), 'utf8').trimEnd().endsWith(']}') } catch { return false }
  }, { timeoutMs: 300_000, intervalMs: 500, what: `the ${label} heap snapshot` })
  console.log(`\n### gateway heap, ${label} (${join(dir, file as string)})\n\n${formatHeapSummary(summariseHeap(join(dir, file as string)))}`)
}

/**
 * `n` hostile requests from `connections` concurrent senders. fetch, not autocannon: a server that
 * answers 413 or 401 before it has read a large body stalls autocannon's connection until its
 * timeout, which measured the timeout rather than the server.
 */
async function hostileLoad (url: (system: string) => string, keys: Keys | undefined, n: number, connections: number): Promise<string> {
  const reqs = hostileRequests()
  const codes = new Map<string, number>()
  let sent = 0
  const t0 = Date.now()
  const sender = async (): Promise<void> => {
    while (sent < n) {
      const h = reqs[sent++ % reqs.length] as (typeof reqs)[number]
      // The baseline reads every body and refuses it by its JSON schema: bare xml2js hangs on
      // some of these documents (its event loop stalls on the deep ones), so XML goes to it as text.
      const headers: Record<string, string> = { 'content-type': keys === undefined && h.system === 'land' ? 'text/plain' : h.contentType }
      if (keys !== undefined) headers['x-api-key'] = h.badKey === true ? 'not-a-key' : keys[h.system] as string
      let code: string
      try {
        const res = await fetch(url(h.system), { method: 'POST', headers, body: h.body, signal: AbortSignal.timeout(60_000) })
        await res.arrayBuffer()
        code = String(res.status)
      } catch (err) { code = (err as Error).name }
      codes.set(code, (codes.get(code) ?? 0) + 1)
    }
  }
  await Promise.all(Array.from({ length: connections }, sender))
  const s = (Date.now() - t0) / 1000
  return `${n} in ${s.toFixed(1)} s (${Math.round(n / s)} req/s): ${[...codes].sort().map(([c, k]) => `${c}: ${k}`).join(', ')}`
}

export interface MemoryRow { phase: string, baseline: number, gateways: Array<{ name: string, peak: number }> }

/**
 * With `compareNodeArgs`, a second gateway with those node flags runs beside the first in each
 * phase and gets the same load right after it: an A/B of V8 flags under the same machine load.
 */
export async function benchMemory (redisUrl: string, o: MemoryOptions): Promise<MemoryRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-mem-'))
  const { file, keys } = makeClients(dir)
  const gatewayEnv = { REDIS_URL: redisUrl, CLIENTS_FILE: file, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', ROLE: 'api', PORTAL_URL: 'http://127.0.0.1:9', ...o.gatewayEnv }
  const heapDir = resolve('.data/heap', new Date().toISOString().replaceAll(':', '-'))
  const results: MemoryRow[] = []
  const { civil, land } = intakeBodies()
  const variants = [{ name: `gateway${o.gatewayNodeArgs?.length ? ` ${o.gatewayNodeArgs.join(' ')}` : ''}`, args: o.gatewayNodeArgs ?? [] }]
  if (o.compareNodeArgs !== undefined) variants.push({ name: `gateway ${o.compareNodeArgs.join(' ')}`, args: o.compareNodeArgs })
  console.log(`\n## peak RSS (bench/memory.ts): intake ${o.durationS} s per route, ${o.hostileN} hostile requests, ${o.connections} connections; ${o.gatewayScript ?? 'src/server.ts'}`)
  try {
    for (const phase of o.phases ?? ['intake', 'hostile'] as const) {
      const phaseHeap = join(heapDir, phase)
      if (o.snapshots) mkdirSync(phaseHeap, { recursive: true })
      const snapArgs = o.snapshots ? ['--heapsnapshot-signal=SIGURG', `--diagnostic-dir=${phaseHeap}`] : []
      const baseline = await start('bench/baseline-server.ts', { REDIS_URL: redisUrl }, join(dir, `${phase}-baseline.json`))
      const gateways: Array<{ name: string, server: Server, probe: string }> = []
      for (const [i, v] of variants.entries()) {
        const probe = join(dir, `${phase}-gateway${i}.json`)
        gateways.push({ name: v.name, probe, server: await start(o.gatewayScript ?? 'src/server.ts', gatewayEnv, probe, [...v.args, ...(i === 0 ? snapArgs : [])]) })
      }
      const rss = (s: Server): number => status(s.proc.pid, 'VmRSS')
      console.log(`\n${phase}: RSS after start-up: baseline ${rss(baseline)} MB, ${gateways.map(g => `${g.name} ${rss(g.server)} MB`).join(', ')}`)
      const first = gateways[0] as (typeof gateways)[number]
      if (o.snapshots) await snapshot(first.server, phaseHeap, `${phase}: idle after start-up`)
      if (phase === 'intake') {
        const json = { 'content-type': 'application/json', 'x-api-key': keys['civil-status'] as string }
        const xml = { 'content-type': 'application/xml', 'x-api-key': keys.land as string }
        const targets: Array<[string, string, Record<string, string>, () => string]> = [
          ['baseline JSON', `${baseline.url}/intake`, { 'content-type': 'application/json' }, civil],
          ...gateways.map(g => [`${g.name}: civil-status`, `${g.server.url}/v1/inbound/civil-status`, json, civil] as [string, string, Record<string, string>, () => string]),
          ['baseline XML (xml2js)', `${baseline.url}/intake-xml`, { 'content-type': 'application/xml' }, land],
          ...gateways.map(g => [`${g.name}: land`, `${g.server.url}/v1/inbound/land`, xml, land] as [string, string, Record<string, string>, () => string])
        ]
        for (const [name, url, headers, body] of targets) console.log(`${name}: ${fmt(await load({ url, headers, body, connections: o.connections, durationS: o.durationS }))}`)
      } else {
        console.log(`baseline: ${await hostileLoad(() => `${baseline.url}/intake`, undefined, o.hostileN, o.connections)}`)
        for (const g of gateways) console.log(`${g.name}: ${await hostileLoad(s => `${g.server.url}/v1/inbound/${s}`, keys, o.hostileN, o.connections)}`)
      }
      const row: MemoryRow = { phase, baseline: baseline.peakRssMb(), gateways: gateways.map(g => ({ name: g.name, peak: g.server.peakRssMb() })) }
      console.log(`${phase}: RSS at the end: baseline ${rss(baseline)} MB, ${gateways.map(g => `${g.name} ${rss(g.server)} MB`).join(', ')}`)
      if (o.snapshots) await snapshot(first.server, phaseHeap, `${phase}: after the load`)
      for (const g of gateways) console.log(`${g.name} at its RSS peak: ${await stopAndProbe(g.server, g.probe)}`)
      console.log(`baseline at its RSS peak: ${await stopAndProbe(baseline, join(dir, `${phase}-baseline.json`))}`)
      results.push(row)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  console.log('\n| phase | process | peak RSS MB | − baseline MB |\n|---|---|---|---|')
  for (const r of results) {
    console.log(`| ${r.phase} | baseline | ${r.baseline} | |`)
    for (const g of r.gateways) console.log(`| ${r.phase} | ${g.name} | ${g.peak} | ${g.peak - r.baseline} |`)
  }
  return results
}
