/**
 * Micro-benchmark of parseXml: the land sample and a generated ~1 MB land dossier, on the main
 * thread and through the worker pool. Prints mean and p99 time per parse and the longest
 * event-loop block seen while parsing (what every other request would have waited).
 *
 *   node --import tsx bench/xml-parse.ts [iterations]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setImmediate as tick } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { closeXmlPool, defaultXmlLimits, parseXml, type XmlLimits } from '../src/adapters/xml.js'
import { bigLandDossier, sample as contractSample } from '../support/samples.js'

const iterations = Number(process.argv[2] ?? 50)

interface Row { name: string, bytes: number, mean: number, p99: number, busyMean: number, busyP99: number, maxBlock: number }

function stats (values: number[]): { mean: number, p99: number } {
  const sorted = [...values].sort((a, b) => a - b)
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length
  return { mean, p99: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? NaN }
}

async function run (name: string, body: Buffer, limits: XmlLimits): Promise<Row> {
  for (let i = 0; i < 5; i++) await parseXml(body, limits) // warm up JIT and worker threads
  const times: number[] = []
  const busy: number[] = []
  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now()
    const elu = performance.eventLoopUtilization()
    await parseXml(body, limits)
    times.push(performance.now() - t0)
    // Main-thread time spent on this parse: all of it inline, or the hand-off and the clone of
    // the result back when a worker parses.
    busy.push(performance.eventLoopUtilization(elu).active)
    // Let the loop turn between parses, so that each blocking stretch is measured on its own.
    await tick()
  }
  loop.disable()
  const wall = stats(times)
  const main = stats(busy)
  // The histogram records how late its 1 ms timer fired, in ns: the longest block, give or take 1 ms.
  return { name, bytes: body.byteLength, mean: wall.mean, p99: wall.p99, busyMean: main.mean, busyP99: main.p99, maxBlock: loop.max / 1e6 }
}

async function main (): Promise<void> {
  const sample = contractSample('land-registration.xml')
  const small = Buffer.from(sample)
  const mid = Buffer.from(bigLandDossier(sample, 64 * 1024))
  const big = Buffer.from(bigLandDossier(sample, 1_000_000))
  const mainThread: XmlLimits = { ...defaultXmlLimits, offloadAboveBytes: undefined }
  const pooled: XmlLimits = { ...defaultXmlLimits, offloadAboveBytes: 0 }
  const rows = [
    await run('land sample, main thread', small, mainThread),
    await run('land sample, worker pool', small, pooled),
    await run('64 KiB land, main thread', mid, mainThread),
    await run('64 KiB land, worker pool', mid, pooled),
    await run('~1 MB land, main thread', big, mainThread),
    await run('~1 MB land, worker pool', big, pooled)
  ]
  await closeXmlPool()
  console.log(`node ${process.version}, ${iterations} parses each`)
  console.table(rows.map(r => ({
    case: r.name,
    bytes: r.bytes,
    'mean ms': r.mean.toFixed(2),
    'p99 ms': r.p99.toFixed(2),
    'main-thread mean ms': r.busyMean.toFixed(2),
    'main-thread p99 ms': r.busyP99.toFixed(2),
    'longest loop block ms': r.maxBlock.toFixed(1)
  })))
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
