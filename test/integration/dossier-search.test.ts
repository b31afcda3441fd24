/**
 * The list of all dossiers and the exact search (issue 17): the list pages exactly its set at
 * page sizes 1, 7 and 100 over sets of 1, 7 and 100 dossiers (ties on one instant included),
 * filters and totals as the failed list does, scoped by agency and system; search finds a
 * dossier by its code and by its receipt number, exactly, within scope; bad input is a 4xx
 * with a stable code.
 */
import t from 'tap'
import { Redis } from 'ioredis'
import { RedisServer } from '../../support/redis-server.js'
import { startGateway, type InProcessGateway } from '../helpers/gateway.js'
import { civilStatus, post } from '../../support/samples.js'
import { newKey } from '../../support/clients-file.js'
import { startSimulator, type RunningSimulator } from '../../simulator/index.js'

const BIG = '000.00.31.H42'
const SEVEN = '000.00.45.H42'
const ONE = '000.00.47.H42'
const landAdmin = newKey()
const sevenAdmin = newKey()
let redis: RedisServer
let sim: RunningSimulator
let gw: InProcessGateway
let r: Redis
const codes = new Map<string, string[]>([[BIG, []], [SEVEN, []], [ONE, []]])
const receipts = new Map<string, string>()

t.before(async () => {
  redis = await RedisServer.start()
  sim = await startSimulator({})
  gw = await startGateway({
    redisUrl: redis.url,
    portalUrl: sim.url,
    env: { RATE_LIMIT_MAX: '1000000' },
    extraClients: [
      { id: 'admin-land', key: landAdmin, role: 'admin', systems: ['land'] },
      { id: 'admin-seven', key: sevenAdmin, role: 'admin', agencies: [SEVEN] }
    ]
  })
  r = new Redis(redis.url)
  const plan: Array<[string, number]> = [[BIG, 92], [SEVEN, 7], [ONE, 1]]
  let n = 0
  for (const [agency, count] of plan) {
    for (let i = 0; i < count; i++) {
      const body = civilStatus(`S${n++}`, { coQuanDangKy: { maDinhDanh: agency, maXa: '18754', ten: 'UBND' } })
      const res = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', body)
      if (res.status !== 202 && res.status !== 200) throw new Error(res.text)
      codes.get(agency)?.push(res.json.maHoSo as string)
      receipts.set(res.json.maHoSo as string, body.soBienNhan)
    }
  }
  // A batch taken in at one instant: members of one score page in byte order, like any others.
  const key = `lt:{${BIG}}:all`
  const refs = await r.zrange(key, 0, 40)
  await r.zadd(key, 'XX', ...refs.flatMap(ref => [Date.now() - 60_000, ref]))
})
t.teardown(async () => {
  r.disconnect()
  await gw.close()
  await sim.close()
  await redis.close()
})

async function call (path: string, key = gw.keys.admin): Promise<{ status: number, json: any }> {
  const res = await fetch(`${gw.url}${path}`, { headers: { 'x-api-key': key } })
  return { status: res.status, json: await res.json() }
}

