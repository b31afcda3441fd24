/**
 * Centre statistics against a brute-force count: thousands of dossiers with random lifecycles
 * (seeded), their bumps applied through STATS_BUMP one transition at a time as the write paths
 * would, and every query compared with a count over the dossiers kept in memory.
 */
import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { RedisServer } from '../../support/redis-server.js'
import { makeClients, newKey } from '../../support/clients-file.js'
import { loadConfig } from '../../src/config.js'
import configPlugin from '../../src/http/plugins/config.js'
import errorHandler from '../../src/http/plugins/error-handler.js'
import redisPlugin from '../../src/http/plugins/redis.js'
import clientsPlugin from '../../src/http/plugins/clients.js'
import authPlugin from '../../src/http/plugins/auth.js'
import { may } from '../../src/domain/access.js'
import { statsRoutes } from '../../src/http/routes/stats.js'
import { dimsOf, encodeBumps, FINAL_STATUSES, localDay, unpackCounts } from '../../src/domain/stats-dimensions.js'
import { StatsQuery, figuresOf, lastDays, plan, zeroCounts, type Counts, type StatsFilter } from '../../src/store/stats/query.js'
import { StatsStore, statsPrefix } from '../../src/store/stats/stats-store.js'
import { synthesise, type SynthDossier, type World } from '../../support/stats-synthetic.js'

const PREFIX = 'st'
const N = Number(process.env.STATS_TEST_DOSSIERS ?? 4000)
const NOW = Date.parse('2025-09-05T10:00:00+07:00')
const world: World = {
  agencies: [
    { code: '000.00.10.H42', communes: ['18001', '18002'] },
    { code: '000.00.11.H42', communes: ['18003'] },
    { code: '000.00.12.H42', communes: ['18004', '18005', '18006'] },
    { code: '000.20.31.H42', communes: ['18001'] },
    { code: '000.00.10.H44', communes: ['19001', '19002'] },
    { code: '000.00.11.H44', communes: ['19003'] }
  ],
  procedures: [
    { code: '1.001193', system: 'civil-status' },
    { code: '1.000656', system: 'civil-status' },
    { code: '1.004227.000.00.00.H42', system: 'land' },
    { code: '1.003003', system: 'land' },
    { code: '1.001612', system: 'social-insurance' },
    { code: '1.002000', system: 'social-insurance' }
  ],
  start: '2025-05-20',
  days: 100
}

let server: RedisServer
let redis: Redis
let stats: StatsQuery
const dossiers: SynthDossier[] = []

t.before(async () => {
  server = await RedisServer.start({ appendfsync: 'everysec' })
  redis = new Redis(server.url)
  stats = new StatsQuery(redis, PREFIX)
  const store = new StatsStore(redis, PREFIX)
  let p = redis.pipeline()
  let queued = 0
  for (const { dossier: d, steps } of synthesise(world, N, 20250705, NOW)) {
    dossiers.push(d)
    const dims = dimsOf(d)
    p.sadd(`${PREFIX}:agencies`, d.agency)
    // One call per transition, as each write path's script applies its own.
    for (const bumps of steps) store.bumpIn(p, d.agency, dims, encodeBumps(bumps))
    if (++queued % 500 === 0) { await p.exec(); p = redis.pipeline() }
  }
  await p.exec()
})
t.teardown(async () => {
  redis.disconnect()
  await server.close()
})

/** The brute force: straight from each dossier's history, never from the counters. */
function count (f: StatsFilter): { totals: Counts, groups: Map<string, Counts>, overdueOpen: number } {
  const totals = zeroCounts()
  const groups = new Map<string, Counts>()
  let overdueOpen = 0
  const inRange = (day: string): boolean => day >= f.from && day <= f.to
  const add = (day: string, m: keyof Counts, n: number): void => {
    if (!inRange(day)) return
    totals[m] += n
    const period = f.groupBy === 'day' ? day : f.groupBy === 'month' ? day.slice(0, 7) : ''
    const g = groups.get(period) ?? zeroCounts()
    groups.set(period, g)
    g[m] += n
  }
  for (const d of dossiers) {
    if (f.agency !== undefined && d.agency !== f.agency) continue
    if (f.province !== undefined && d.agency.split('.').at(-1) !== f.province) continue
    if (f.agencies !== undefined && !f.agencies(d.agency)) continue
    if (f.commune !== undefined && d.communeCode !== f.commune) continue
    if (f.system !== undefined && d.system !== f.system) continue
    if (f.procedure !== undefined && d.procedure !== f.procedure) continue
    if (f.channel !== undefined && d.channel !== f.channel) continue
    const cohort = localDay(d.receivedAt)
    add(cohort, 'received', 1)
    if (d.channel === 'online') add(cohort, 'online', 1)
    if (d.digitised) add(cohort, 'digitised', 1)
    if (d.paidOnline) add(cohort, 'paidOnline', 1)
    if (d.rating !== undefined) { add(cohort, 'ratingSum', d.rating); add(cohort, 'ratingCount', 1) }
    let prev: string | undefined
    let resolved = false
    for (const e of d.events) {
      const day = localDay(e.at)
      if (e.to !== prev) {
        if (!resolved && (e.to === '9' || e.to === '10')) {
          resolved = true
          if (Date.parse(e.at) > Date.parse(e.dueAt)) add(day, 'resolvedLate', 1)
          else if (day < localDay(e.dueAt)) add(day, 'resolvedEarly', 1)
          else add(day, 'resolvedOnTime', 1)
        }
        if (e.to === '5') add(day, 'supplementRequests', 1)
        if (e.to === '7') add(day, 'withdrawn', 1)
        if (e.to === '3') add(day, 'refused', 1)
      }
      prev = e.to
    }
    const last = d.events.at(-1)
    if (last !== undefined && !resolved && !FINAL_STATUSES.has(last.to) && NOW > Date.parse(last.dueAt)) overdueOpen++
  }
  return { totals, groups, overdueOpen }
}

