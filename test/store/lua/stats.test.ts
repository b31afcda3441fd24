/**
 * The statistics roll-up (stats-rollup.lua, StatsStore.rollUp): every total over whole months is
 * the same before and after, a second run changes nothing, and intake running beside it loses
 * nothing. The counts themselves are checked against the dossiers in
 * test/integration/stats-query.test.ts.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { harness } from './harness.js'
import { STATS_ROLLUP, STATS_UPGRADE } from '../../../src/store/stats/scripts.js'
import { StatsStore, statsKeys, statsPrefix } from '../../../src/store/stats/stats-store.js'
import { StatsQuery, type StatsFilter } from '../../../src/store/stats/query.js'
import { DAY_METRICS, DIM_NAMES, KEPT_SETS, dimsOf, encodeBumps, unpackCounts } from '../../../src/domain/stats-dimensions.js'
import { LUA_DIR } from '../../../src/store/lua-script.js'
import { synthesise, type World } from '../../../support/stats-synthetic.js'

const h = harness(t)
const NOW = Date.parse('2025-09-05T10:00:00+07:00')
const TODAY = '2025-09-05'
const WINDOW = 40
const world: World = {
  agencies: [{ code: '000.00.10.H42', communes: ['18001', '18002'] }, { code: '000.00.11.H42', communes: ['18003'] }],
  procedures: [{ code: '1.001193', system: 'civil-status' }, { code: '1.003003', system: 'land' }, { code: '1.001612', system: 'social-insurance' }],
  start: '2025-05-01',
  days: 120
}
const AGENCY = '000.00.10.H42'

/** Whole months, with no filter, one, kept sets and sets read from the combinations. */
const QUERIES: Array<Omit<StatsFilter, 'agencies'>> = [
  { from: '2025-05-01', to: '2025-08-31', groupBy: 'month' },
  { from: '2025-06-01', to: '2025-07-31' },
  { commune: '18001', from: '2025-05-01', to: '2025-08-31', groupBy: 'month' },
  { system: 'land', channel: 'online', from: '2025-05-01', to: '2025-08-31', groupBy: 'month' },
  { commune: '18001', system: 'civil-status', channel: 'in-person', from: '2025-05-01', to: '2025-08-31' },
  { procedure: '1.001193', channel: 'online', from: '2025-05-01', to: '2025-08-31', groupBy: 'month' },
  { commune: '18003', system: 'social-insurance', procedure: '1.001612', channel: 'postal', from: '2025-06-01', to: '2025-06-30' }
]

async function load (prefix: string, n: number): Promise<void> {
  const store = new StatsStore(h.redis, prefix)
  const p = h.redis.pipeline()
  for (const { dossier: d, steps } of synthesise(world, n, 11, NOW)) {
    p.sadd(`${prefix}:agencies`, d.agency)
    store.bumpIn(p, d.agency, dimsOf(d), encodeBumps(steps.flat()))
  }
  for (const [err] of await p.exec() ?? []) if (err !== null) throw err
}

async function answers (prefix: string): Promise<unknown[]> {
  const q = new StatsQuery(h.redis, prefix)
  return await Promise.all(QUERIES.map(async f => await q.query(f)))
}

t.test('ltStatsRollup: marks the day, drops its buckets, once; refuses buckets of another day', async t => {
  const sp = statsPrefix('ru', AGENCY)
  const k = { rolled: statsKeys.rolled(sp), day: statsKeys.day(sp, '2025-06-02'), dayTotals: statsKeys.dayTotals(sp, '2025-06-02') }
  await h.redis.hset(k.day, 'x', '1')
  await h.redis.hset(k.dayTotals, '*', '1')
  t.equal(await h.run(STATS_ROLLUP, k, { day: '2025-06-02' }), 1)
  t.equal(await h.redis.exists(k.day, k.dayTotals), 0)
  t.same(await h.redis.smembers(k.rolled), ['20250602'])
  t.equal(await h.redis.object('ENCODING', k.rolled), 'intset', 'days as integers: the set stays small')
  t.equal(await h.run(STATS_ROLLUP, k, { day: '2025-06-02' }), 0, 'twice: nothing more')
  await t.rejects(h.run(STATS_ROLLUP, k, { day: '2025-06-03' }), /STATS_ROLLUP/)
})

t.test('a roll-up keeps every total over whole months, and running it twice changes nothing', async t => {
  await load('ru', 3000)
  const before = await answers('ru')
  const sp = statsPrefix('ru', AGENCY)
  const keysBefore = (await h.redis.keys(`${sp}:d:*`)).length
  const first = await new StatsStore(h.redis, 'ru').rollUpAll(TODAY, WINDOW)
  t.ok(first.days > 2 * 60, `${first.days} days rolled up`)
  t.same(await answers('ru'), before, 'the same figures after')
  t.ok((await h.redis.keys(`${sp}:d:*`)).length < keysBefore / 2, 'fewer day buckets')
  t.equal(await h.redis.exists(statsKeys.day(sp, '2025-07-26')), 0, 'the last day before the window is gone')
  t.equal(await h.redis.exists(statsKeys.day(sp, '2025-07-27')), 1, 'the first day of the window is kept')
  t.same(await new StatsStore(h.redis, 'ru').rollUpAll(TODAY, WINDOW), { agencies: 2, days: 0 }, 'again: nothing to do')
  t.same(await new StatsStore(h.redis, 'ru').rollUp(AGENCY, '2025-05-01', TODAY, WINDOW), 0, 'nor from the start')
  t.same(await answers('ru'), before, 'the same figures after the second run')

  const q = new StatsQuery(h.redis, 'ru')
  await t.rejects(q.query({ from: '2025-07-10', to: '2025-08-10' }), { code: 'DAYS_ROLLED_UP', field: 'from', statusCode: 422 })
  await t.rejects(q.query({ from: '2025-06-01', to: '2025-06-30', groupBy: 'day' }), { code: 'DAYS_ROLLED_UP' })
  const inWindow = await q.query({ from: '2025-07-27', to: '2025-08-31', groupBy: 'day' })
  t.equal(inWindow.groups?.length, 36, 'the days of the window by day')
})