async function pageAll (path: string, limit: number, key = gw.keys.admin): Promise<{ items: Array<{ maHoSo: string, receivedAt: string }>, totals: number[] }> {
  const items = []
  const totals: number[] = []
  let cursor: string | undefined
  for (let i = 0; i < 1_000; i++) {
    const p = await call(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor === undefined ? '' : `&cursor=${cursor}`}`, key)
    if (p.status !== 200) throw new Error(JSON.stringify(p.json))
    items.push(...p.json.items)
    totals.push(p.json.total)
    cursor = p.json.nextCursor
    if (cursor === undefined) break
  }
  return { items, totals }
}

t.test('the list pages exactly its set: sets of 1, 7 and 100 at page sizes 1, 7 and 100', async t => {
  const sets: Array<[string, string[]]> = [
    [`/v1/admin/dossiers/all?agency=${ONE}`, codes.get(ONE) ?? []],
    [`/v1/admin/dossiers/all?agency=${SEVEN}`, codes.get(SEVEN) ?? []],
    ['/v1/admin/dossiers/all', [...codes.values()].flat()]
  ]
  for (const [path, want] of sets) {
    for (const limit of [1, 7, 100]) {
      const { items, totals } = await pageAll(path, limit)
      const got = items.map(i => i.maHoSo)
      t.equal(got.length, want.length, `${path} @${limit}: ${want.length} items, none twice`)
      t.same(new Set(got), new Set(want), `${path} @${limit}: exactly the set`)
      t.ok(totals.every(x => x === want.length), `${path} @${limit}: total ${want.length} on every page`)
      const times = items.map(i => Date.parse(i.receivedAt))
      t.ok(times.every((x, i) => i === 0 || (times[i - 1] as number) >= x), 'newest first')
    }
  }
})

t.test('filters: state, system, commune, from/to; the item says what the officer needs', async t => {
  const all = await call('/v1/admin/dossiers/all?limit=1')
  const item = all.json.items[0]
  t.match(item, { agency: String, system: 'civil-status', sourceId: /^HT-/, status: String, compacted: false, overdue: Boolean })
  t.match(item.receivedAt, /\+07:00$/, 'times in Asia/Ho_Chi_Minh')
  const bySystem = await call('/v1/admin/dossiers/all?system=civil-status&limit=500')
  t.equal(bySystem.json.total, 100, 'a filter on the entries counts exactly')
  t.equal((await call('/v1/admin/dossiers/all?system=land')).json.total, 0)
  const states = await Promise.all(['pending', 'delivered', 'failed'].map(async s => (await call(`/v1/admin/dossiers/all?state=${s}&limit=500`)).json))
  t.equal(states.reduce((n, s) => n + (s.total as number), 0), 100, 'every dossier is in one of its states')
  for (const [i, s] of ['pending', 'delivered', 'failed'].entries()) t.ok((states[i].items as Array<{ state: string }>).every(x => x.state === s), `state=${s} lists only ${s}`)
  t.equal((await call('/v1/admin/dossiers/all?commune=18754')).json.total, 100)
  t.equal((await call('/v1/admin/dossiers/all?commune=99999')).json.total, 0)
  t.equal((await call('/v1/admin/dossiers/all?to=2000-01-01T00:00:00%2B07:00')).json.total, 0, 'to bounds the time taken in')
  t.equal((await call('/v1/admin/dossiers/all?from=2000-01-01T00:00:00%2B07:00')).json.total, 100)
})

t.test('scope: an admin limited to an agency or to another system sees only theirs', async t => {
  const seven = await pageAll('/v1/admin/dossiers/all', 3, sevenAdmin)
  t.same(new Set(seven.items.map(i => i.maHoSo)), new Set(codes.get(SEVEN)), 'the agency admin sees its seven')
  const land = await call('/v1/admin/dossiers/all', landAdmin)
  t.equal(land.json.total, 0)
  t.same(land.json.items, [])
  const code = codes.get(BIG)?.[0] as string
  t.same((await call(`/v1/admin/dossiers/search?q=${code}`, sevenAdmin)).json.items, [], 'a code of another agency is not found')
  t.same((await call(`/v1/admin/dossiers/search?q=${receipts.get(code) ?? ''}`, landAdmin)).json.items, [], 'nor a receipt of another system')
  const own = codes.get(SEVEN)?.[2] as string
  t.equal((await call(`/v1/admin/dossiers/search?q=${own}`, sevenAdmin)).json.items[0]?.maHoSo, own)
})

t.test('search: exact by code and by receipt number, nothing by a part of either', async t => {
  const code = codes.get(SEVEN)?.[3] as string
  const byCode = await call(`/v1/admin/dossiers/search?q=${encodeURIComponent(code)}`)
  t.equal(byCode.status, 200)
  t.equal(byCode.json.items.length, 1)
  t.match(byCode.json.items[0], { maHoSo: code, agency: SEVEN, matchedBy: 'code', sourceId: receipts.get(code) })
  const receipt = receipts.get(code) as string
  const byReceipt = await call(`/v1/admin/dossiers/search?q=${encodeURIComponent(receipt)}`)
  t.equal(byReceipt.json.items.length, 1)
  t.match(byReceipt.json.items[0], { maHoSo: code, matchedBy: 'receipt' })
  t.same((await call(`/v1/admin/dossiers/search?q=${encodeURIComponent(code.slice(0, -1))}`)).json.items, [], 'a code cut short finds nothing')
  t.same((await call(`/v1/admin/dossiers/search?q=${encodeURIComponent(receipt.slice(3))}`)).json.items, [], 'nor a part of a receipt')
  t.same((await call('/v1/admin/dossiers/search?q=Nguyễn')).json.items, [], 'a name finds nothing')
})

t.test('bad input is a 4xx with a stable code and both languages', async t => {
  const bad: Array<[string, string]> = [
    ['/v1/admin/dossiers/all?limit=0', 'VALIDATION_FAILED'],
    ['/v1/admin/dossiers/all?state=lost', 'VALIDATION_FAILED'],
    ['/v1/admin/dossiers/all?from=yesterday', 'VALIDATION_FAILED'],
    ['/v1/admin/dossiers/all?cursor=xyz', 'BAD_CURSOR'],
    ['/v1/admin/dossiers/all?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'BAD_RANGE'],
    ['/v1/admin/dossiers/search', 'VALIDATION_FAILED'],
    ['/v1/admin/dossiers/search?q=', 'VALIDATION_FAILED'],
    ['/v1/admin/dossiers/search?q=%20HT-1', 'VALIDATION_FAILED'],
    [`/v1/admin/dossiers/search?q=${'x'.repeat(101)}`, 'VALIDATION_FAILED']
  ]
  for (const [path, code] of bad) {
    const res = await call(path)
    t.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`)
    t.equal(typeof res.json.code, 'string', `${path}: ${res.json.code}`)
    if (code !== '') t.equal(res.json.code, code)
    t.match(res.json.message, { vi: String, en: String })
  }
  t.equal((await call('/v1/admin/dossiers/all', gw.keys['civil-status'] as string)).status, 403, 'a sector key is refused')
})

