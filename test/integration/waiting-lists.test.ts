/**
 * What waits for a person, from sorted indexes: the failed list pages exactly its set (ties on
 * one instant included), the overview counts without listing, unmatched callbacks are capped,
 * newest first, scoped and audited, data written with the old set indexes still lists, and a
 * bulk replay that fails for good ends `failed`.
 */
import t from 'tap'
import { startGateway } from '../helpers/gateway.js'
import { civilStatus, post } from '../../support/samples.js'
import { newKey } from '../../support/clients-file.js'
import { waitFor } from '../../support/wait.js'
import { useStack } from '../helpers/fixture.js'

const AGENCY = '000.00.31.H42'
const SECRET = 'lienthong-callback-test'
const landAdmin = newKey()

const { redis, sim, gw, db: r } = useStack(t, {
  simulator: { callbackSecret: SECRET },
  env: { PORTAL_CALLBACK_SECRET: SECRET, UNMATCHED_MAX_PER_AGENCY: '5', RATE_LIMIT_MAX: '1000000' },
  extraClients: [{ id: 'admin-land', key: landAdmin, role: 'admin', systems: ['land'] }],
  db: true
})

async function call (path: string, key = gw.keys.admin, init: RequestInit = {}): Promise<{ status: number, json: any }> {
  const res = await fetch(`${gw.url}${path}`, { ...init, headers: { 'x-api-key': key, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) } })
  return { status: res.status, json: await res.json() }
}

