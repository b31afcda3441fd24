/**
 * After each sequence: the portal back, everything sent, then every list, the statistics, each
 * dossier, the simulator's HoSo and steps, and the consistency checker, against the model.
 */
import { HOUR, localDate, type Model } from './model.js'
import { settled, expect } from './run.js'
import { runDoctor, type Drift } from '../../src/services/doctor/index.js'
import { COMMUNES, type World } from './world.js'

export const PAGE_SIZES = [1, 7, 100] as const

function sameSet (what: string, got: string[], want: string[]): void {
  const dup = got.filter((x, k) => got.indexOf(x) !== k)
  expect(dup.length === 0, `${what}: each item once`, { repeated: dup })
  const g = [...got].sort()
  const missing = want.filter(x => !g.includes(x))
  const extra = g.filter(x => !want.includes(x))
  expect(missing.length === 0 && extra.length === 0, `${what}: exactly the model's set`, { missing, extra })
}

/** Every page of a cursor-paged list. */
async function pages (w: World, path: string, limit: number): Promise<any[]> {
  const items: any[] = []
  let cursor: string | undefined
  for (let n = 0; n < 5000; n++) {
    const r = await w.admin('GET', `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor === undefined ? '' : `&cursor=${cursor}`}`)
    expect(r.status === 200, `${path} limit ${limit}`, r)
    items.push(...r.json.items)
    cursor = r.json.nextCursor
    if (cursor === undefined) return items
  }
  throw new Error(`${path}: the cursor never ends`)
}

export async function checkAll (m: Model, w: World): Promise<void> {
  if (m.outage) { await w.outage(false); m.outage = false }
  await settled(m, w, 'everything sent after the sequence')
  await checkDossiers(m, w)
  await checkFailedList(m, w)
  await checkStateLists(m, w)
  await checkDeadlineLists(m, w)
  await checkStats(m, w)
  checkPortal(m, w)
  await checkDoctor(w, m.clock)
}

async function checkDossiers (m: Model, w: World): Promise<void> {
  for (const d of m.dossiers) {
    const r = await w.admin('GET', `/v1/dossiers/${d.code}`)
    expect(r.status === 200, `${d.code} readable`, r)
    const what = `${d.code} (model: ${d.state}, status ${d.status}, overdue ${String(d.overdue)}${d.compacted ? ', compacted' : ''})`
    expect((r.json.compacted !== undefined) === d.compacted, `${what}: compacted or not`, r.json.compacted)
    expect(r.json.status?.code === d.status, `${what}: status`, r.json.status)
    if (d.compacted) continue
    expect(r.json.sync.state === d.state, `${what}: sync state`, r.json.sync)
    expect(r.json.sync.overdue === d.overdue, `${what}: overdue`, r.json.sync)
    expect(r.json.sync.pendingSteps === d.pendingSteps.length, `${what}: steps not yet on the portal`, r.json.sync)
  }
}

async function checkFailedList (m: Model, w: World): Promise<void> {
  const want = m.failedList()
  for (const limit of PAGE_SIZES) {
    const items = await pages(w, '/v1/admin/failed', limit)
    sameSet(`/v1/admin/failed?limit=${limit}`, items.map(i => i.kind === 'callback' ? `callback|${String(i.maHoSo)}|${String(i.maSuKien)}` : `${String(i.kind)}|${String(i.maHoSo)}`), want)
    const times = items.map(i => Date.parse(i.at))
    expect(times.every((x, k) => k === 0 || x <= (times[k - 1] as number)), `/v1/admin/failed?limit=${limit}: newest first`, items.map(i => i.at))
  }
  const one = await w.admin('GET', '/v1/admin/failed?limit=1')
  expect(one.json.total === want.length, '/v1/admin/failed: total', { total: one.json.total, want: want.length })
  const unmatched = await w.admin('GET', '/v1/admin/callbacks/unmatched')
  sameSet('/v1/admin/callbacks/unmatched', unmatched.json.items.map((i: { maSuKien: string }) => i.maSuKien), m.unmatched.map(u => u.maSuKien))
  const webhooks = await w.admin('GET', '/v1/admin/webhooks/failed')
  sameSet('/v1/admin/webhooks/failed', webhooks.json.items.map((i: { maHoSo: string }) => i.maHoSo), [])
}

async function checkStateLists (m: Model, w: World): Promise<void> {
  for (const state of ['failed', 'unrouted', 'needs-review'] as const) {
    const r = await w.admin('GET', `/v1/admin/dossiers?state=${state}`)
    sameSet(`/v1/admin/dossiers?state=${state}`, r.json.items.map((i: { maHoSo: string }) => i.maHoSo), m.byState(state))
  }
}