const scope = (a: string): boolean => may({ role: 'sector', agencies: ['000.00.10.H42', '*.H44'] }, 'list', { agency: a })
const cases: Array<[string, StatsFilter]> = [
  ['everything, the whole span and days with no data around it', { from: '2025-05-01', to: '2025-09-30' }],
  ['province, crossing months', { province: 'H42', from: '2025-05-25', to: '2025-08-10' }],
  ['a commune received in by two agencies, by month', { commune: '18001', from: '2025-05-20', to: '2025-09-05', groupBy: 'month' }],
  ['a system, by day, across a month end', { system: 'land', from: '2025-06-25', to: '2025-07-05', groupBy: 'day' }],
  ['procedure and channel, whole months only', { procedure: '1.001193', channel: 'online', from: '2025-06-01', to: '2025-07-31' }],
  ['procedure and channel, by month with partial edges', { procedure: '1.004227.000.00.00.H42', channel: 'in-person', from: '2025-06-15', to: '2025-08-20', groupBy: 'month' }],
  ['one agency, one day', { agency: '000.00.12.H42', from: '2025-07-01', to: '2025-07-01' }],
  ['the caller\'s scope with its system', { agencies: scope, system: 'civil-status', from: '2025-05-20', to: '2025-09-05', groupBy: 'month' }],
  ['province H44 and a channel, by day over a month', { province: 'H44', channel: 'postal', from: '2025-07-01', to: '2025-07-31', groupBy: 'day' }],
  ['nothing matches', { commune: '99999', from: '2025-06-01', to: '2025-06-30' }]
]

t.test('every query agrees with a brute-force count over the dossiers', async t => {
  t.ok(dossiers.length === N)
  for (const [name, f] of cases) {
    const got = await stats.query(f)
    const want = count(f)
    t.same(got.totals, figuresOf(want.totals), `${name}: totals`)
    t.equal(got.overdueOpen, want.overdueOpen, `${name}: overdueOpen`)
    if (f.groupBy === undefined) {
      t.equal(got.groups, undefined)
    } else {
      const periods = [...new Set(plan(f.from, f.to, f.groupBy).map(r => r.period))]
      t.same(got.groups, periods.map(p => ({ period: p, ...figuresOf(want.groups.get(p) ?? zeroCounts()) })), `${name}: groups`)
    }
  }
})

t.test('the counters are not trivially zero or trivially equal', async t => {
  const all = await stats.query({ from: '2025-05-01', to: '2025-09-30' })
  t.equal(all.totals.received, N, 'every dossier received once')
  for (const k of ['online', 'digitised', 'paidOnline', 'resolvedEarly', 'resolvedOnTime', 'resolvedLate', 'supplementRequests', 'withdrawn', 'refused', 'ratings'] as const) {
    t.ok(all.totals[k] > 0, `${k} occurs`)
  }
  t.ok(all.overdueOpen > 0, 'some dossiers are overdue now')
  t.ok(all.totals.onTimeRate !== null && all.totals.onTimeRate > 0 && all.totals.onTimeRate < 1)
  const june = await stats.query({ from: '2025-06-01', to: '2025-06-30' })
  const h42 = await stats.query({ province: 'H42', from: '2025-06-01', to: '2025-06-30' })
  const h44 = await stats.query({ province: 'H44', from: '2025-06-01', to: '2025-06-30' })
  t.equal(h42.totals.received + h44.totals.received, june.totals.received, 'provinces partition the centre')
  t.ok(h42.totals.received > 0 && h44.totals.received > 0)
})

