/**
 * Preloaded (`--import ./bench/memory-probe.mjs`) into a server that bench/memory.ts measures: what
 * the RSS is made of. Every 100 ms it samples `process.memoryUsage()` and keeps the sample with the
 * highest RSS and the highest value of each part; on exit it writes them as JSON to
 * BENCH_MEMORY_PROBE. Loaded into the gateway and the baseline alike, so its own cost is in both;
 * plain JavaScript, so that a compiled gateway (dist/) is measured without the TypeScript loader.
 */
import { writeFileSync } from 'node:fs'
import { getHeapSpaceStatistics } from 'node:v8'

const out = process.env.BENCH_MEMORY_PROBE
if (out !== undefined) {
  const MB = 1024 * 1024
  const mb = (n) => Math.round(n / MB)
  let atPeak
  const highest = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }
  const timer = setInterval(() => {
    const m = process.memoryUsage()
    for (const k of Object.keys(highest)) highest[k] = Math.max(highest[k], m[k])
    if (atPeak === undefined || m.rss > atPeak.rss) {
      // The heap's spaces at the RSS peak: new space is garbage headroom, old space mostly not.
      const spaces = Object.fromEntries(getHeapSpaceStatistics().map(s => [s.space_name, mb(s.space_size)]))
      atPeak = { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, spaces }
    }
  }, 100)
  timer.unref()
  process.on('exit', () => {
    const round = (s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, mb(v)]))
    // The bench may be gone (and its directory with it) when an orphaned server exits.
    try { writeFileSync(out, JSON.stringify({ atPeak: atPeak === undefined ? undefined : { ...round(atPeak), spaces: atPeak.spaces }, highest: round(highest) })) } catch {}
  })
}
