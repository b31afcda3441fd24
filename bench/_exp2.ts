import zlib from 'node:zlib'
import fs from 'node:fs'
import { Redis } from 'ioredis'
import { RedisServer } from '../support/redis-server.js'
const N = 20000
const rs = await RedisServer.start({ appendfsync: 'everysec' })
const r = new Redis(rs.url)
const mem = async () => Number(/used_memory:(\d+)/.exec(await r.info('memory'))![1])
const { h, raw } = JSON.parse(fs.readFileSync('/tmp/hb/tmpl.json', 'utf8')) as { h: Record<string, string>, raw: string }
const blank = (o: any): any => Array.isArray(o) ? o.map(blank) : o && typeof o === 'object' ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, blank(v)])) : typeof o === 'string' ? '' : typeof o === 'number' ? 0 : o
const ix = raw.indexOf('\n')
const dict = Buffer.from([JSON.stringify(blank(JSON.parse(raw.slice(ix + 1)))), JSON.stringify(blank(JSON.parse(raw.slice(0, ix)))), JSON.stringify(blank(JSON.parse(h.provenance!))), JSON.stringify(blank(JSON.parse(h.input!)))].join('\n'))
async function variant (name: string, f: (i: number, p: ReturnType<Redis['pipeline']>) => void) {
  await r.flushall(); const m0 = await mem()
  for (let b = 0; b < N; b += 1000) { const p = r.pipeline(); for (let i = b; i < b + 1000; i++) f(i, p); await p.exec() }
  const m1 = await mem(); console.log(name.padEnd(40), ((m1 - m0) / N).toFixed(0))
}
const tag = (i: number) => `lt:{000.00.${10 + (i % 90)}.H42}`
const ref = (i: number) => `civil-status:HT-18754-2025-${i}`
const { input, provenance, ...small } = h
const idx = (i: number, p: ReturnType<Redis['pipeline']>) => {
  p.hset(`${tag(i)}:codes`, `000.00.${10 + (i % 90)}.H42-250702-${String(i).padStart(5, '0')}`, ref(i))
  p.zadd(`${tag(i)}:outbox`, Date.now(), ref(i)); p.zadd(`${tag(i)}:due`, Date.now(), ref(i))
}
const joint = (i: number) => input!.replace('HT-18754-2025-811', `HT-18754-2025-${i}`) + '\n' + provenance + '\n' + raw.replace('HT-18754-2025-811', `HT-18754-2025-${i}`)
await variant('indexes only', idx)
await variant('small hash only', (i, p) => { p.hset(`${tag(i)}:d:${ref(i)}`, { ...small, sourceId: `HT-18754-2025-${i}` }) })
await variant('S2 nodict', (i, p) => { p.hset(`${tag(i)}:d:${ref(i)}`, { ...small, sourceId: `HT-18754-2025-${i}` }); p.set(`${tag(i)}:doc:${ref(i)}`, zlib.deflateRawSync(joint(i))); idx(i, p) })
await variant('S2 dict', (i, p) => { p.hset(`${tag(i)}:d:${ref(i)}`, { ...small, sourceId: `HT-18754-2025-${i}` }); p.set(`${tag(i)}:doc:${ref(i)}`, zlib.deflateRawSync(joint(i), { dictionary: dict })); idx(i, p) })
await variant('S1 dict: doc(in+prov) + raw list', (i, p) => { p.hset(`${tag(i)}:d:${ref(i)}`, { ...small, sourceId: `HT-18754-2025-${i}` }); p.set(`${tag(i)}:doc:${ref(i)}`, zlib.deflateRawSync(input! + provenance, { dictionary: dict })); p.lpush(`${tag(i)}:raw:${ref(i)}`, zlib.deflateRawSync(raw + i, { dictionary: dict })); p.pexpire(`${tag(i)}:raw:${ref(i)}`, 1e10); idx(i, p) })
await variant('S5 dict: doc(in+prov) + raw string', (i, p) => { p.hset(`${tag(i)}:d:${ref(i)}`, { ...small, sourceId: `HT-18754-2025-${i}` }); p.set(`${tag(i)}:doc:${ref(i)}`, zlib.deflateRawSync(input! + provenance, { dictionary: dict })); p.set(`${tag(i)}:raw:${ref(i)}`, zlib.deflateRawSync(raw + i, { dictionary: dict }), 'PX', 1e10); idx(i, p) })
console.log('small hash encoding', await r.object('ENCODING', `${tag(5)}:d:${ref(5)}`))
r.disconnect(); await rs.close()