async function pageAll (path: string, limit: number, key = gw.keys.admin): Promise<Array<{ maHoSo: string, at: string, kind: string }>> {
  const out = []
  let cursor: string | undefined
  for (let i = 0; i < 10_000; i++) {
    const p = await call(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor === undefined ? '' : `&cursor=${cursor}`}`, key)
    if (p.status !== 200) throw new Error(JSON.stringify(p.json))
    out.push(...p.json.items)
    cursor = p.json.nextCursor
    if (cursor === undefined) break
  }
  return out
}

const failedKey = `lt:{${AGENCY}}:sx:failed`
const N = 40
let failedCodes: string[] = []

t.test('the failed list pages exactly its set at sizes 1, 7 and 100, with ties on one instant', async t => {
  sim.setFaults({ script: Array.from({ length: 2 * N }, () => ({ kind: 'error' as const, code: '-1', message: 'Từ chối', service: 'DongBoHoSoMC' })) })
  for (let i = 0; i < N; i++) {
    const res = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(`WF-${i}`))
    failedCodes.push(res.json.maHoSo as string)
  }
  await waitFor(async () => await r.zcard(failedKey) === N, { what: `${N} failed`, timeoutMs: 120_000 })
  sim.setFaults({}, { replace: true })
  // A batch that failed at one instant: half of them share one score.
  const refs = await r.zrange(failedKey, 0, N / 2 - 1)
  const instant = Date.now() - 60_000
  await r.zadd(failedKey, 'XX', ...refs.flatMap(ref => [instant, ref]))
  const all = await call('/v1/admin/failed?kind=delivery&limit=500')
  t.equal(all.json.total, N, 'total from the index')
  t.equal(all.json.items.length, N)
  const times = all.json.items.map((i: { at: string }) => Date.parse(i.at))
  t.ok(times.every((x: number, i: number) => i === 0 || times[i - 1] >= x), 'newest first')
  for (const size of [1, 7, 100]) {
    const seen = await pageAll('/v1/admin/failed?kind=delivery', size)
    t.same(seen.map(i => i.maHoSo), all.json.items.map((i: { maHoSo: string }) => i.maHoSo), `limit=${size}: the same list, each once, in order`)
  }
  // A filter on a record field pages the same way, with an exact total.
  const byReason = await pageAll('/v1/admin/failed?reason=PORTAL_REJECTED', 7)
  t.equal(byReason.length, N)
  t.equal((await call('/v1/admin/failed?reason=PORTAL_REJECTED&limit=1')).json.total, N)
  t.equal((await call('/v1/admin/failed?reason=NO_ROUTE&limit=1')).json.total, 0)
  // An admin limited to another system sees none of them.
  t.equal((await call('/v1/admin/failed?kind=delivery', landAdmin)).json.total, 0, 'scoped')
  const from = new Date(instant - 1).toISOString()
  const to = new Date(instant + 1).toISOString()
  t.equal((await call(`/v1/admin/failed?from=${from}&to=${to}`)).json.total, N / 2, 'from/to are score bounds')
  const reversed = await call(`/v1/admin/failed?from=${to}&to=${from}`)
  t.same([reversed.status, reversed.json.code, reversed.json.field], [400, 'BAD_RANGE', 'from'], 'a range that ends before it starts is refused, not empty')
})

t.test('the overview counts without listing', async t => {
  // The commands of one API-only gateway, seen by MONITOR: the worker gateway beside it reads
  // lists on its own schedule, so a server-wide command count would measure it too.
  const addrs = async (): Promise<Set<string>> => new Set((await r.client('LIST') as string).split('\n').map(l => /addr=(\S+)/.exec(l)?.[1]).filter((a): a is string => a !== undefined))
  const others = await addrs()
  const api = await startGateway({ redisUrl: redis.url, portalUrl: sim.url, env: { ROLE: 'api', PORTAL_CALLBACK_SECRET: SECRET, RATE_LIMIT_MAX: '1000000' }, clients: { file: gw.clientsFile, keys: gw.keys } })
  t.teardown(async () => { await api.close() })
  const count = async (): Promise<{ status: number, json: any }> => {
    const res = await fetch(`${api.url}/v1/admin/failed/counts`, { headers: { 'x-api-key': gw.keys.admin } })
    return { status: res.status, json: await res.json() }
  }
  t.equal((await count()).status, 200, 'warm: every connection of the API gateway is open')
  const mine = [...await addrs()].filter(a => !others.has(a))
  t.ok(mine.length > 0, 'the API gateway has its own connections')
  const seen: string[] = []
  let marked = false
  const monitor = await r.monitor()
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (mine.includes(source)) seen.push(String(args[0]).toLowerCase())
    if (String(args[0]).toLowerCase() === 'echo' && args[1] === 'overview-done') marked = true
  })
  const c = await count()
  // The server feeds MONITOR in the order it runs commands: once the marker is seen, so is
  // every command of the request before it.
  await waitFor(async () => { await r.echo('overview-done'); return marked }, { what: 'the monitor saw the marker' })
  monitor.disconnect()
  t.equal(c.json.counts.delivery, N)
  t.equal(c.json.counts.callback, 0)
  for (const cmd of ['zrange', 'hmget', 'hgetall', 'lrange', 'hscan', 'scan']) t.equal(seen.filter(x => x === cmd).length, 0, `no ${cmd}`)
  t.ok(seen.filter(x => x === 'zcount').length >= 5, `one ZCOUNT per kind (${seen.join(' ')})`)
  const page = await fetch(`${gw.url}/admin/`, { redirect: 'manual' })
  t.ok(page.status < 500, 'the overview answers')
})

t.test('unmatched callbacks: capped per agency, newest first, scoped and audited', async t => {
  for (let i = 0; i < 8; i++) {
    const res = await sim.sendCallback({ url: `${gw.url}/v1/portal/callbacks`, event: { MaSuKien: `orphan-${i}`, LoaiSuKien: 'RutHoSo', MaHoSo: `${AGENCY}-250701-0900${i}`, DuLieu: { LyDo: 'x' } }, maxAttempts: 1 })
    t.equal(res.finalStatus, 200)
  }
  const list = await call('/v1/admin/callbacks/unmatched')
  t.same(list.json.items.map((i: { maSuKien: string }) => i.maSuKien), ['orphan-7', 'orphan-6', 'orphan-5', 'orphan-4', 'orphan-3'], 'the newest five, newest first')
  t.equal(await r.hlen(`lt:{${AGENCY}}:unmdata`), 5, 'the oldest are gone with their data')
  const paged = await pageAll('/v1/admin/callbacks/unmatched', 2)
  t.equal(paged.length, 5, 'pages to the five')
  t.equal((await call('/v1/admin/callbacks/unmatched', landAdmin)).json.items.length, 0, 'an admin limited to some systems sees none')
  t.equal((await call('/v1/admin/failed?kind=callback', landAdmin)).json.total, 0)
  t.equal((await call('/v1/admin/failed?kind=callback')).json.total, 5)
  const audit = (await call('/v1/admin/audit')).json.items as Array<{ action: string, actor: string, count?: number }>
  t.ok(audit.some(a => a.action === 'callbacks.unmatched.read' && a.actor === 'admin' && a.count === 5), 'the read is audited')
  t.ok(audit.some(a => a.action === 'callbacks.unmatched.read' && a.actor === 'admin-land'), 'also an empty one')
})

t.test('data written with the set indexes still lists (upgraded on first read)', async t => {
  // As an older version wrote it: a set index, a failure hash alone, a list of callbacks.
  const ref = (await r.zrange(failedKey, 0, 0))[0] as string
  await r.zrem(failedKey, ref)
  await r.sadd(`lt:{${AGENCY}}:state:failed`, ref)
  await r.rpush(`lt:{${AGENCY}}:unmatched`, JSON.stringify({ at: new Date().toISOString(), reason: 'UNKNOWN_DOSSIER', maSuKien: 'legacy-1', type: 'RutHoSo', maHoSo: `${AGENCY}-250701-09999`, body: '{}' }))
  const list = await call('/v1/admin/failed?limit=500')
  t.equal(list.json.items.filter((i: { kind: string }) => i.kind === 'delivery').length, N, 'the legacy entry listed again')
  t.ok(list.json.items.some((i: { maSuKien?: string }) => i.maSuKien === 'legacy-1'), 'the legacy callback listed')
  t.equal(await r.exists(`lt:{${AGENCY}}:state:failed`, `lt:{${AGENCY}}:unmatched`), 0, 'the old keys are gone')
})

t.test('a bulk replay that fails for good ends failed, with its reason', async t => {
  const job = await call('/v1/admin/replays', gw.keys.admin, { method: 'POST', body: JSON.stringify({ filter: { system: 'civil-status' } }) })
  t.equal(job.status, 202)
  const id = job.json.id as string
  // Its stored filter is unreadable: every attempt fails.
  await r.hset(`lt:replay:${id}`, 'filter', '{not json')
  await waitFor(async () => (await r.hget(`lt:replay:${id}`, 'state')) !== 'queued' && (await r.hget(`lt:replay:${id}`, 'state')) !== 'running', { what: 'the job over', timeoutMs: 60_000 })
  const end = await r.hgetall(`lt:replay:${id}`)
  t.equal(end.state, 'failed')
  t.match(end.reason, /JSON/)
  const audit = (await call('/v1/admin/audit')).json.items as Array<{ action: string, target?: string, outcome: string }>
  t.ok(audit.some(a => a.action === 'replay.finished' && a.target === id && a.outcome === 'failed'), 'audited')
})

t.test('a bulk replay walks the index: each failed dossier replayed once', async t => {
  const job = await call('/v1/admin/replays', gw.keys.admin, { method: 'POST', body: JSON.stringify({ filter: { reason: 'PORTAL_REJECTED' } }) })
  const id = job.json.id as string
  await waitFor(async () => (await call(`/v1/admin/replays/${id}`)).json.state === 'done', { what: 'done', timeoutMs: 120_000 })
  const end = (await call(`/v1/admin/replays/${id}`)).json
  t.equal(end.matched, N)
  t.equal(end.done, N)
  await waitFor(() => failedCodes.every(c => sim.state.dossier(c)?.creates === 1), { what: 'all on the portal', timeoutMs: 120_000 })
  failedCodes = []
})