async function checkDeadlineList (what: string, w: World, path: string, want: Array<{ code: string, due: number }>): Promise<void> {
  for (const limit of [...PAGE_SIZES, 500]) {
    const items = await pages(w, path, limit)
    sameSet(`${what} limit ${limit}`, items.map(i => i.maHoSo), want.map(x => x.code))
    const dues = items.map(i => Date.parse(i.dueAt))
    expect(dues.every((x, k) => k === 0 || x >= (dues[k - 1] as number)), `${what} limit ${limit}: earliest due first`, items.map(i => i.dueAt))
    const wrong = items.filter(i => Date.parse(i.dueAt) !== want.find(x => x.code === i.maHoSo)?.due)
    expect(wrong.length === 0, `${what} limit ${limit}: each with its due date in force`, wrong.map(i => [i.maHoSo, i.dueAt, new Date(want.find(x => x.code === i.maHoSo)?.due ?? 0).toISOString()]))
  }
}

async function checkDeadlineLists (m: Model, w: World): Promise<void> {
  await checkDeadlineList('overdue', w, '/v1/dossiers?overdue=true', m.overdueList())
  // A window whose ends are not within minutes of any due date: the gateway reads its own clock.
  const now = Date.now()
  const dues = m.live().map(d => d.due)
  const hours = [30, 50, 75, 6].find(h => dues.every(x => Math.abs(x - now) > 10 * 60_000 && Math.abs(x - now - h * HOUR) > 10 * 60_000))
  if (hours === undefined) return
  await checkDeadlineList(`due within ${hours} h`, w, `/v1/dossiers?dueWithin=PT${hours}H`, m.dueSoonList(now, hours * HOUR))
}

async function checkStats (m: Model, w: World): Promise<void> {
  const range = `from=${localDate(m.wall - 30 * 24 * HOUR)}&to=${localDate(Date.now())}`
  const figures = ['received', 'online', 'paidOnline', 'ratings', 'resolvedEarly', 'resolvedOnTime', 'resolvedLate', 'supplementRequests', 'withdrawn', 'refused']
  const compare = async (filter: string, want: Record<string, number>): Promise<void> => {
    const r = await w.admin('GET', `/v1/stats?${range}${filter}`)
    expect(r.status === 200, `/v1/stats?${filter}`, r)
    const got: Record<string, number> = { ...r.json.totals, overdueOpen: r.json.overdueOpen }
    const wrong = [...figures, 'overdueOpen'].filter(f => got[f] !== want[f]).map(f => `${f}: got ${String(got[f])}, model ${String(want[f])}`)
    const mean = want.ratings === 0 ? null : Math.round((want.ratingSum ?? 0) / (want.ratings ?? 1) * 100) / 100
    if (r.json.totals.meanRating !== mean) wrong.push(`meanRating: got ${String(r.json.totals.meanRating)}, model ${String(mean)}`)
    expect(wrong.length === 0, `/v1/stats${filter === '' ? '' : ` (${filter.slice(1)})`} equals a count over the model`, wrong)
  }
  await compare('', m.stats())
  for (const c of COMMUNES) await compare(`&commune=${c}`, m.stats(c))
}

function checkPortal (m: Model, w: World): void {
  const on = m.dossiers.filter(d => d.onPortal)
  expect(w.sim.state.dossiers().length === on.length, 'the portal holds the model\'s dossiers', { portal: w.sim.state.dossiers().length, model: on.length })
  for (const d of m.dossiers) {
    const p = w.sim.state.dossier(d.code)
    if (!d.onPortal) { expect(p === undefined, `${d.code} never reached the portal`, p?.creates); continue }
    expect(p !== undefined, `${d.code} is on the portal`)
    if (p === undefined) continue
    const steps = p.steps.map(s => s.tienDo.TrangThai)
    expect(JSON.stringify(steps) === JSON.stringify(d.portalSteps), `${d.code}: the portal's steps`, { portal: steps, model: d.portalSteps })
    expect(p.currentStatus === d.status, `${d.code}: the portal's status`, { portal: p.currentStatus, model: d.status })
    expect(p.creates === (d.origin === 'sector' ? 1 : 0), `${d.code}: created once (or never, when online)`, p.creates)
    if (d.system === 'canonical') expect(p.hoSo.TrichYeuHoSo === d.summary, `${d.code}: the portal's summary`, { portal: p.hoSo.TrichYeuHoSo, model: d.summary })
  }
}

/**
 * DOCTOR HOOK: `lienthong doctor` (issue 16, item 1) at the model's clock; every drift it reports
 * fails the sequence, except those of a doctor-side misreading listed in `doctorMisreads`.
 */
export async function checkDoctor (w: World, now?: number): Promise<void> {
  const report = await runDoctor(w.g.app.redis, { prefix: 'lt', ...(now === undefined ? {} : { now }) })
  const drifts = report.drifts.filter(d => !doctorMisreads(d))
  expect(drifts.length === 0, `lienthong doctor finds nothing (${report.found} drifts)`, drifts.slice(0, 10))
}

/** Drifts that are the doctor's misreading of a store structure, not the gateway's (none known). */
function doctorMisreads (_d: Drift): boolean {
  return false
}