t.test('fields that return to zero are removed; totals match combinations; no key expires', async t => {
  for (const a of world.agencies) {
    const sp = statsPrefix(PREFIX, a.code)
    const open = await redis.hgetall(`${sp}:open`)
    t.notOk(Object.values(open).includes('0'), `${a.code}: no zero fields in the gauge`)
    t.equal(await redis.ttl(`${sp}:m:2025-07`), -1, 'month rollups never expire')
    t.equal(await redis.ttl(`${sp}:d:2025-07-01`), -1, 'nor do day buckets')
    const month = await redis.hgetall(`${sp}:m:2025-07`)
    const totals = await redis.hgetall(`${sp}:mt:2025-07`)
    // Packed fields (stats-apply.lua): `received` is the first of the twelve.
    const sum = Object.values(month).reduce((n, v) => n + (unpackCounts(v)[0] ?? 0), 0)
    t.equal(unpackCounts(totals['*'] ?? '0')[0], sum, `${a.code}: the totals hash is the sum of the combinations`)
  }
})

t.test('range limits', async t => {
  await t.rejects(stats.query({ from: '2024-01-01', to: '2025-02-04' }), { code: 'RANGE_TOO_LONG', field: 'to', statusCode: 422 })
  await t.resolves(stats.query({ from: '2024-09-05', to: '2025-09-05', groupBy: 'day' }), '366 days by day')
})

t.test('GET /v1/stats: auth, scope, validation', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'lt-stats-'))
  const sector = { id: 'hotich-h42-10', system: 'civil-status', agencies: ['000.00.10.H42', '*.H44'], key: newKey() }
  const { file, keys } = makeClients(dir, { extra: [sector] })
  const config = loadConfig({ REDIS_URL: server.url, CLIENTS_FILE: file, KEY_PREFIX: PREFIX, LOG_LEVEL: 'silent' }, { dotenv: false })
  const app: FastifyInstance = Fastify()
  await app.register(configPlugin, { config })
  await app.register(errorHandler)
  await app.register(redisPlugin)
  await app.register(clientsPlugin)
  await app.register(authPlugin)
  await app.register(statsRoutes)
  t.teardown(async () => { await app.close() })
  const get = async (qs: string, key?: string): Promise<{ status: number, json: any }> => {
    const res = await app.inject({ method: 'GET', url: `/v1/stats${qs}`, headers: key === undefined ? {} : { 'x-api-key': key } })
    return { status: res.statusCode, json: res.json() }
  }

  const anon = await get('?from=2025-06-01&to=2025-06-30')
  t.equal(anon.status, 401)
  t.equal(anon.json.code, 'UNAUTHENTICATED')

  const admin = await get('?province=H42&from=2025-05-25&to=2025-08-10&groupBy=month', keys.admin)
  t.equal(admin.status, 200)
  t.same(admin.json, await stats.query({ province: 'H42', from: '2025-05-25', to: '2025-08-10', groupBy: 'month' }), 'admins see the whole province')

  const own = await get('?from=2025-05-20&to=2025-09-05&groupBy=month', sector.key)
  t.equal(own.status, 200)
  const want = count({ agencies: scope, system: 'civil-status', from: '2025-05-20', to: '2025-09-05' })
  t.same(own.json.totals, figuresOf(want.totals), 'a sector client sees its agencies and its system only')
  t.equal(own.json.overdueOpen, want.overdueOpen)
  t.equal(own.json.filter.system, 'civil-status')
  t.ok(own.json.totals.received < admin.json.totals.received)

  const other = await get('?system=land', sector.key)
  t.equal(other.status, 403)
  t.same([other.json.code, other.json.field], ['FORBIDDEN_SYSTEM', 'system'])
  const outside = await get('?agency=000.00.12.H42', sector.key)
  t.equal(outside.status, 403)
  t.same([outside.json.code, outside.json.field], ['FORBIDDEN_AGENCY', 'agency'])
  const inside = await get('?agency=000.00.10.H44&from=2025-06-01&to=2025-06-30', sector.key)
  t.equal(inside.status, 200, 'an agency its pattern covers')
  t.same(inside.json.totals, figuresOf(count({ agency: '000.00.10.H44', system: 'civil-status', from: '2025-06-01', to: '2025-06-30' }).totals))

  const byDefault = await get('', keys.admin)
  t.equal(byDefault.status, 200)
  t.same([byDefault.json.from, byDefault.json.to], Object.values(lastDays(30)), 'the last 30 local days')

  const tooLong = await get('?from=2024-01-01&to=2025-02-04', keys.admin)
  t.equal(tooLong.status, 422)
  t.same([tooLong.json.code, tooLong.json.field], ['RANGE_TOO_LONG', 'to'])
  const noSuchDay = await get('?from=2025-02-30&to=2025-03-01', keys.admin)
  t.same([noSuchDay.status, noSuchDay.json.code, noSuchDay.json.field], [422, 'INVALID_DATE', 'from'])
  const badShape = await get('?from=1/6/2025', keys.admin)
  t.same([badShape.status, badShape.json.code, badShape.json.field], [422, 'VALIDATION_FAILED', 'querystring.from'])
  const badChannel = await get('?channel=fax', keys.admin)
  t.same([badChannel.status, badChannel.json.field], [422, 'querystring.channel'])
  const badCommune = await get('?commune=18|01', keys.admin)
  t.same([badCommune.status, badCommune.json.field], [422, 'querystring.commune'])
})
