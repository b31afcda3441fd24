/**
 * Reads a V8 `.cpuprofile` (written by `node --cpu-prof`) and sums self time by function and by
 * category of work (parse, validate, map, hash, compress, Redis client, logging, HTTP…), by the
 * file each function lives in. The categories are what issue 19 asks the per-intake breakdown for;
 * CPU time only: time spent waiting on Redis (round trips, WAIT) is not in a CPU profile, which is
 * why bench/profile.ts reads Redis's own command statistics beside it.
 *
 * `node --import tsx bench/cpu-profile.ts <file.cpuprofile> [requests]` prints the tables, over the
 * load window in window.json beside the profile when bench/profile.ts wrote one.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

interface CallFrame { functionName: string, url: string, lineNumber: number }
interface ProfileNode { id: number, callFrame: CallFrame, parent?: number, children?: number[] }
interface CpuProfile { nodes: ProfileNode[], startTime: number, endTime: number, samples: number[], timeDeltas: number[] }

/** First match wins: the order puts libraries before the broad src/ and node: buckets. */
const RULES: Array<[string, RegExp]> = [
  ['gc', /^\(garbage collector\)/],
  ['idle', /^\(idle\)/],
  ['v8/native (unattributed)', /^\(program\)/],
  ['parse (XML)', /\/node_modules\/(xml2js|sax|xmlbuilder)\/|\/src\/adapters\/(xml[^/]*|xnode)\.ts/],
  ['parse (JSON body)', /\/node_modules\/(secure-json-parse)\/|content-type-parser/],
  ['validate (ajv, schemas)', /\/node_modules\/(ajv|ajv-formats|fast-uri|typebox|@fastify\/ajv-compiler|fast-deep-equal)\/|\/src\/mappings\/schemas\/|^ ajv-generated/],
  ['map (src/mappings)', /\/src\/mappings\//],
  // safe-stable-stringify is the canonical JSON the intake hashes (src/services/intake), not a response.
  ['hash (canonical JSON + crypto)', /^node:(internal\/)?crypto|\/node_modules\/(standardwebhooks|safe-stable-stringify)\//],
  ['compress (zlib)', /^node:(internal\/)?zlib|codec/],
  ['Redis client (ioredis, bullmq, src/store, src/queue)', /\/node_modules\/(ioredis|@ioredis|redis-parser|redis-errors|bullmq|cluster-key-slot|denque|msgpackr|cron-parser)\/|\/src\/(store|queue)\//],
  ['logging (pino)', /\/node_modules\/(pino|pino-std-serializers|sonic-boom|thread-stream|fast-redact|@pinojs\/redact|on-exit-leak-free|quick-format-unescaped|atomic-sleep)\//],
  ['response serialisation', /\/node_modules\/(fast-json-stringify|json-schema-ref-resolver)\//],
  ['metrics (prom-client)', /\/node_modules\/(prom-client|tdigest|bintrees)\/|\/src\/adapters\/metrics\.ts/],
  ['HTTP (fastify, node:http, net)', /\/node_modules\/(fastify|@fastify|find-my-way|avvio|light-my-request|fastify-plugin|toad-cache|rfdc|abstract-logging|process-warning|fast-querystring|ret|safe-regex2|content-type|undici|secure-json-parse|proxy-addr|forwarded|ipaddr\.js|cookie|helmet|fastq|reusify)\/|^node:(_http|http|net|internal\/http|internal\/stream|stream|internal\/streams|events|internal\/event_target|internal\/url|url|internal\/timers|timers|internal\/async_hooks|internal\/process\/task_queues|internal\/dns)/],
  ['src/services (own workflow)', /\/src\/services\//],
  ['src/adapters (portal, webhooks)', /\/src\/adapters\//],
  ['src/http (routes, plugins)', /\/src\/http\//],
  ['src/domain', /\/src\/domain\//],
  ['src other', /\/src\//],
  ['tsx loader', /\/node_modules\/(tsx|esbuild|get-tsconfig)\//],
  ['piscina (XML pool)', /\/node_modules\/piscina\//],
  ['node internals (other)', /^node:/]
]

const PLUMBING = /^node:(net|stream|events|buffer|internal\/(stream_base_commons|streams\/|buffer|net|event_target|process\/task_queues|timers))/
const SOCKET = /^(writev|writeUtf8String|writeBuffer|writeLatin1String|writeAsciiString|writeUcs2String|readStart|readStop|shutdown|close)$/

export function category (f: CallFrame): string {
  // (program), (idle), (garbage collector) have no url; ajv's compiled validators have none either.
  const key = f.url === '' ? (f.functionName.startsWith('(') ? f.functionName : /^validate/.test(f.functionName) ? ' ajv-generated' : '(native/builtin)') : f.url
  for (const [name, re] of RULES) if (re.test(key)) return name
  return key === '(native/builtin)' ? 'builtins (JSON, RegExp, Buffer… called from JS)' : 'other libraries'
}

export interface Summary {
  /** Milliseconds of samples inside the window (all of the profile when there is no window). */
  totalMs: number
  idleMs: number
  byCategory: Array<{ name: string, ms: number }>
  byFunction: Array<{ name: string, category: string, ms: number }>
}

/** `window` is [start, end] in the profile's clock (microseconds, CLOCK_MONOTONIC on Linux, as process.hrtime). */
export function summarise (file: string, window?: [number, number]): Summary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const nodes = new Map(p.nodes.map(n => [n.id, n]))
  const self = new Map<number, number>()
  let t = p.startTime
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0
    // A sample's duration is the gap to the next one.
    const dur = p.timeDeltas[i + 1] ?? 0
    if (window !== undefined && (t < window[0] || t > window[1])) continue
    const id = p.samples[i] as number
    self.set(id, (self.get(id) ?? 0) + dur)
  }
  // Native frames (no url: builtins, C++ bindings) take the category of the nearest JS caller
  // outside Node's stream plumbing, so a socket write is charged to HTTP or to the Redis client.
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const catOf = (id: number): string => {
    const f = (nodes.get(id) as ProfileNode).callFrame
    if (f.url !== '' || f.functionName.startsWith('(') || /^validate/.test(f.functionName)) return category(f)
    for (let a = parent.get(id); a !== undefined; a = parent.get(a)) {
      const af = (nodes.get(a) as ProfileNode).callFrame
      if (af.url === '' || PLUMBING.test(af.url)) continue
      const c = category(af)
      return SOCKET.test(f.functionName) ? `socket I/O (kernel), for ${c}` : c
    }
    return category(f)
  }
  const byCat = new Map<string, number>()
  const byFn = new Map<string, { category: string, us: number }>()
  let total = 0
  let idle = 0
  for (const [id, us] of self) {
    const f = (nodes.get(id) as ProfileNode).callFrame
    const cat = catOf(id)
    total += us
    if (cat === 'idle') idle += us
    byCat.set(cat, (byCat.get(cat) ?? 0) + us)
    const where = f.url === '' ? '' : ` ${shortUrl(f.url)}:${f.lineNumber + 1}`
    const name = `${f.functionName === '' ? '(anonymous)' : f.functionName}${where}`
    const e = byFn.get(name) ?? { category: cat, us: 0 }
    e.us += us
    byFn.set(name, e)
  }
  return {
    totalMs: total / 1000,
    idleMs: idle / 1000,
    byCategory: [...byCat].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms),
    byFunction: [...byFn].map(([name, e]) => ({ name, category: e.category, ms: e.us / 1000 })).sort((a, b) => b.ms - a.ms)
  }
}

function shortUrl (url: string): string {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  const nm = path.lastIndexOf('/node_modules/')
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length)
  const src = path.search(/\/(src|bench|support|simulator)\//)
  return src >= 0 ? path.slice(src + 1) : path
}

/** Markdown tables: categories (share of busy CPU, µs per request when `requests` is known) and the top functions. */
export function formatSummary (s: Summary, requests?: number, top = 25): string {
  const busy = s.totalMs - s.idleMs
  const per = (ms: number): string => requests === undefined || requests === 0 ? '–' : (ms * 1000 / requests).toFixed(0)
  const lines = [
    `profiled ${s.totalMs.toFixed(0)} ms of samples, ${busy.toFixed(0)} ms busy (not idle)${requests === undefined ? '' : `, ${requests} requests: ${per(busy)} µs of CPU each on this thread`}`,
    '',
    '| category | CPU ms (self) | share of busy | µs per request |',
    '|---|---|---|---|'
  ]
  for (const c of s.byCategory) if (c.name !== 'idle') lines.push(`| ${c.name} | ${c.ms.toFixed(0)} | ${(c.ms / busy * 100).toFixed(1)}% | ${per(c.ms)} |`)
  lines.push('', `| top ${top} functions by self time | category | CPU ms | share of busy |`, '|---|---|---|---|')
  for (const f of s.byFunction.filter(f => f.category !== 'idle').slice(0, top)) lines.push(`| \`${f.name}\` | ${f.category} | ${f.ms.toFixed(0)} | ${(f.ms / busy * 100).toFixed(1)}% |`)
  return lines.join('\n')
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const file = process.argv[2]
  if (file === undefined) throw new Error('usage: bench/cpu-profile.ts <file.cpuprofile> [requests]')
  const w = join(dirname(file), 'window.json')
  const saved = existsSync(w) ? JSON.parse(readFileSync(w, 'utf8')) as { window: [number, number], requests: number } : undefined
  const requests = process.argv[3] === undefined ? saved?.requests : Number(process.argv[3])
  console.log(formatSummary(summarise(file, saved?.window), requests))
}