t.test('a dossier written before the index is listed from its next change, at the time it was taken in', async t => {
  const code = codes.get(SEVEN)?.[0] as string
  const ref = `civil-status:${receipts.get(code) ?? ''}`
  const key = `lt:{${SEVEN}}:all`
  const createdAt = Number(await r.hget(`lt:{${SEVEN}}:d:${ref}`, 'createdAt'))
  t.equal(Number(await r.zscore(key, ref)), createdAt, 'scored by when it was taken in')
  await r.zrem(key, ref)
  const before = await call(`/v1/admin/dossiers/all?agency=${SEVEN}`)
  t.equal(before.json.total, 6, 'the list reads the index, not the records')
  t.notOk(before.json.items.some((i: { maHoSo: string }) => i.maHoSo === code))
  t.equal((await call(`/v1/admin/dossiers/search?q=${code}`)).json.items.length, 1, 'search needs no entry in it')
  const body = civilStatus('x', { soBienNhan: receipts.get(code), coQuanDangKy: { maDinhDanh: SEVEN, maXa: '18754', ten: 'UBND' }, ngayHenTra: '2025-07-09' })
  const res = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', body)
  t.equal(res.json.maHoSo, code, res.text)
  t.equal(Number(await r.zscore(key, ref)), createdAt, 'back, at the time it was first taken in')
  t.equal((await call(`/v1/admin/dossiers/all?agency=${SEVEN}`)).json.total, 7)
})