t.test('intake beside a roll-up: every bump counted once, in its day or in its month', async t => {
  await load('ref', 3000)
  const reference = await answers('ref')
  const store = new StatsStore(h.redis, 'ru')
  let rolled = 0
  // The bumps and the roll-ups race on one connection each; the scripts interleave.
  const other = h.redis.duplicate()
  try {
    const rollups = (async () => {
      const s = new StatsStore(other, 'ru')
      for (let i = 0; i < 20; i++) {
        for (const a of world.agencies) rolled += await s.rollUp(a.code, '2025-05-01', TODAY, WINDOW)
      }
    })()
    await Promise.all([load('ru', 3000), rollups])
  } finally {
    other.disconnect()
  }
  rolled += (await store.rollUpAll(TODAY, WINDOW)).days
  t.ok(rolled > 0)
  t.same(await answers('ru'), reference, 'the same figures as without a roll-up')
})

t.test('the kept dimension sets are the same in stats-apply.lua and in the domain', async t => {
  const lua = readFileSync(new URL('shared/stats-apply.lua', LUA_DIR), 'utf8')
  const line = /^local STATS_KEPT = (.*)$/m.exec(lua)?.[1] ?? ''
  const sets = [...line.matchAll(/\{ ([\d, ]+) \}/g)].map(m => (m[1] ?? '').split(', ').map(i => DIM_NAMES[Number(i) - 1]))
  t.same(sets, KEPT_SETS)
})

t.test('ltStatsUpgrade: fields of the first layout become packed ones, added to those already there, kept sets from the combinations; once', async t => {
  const sp = statsPrefix('ru', AGENCY)
  const k = { combos: statsKeys.day(sp, '2025-06-02'), totals: statsKeys.dayTotals(sp, '2025-06-02'), open: statsKeys.open(sp) }
  await h.redis.hset(k.totals, 'received', 3, 'online', 1, 'c=18001|received', 2, 'c=18001|withdrawn', 1, '*', '1')
  await h.redis.hset(k.combos, '18001|land|1.003003|online|received', 1, '18001|land|1.003003|online|online', 1, '18001|land|1.003003|in-person', '1')
  await h.redis.hset(k.open, '18001|land|1.003003|online|overdueOpen', 2, 'overdueOpen', 2)
  t.equal(await h.run(STATS_UPGRADE, k, { gauge: 1 }), 6)
  t.same(await h.redis.hgetall(k.combos), { '18001|land|1.003003|online': '1,1', '18001|land|1.003003|in-person': '1' }, 'a packed combination whose channel is online is left alone')
  t.same(await h.redis.hgetall(k.totals), {
    '*': '4,1',
    'c=18001': '2,0,0,0,0,0,0,0,0,0,1',
    's=land|ch=online': '1,1',
    's=land|ch=in-person': '1',
    'c=18001|s=land': '2,1',
    'c=18001|ch=online': '1,1',
    'c=18001|ch=in-person': '1',
    'c=18001|s=land|ch=online': '1,1',
    'c=18001|s=land|ch=in-person': '1'
  })
  t.equal(await h.redis.hget(k.open, 's=land|ch=online|overdueOpen'), '2', 'the gauge\'s kept sets')
  const again = { combos: await h.redis.hgetall(k.combos), totals: await h.redis.hgetall(k.totals), open: await h.redis.hgetall(k.open) }
  t.equal(await h.run(STATS_UPGRADE, k, { gauge: 1 }), 0, 'twice: nothing more')
  t.same({ combos: await h.redis.hgetall(k.combos), totals: await h.redis.hgetall(k.totals), open: await h.redis.hgetall(k.open) }, again)
})

t.test('counters of the first layout answer the same after the first roll-up upgrades them', async t => {
  await load('ru', 1500)
  const before = await answers('ru')
  // Back to the first layout: one integer field per metric.
  const p = h.redis.pipeline()
  for (const k of await h.redis.keys('ru:*:stats:*')) {
    if (k.endsWith(':open')) {
      // Nor any kept set in the gauge.
      const kept = Object.keys(await h.redis.hgetall(k)).filter(f => f.includes('=') && f.split('|').length > 2)
      if (kept.length > 0) p.hdel(k, ...kept)
      continue
    }
    if (!/:(d|dt|m|mt):[\d-]+$/.test(k)) continue
    const packed = await h.redis.hgetall(k)
    const total = /:(dt|mt):/.test(k)
    p.del(k)
    for (const [f, v] of Object.entries(packed)) {
      for (const [i, n] of unpackCounts(v).entries()) {
        if (n === 0) continue
        const metric = DAY_METRICS[i] ?? ''
        // The first layout kept no kept sets: their figures came from the combinations.
        if (total && f.split('|').length > 1) continue
        p.hincrby(k, total && f === '*' ? metric : `${f}|${metric}`, n)
      }
    }
  }
  await p.exec()
  await new StatsStore(h.redis, 'ru').rollUpAll(TODAY, WINDOW)
  t.same(await answers('ru'), before, 'the same figures, kept sets included')
})
