/**
 * Every key a gateway script touches is in its KEYS, and every script runs here at least once:
 * intake, delivery (claim, attempts, acknowledgement, failure, lease renewal, yield, release),
 * the breaker, lifecycle events, the deadline scan, portal callbacks (an online dossier, a
 * rating, linking, an admin's routing), webhooks (delivered, failed, released), admin changes
 * (replay, discard), compaction and the statistics bump. Each script runs under
 * support/lua-key-check.ts, which fails any redis.call on a key not in KEYS. Also run on the
 * three-primary cluster (cluster.test.ts), where it shows each script stays on one slot.
 */
import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { installKeyCheck, keyCheckReport } from '../../support/lua-key-check.js'
import { civilStatus, getDossier, post } from '../../support/samples.js'
import { newKey, newWebhookSecret } from '../../support/clients-file.js'
import { waitFor } from '../../support/wait.js'
import { useStack } from '../helpers/fixture.js'
import { onlineHoSo } from '../../simulator/online.js'
import { scanDeadlines } from '../../src/queue/deadlines.js'
import { compactAll } from '../../src/queue/compact.js'
import { StatsStore } from '../../src/store/stats/stats-store.js'
import { DAY_METRICS, unpackCounts, type DayMetric } from '../../src/domain/stats-dimensions.js'
import type { RedisClient } from '../../src/store/redis/connection.js'

// Before any client defines its commands.
const defined = installKeyCheck()

t.setTimeout(300_000)
const AGENCY = '000.00.31.H42'
const SECRET = 'portal-callback-secret-for-tests'
const DAY = 86_400_000
const hotichKey = newKey()
const webhookSecret = newWebhookSecret()
const routing = join(mkdtempSync(join(tmpdir(), 'lt-keycheck-')), 'routing.json')
writeFileSync(routing, JSON.stringify({ routes: [{ procedure: '1.001193', system: 'civil-status' }] }))
// The agency sends notices; no channel is set up, so each ends not sent (the scripts run all the same).
const noticesFile = join(mkdtempSync(join(tmpdir(), 'lt-keycheck-')), 'notices.json')
writeFileSync(noticesFile, readFileSync('config/notices.sample.json', 'utf8'))
const { topology: redis, sim, stub, gw } = useStack(t, {
  redis: 'topology',
  simulator: { callbackSecret: SECRET },
  stub: { secret: webhookSecret },
  env: { PORTAL_CALLBACK_SECRET: SECRET, ROUTING_FILE: routing, NOTICES_FILE: noticesFile, NOTICES_SECRET: 'notices-secret-for-the-key-check-0123456789', WEBHOOK_RETRY_SCHEDULE_MS: '100,200', WEBHOOK_TIMEOUT_MS: '1000', DELIVERY_SWEEP_INTERVAL_MS: '1000', DEADLINE_SCAN_INTERVAL_MS: '3600000', BREAKER_FAILURE_THRESHOLD: '1' },
  extraClients: ({ stub }) => [{ id: 'hotich-31', key: hotichKey, system: 'civil-status', agencies: [AGENCY], webhook: { url: stub.url, secret: webhookSecret } }]
})

const base = JSON.parse(readFileSync('fixtures/canonical/sample.input.json', 'utf8')) as Record<string, unknown>
const callbacks = (): string => `${gw.url}/v1/portal/callbacks`
const state = async (code: string): Promise<any> => (await getDossier(gw.url, gw.keys.admin, code)).json
function isoIn (ms: number): string {
  return `${new Date(Date.now() + ms + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`
}

async function admin (path: string, body: object = {}): Promise<{ status: number, json: any }> {
  const res = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': gw.keys.admin }, body: JSON.stringify(body) })
  return { status: res.status, json: await res.json() }
}

async function intake (n: string, key = hotichKey): Promise<string> {
  const r = await post(gw.url, key, 'civil-status', civilStatus(n))
  if (r.status !== 202) throw new Error(r.text)
  return r.json.maHoSo as string
}

const delivered = async (code: string): Promise<void> => { await waitFor(async () => (await state(code)).sync.state === 'delivered', { what: `${code} delivered` }) }

t.test('the check itself: a key outside KEYS is caught, one inside is not', async t => {
  const c = redis.client() as RedisClient
  c.defineCommand('ltKeyCheckProbeOk', { numberOfKeys: 1, lua: "redis.call('SET', KEYS[1], '1') return 1" })
  c.defineCommand('ltKeyCheckProbeBad', { numberOfKeys: 1, lua: "redis.call('SET', KEYS[1] .. ':other', '1') return 1" })
  const probe = c as unknown as Record<string, (...a: string[]) => Promise<unknown>>
  t.equal(await probe.ltKeyCheckProbeOk?.('{keycheck}:a'), 1)
  // Same slot (one hash tag): a cluster would let it through; the check does not.
  await t.rejects(probe.ltKeyCheckProbeBad?.('{keycheck}:a') as Promise<unknown>, /KEY_NOT_IN_KEYS/)
  const report = await keyCheckReport(redis.keys, c)
  t.same(report.violations, ['ltKeyCheckProbeBad:SET:{keycheck}:a:other'])
  await c.del('lt-keycheck:{keycheck}')
  c.disconnect()
})

async function scenario (t: Test, c: RedisClient): Promise<void> {
  // Intake, delivery, the breaker's success, the webhook of a delivered dossier.
  const a = await intake('KC-1')
  await delivered(a)
  await stub.waitFor(rs => rs.some(x => x.type === 'dossier.delivered' && (x.data as { maHoSo: string }).maHoSo === a))
  // A lifecycle event and a rating from the portal.
  const ev = await fetch(`${gw.url}/v1/dossiers/${a}/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': gw.keys.admin }, body: JSON.stringify({ type: 'status', at: isoIn(0), status: '4' }) })
  t.equal(ev.status, 202)
  await sim.sendCallback({ url: callbacks(), event: { LoaiSuKien: 'DanhGia', MaHoSo: a, DuLieu: { DiemDanhGia: 5 } } })

  // Online dossiers: one routed and linked by the sector, one unrouted and routed by an admin.
  const routed = await sim.submitOnline({ url: callbacks(), agency: AGENCY, hoSo: { MaTTHC: '1.001193', MaXa: '18754' } })
  t.ok(routed.callback.delivered)
  const link = await fetch(`${gw.url}/v1/inbound/civil-status`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': hotichKey, 'x-ma-ho-so': routed.maHoSo }, body: JSON.stringify(civilStatus('KC-LINK')) })
  t.equal(link.status, 202, await link.text())
  const unrouted = await sim.submitOnline({ url: callbacks(), agency: AGENCY, hoSo: { MaTTHC: '1.000656', MaXa: '18754' } })
  const route = await admin(`/v1/admin/dossiers/${unrouted.maHoSo}/route`, { clientId: 'hotich-31' })
  t.equal(route.json.state, 'delivered', JSON.stringify(route.json))

  // The deadline scan, on a dossier past its due date.
  const late = await post(gw.url, gw.keys.canonical as string, 'canonical', { ...base, sourceId: 'KC-LATE', status: '2', returnedAt: undefined, step: undefined, receivedAt: isoIn(-3 * DAY), dueAt: isoIn(-DAY) })
  t.equal(late.status, 202, late.text)
  t.equal((await scanDeadlines(gw.app.store, gw.app.queues, DAY, gw.app.log)).overdue >= 1, true)

  // The portal refuses two dossiers for good: one replayed, one discarded.
  sim.setFaults({ script: Array.from({ length: 4 }, () => ({ kind: 'error' as const, code: '-1', message: 'MaXa không hợp lệ' })) })
  const failed = [await intake('KC-F1'), await intake('KC-F2')]
  for (const code of failed) await waitFor(async () => (await state(code)).sync.state === 'failed', { what: `${code} failed` })
  sim.resetFaults()
  t.equal((await admin(`/v1/admin/dossiers/${failed[0] ?? ''}/replay`)).status, 202)
  t.equal((await admin(`/v1/admin/dossiers/${failed[1] ?? ''}/discard`, { reason: 'Hồ sơ nhập trùng' })).status, 200)
  await delivered(failed[0] ?? '')

  // The portal is down once: the breaker opens, then closes on the next success.
  sim.setFaults({ script: [{ kind: 'status', status: 503 }] })
  await delivered(await intake('KC-OUT'))
  sim.resetFaults()

  // A webhook that fails for good, then is sent again by an admin.
  stub.setBehaviour({ status: 410 })
  const w = await intake('KC-WH')
  await waitFor(async () => (await state(w)).webhooks.failed !== undefined, { what: 'the webhook held' })
  stub.setBehaviour({})
  t.equal((await admin(`/v1/admin/webhooks/${w}/replay`)).status, 202)
  await stub.waitFor(rs => rs.some(x => x.type === 'dossier.delivered' && (x.data as { maHoSo: string }).maHoSo === w))

  // A signed HoSoMoi that lacks a field: kept for admins as sent.
  const partial = `${AGENCY}-250701-06661`
  const { ChuHoSo: _dropped, ...hoSo } = onlineHoSo(partial, Date.now(), { MaTTHC: '1.001193', MaXa: '18754' })
  t.equal((await sim.sendCallback({ url: callbacks(), event: { MaSuKien: 'kc-incomplete', LoaiSuKien: 'HoSoMoi', MaHoSo: partial, DuLieu: hoSo }, maxAttempts: 1 })).finalStatus, 200)

  // Lists written by an older version (a set index, a failure hash alone, a list of callbacks):
  // upgraded by their own scripts on the first read.
  await c.sadd(`lt:{${AGENCY}}:state:failed`, 'civil-status:KC-LEGACY')
  await c.hset(`lt:{${AGENCY}}:whfailed`, `${AGENCY}-250701-06662`, JSON.stringify({ at: new Date().toISOString(), code: 'HTTP_410', attempts: 1, id: 'legacy-event' }))
  await c.rpush(`lt:{${AGENCY}}:unmatched`, JSON.stringify({ at: new Date().toISOString(), reason: 'UNKNOWN_DOSSIER', maSuKien: 'kc-legacy', type: 'RutHoSo', maHoSo: `${AGENCY}-250701-06663`, body: '{}' }))
  const lists = await fetch(`${gw.url}/v1/admin/failed?limit=5`, { headers: { 'x-api-key': gw.keys.admin } })
  t.equal(lists.status, 200)
  t.equal(await c.exists(`lt:{${AGENCY}}:state:failed`, `lt:{${AGENCY}}:unmatched`), 0, 'the old keys are upgraded')
  // The list of all dossiers pages its index with the same read-only script; the linked dossier was moved in it.
  const everything = await fetch(`${gw.url}/v1/admin/dossiers/all?limit=2`, { headers: { 'x-api-key': gw.keys.admin } })
  t.equal(everything.status, 200)
  t.equal(await c.zscore(`lt:{${AGENCY}}:all`, `portal:${routed.maHoSo}`), null, 'linking moved the dossier in the index of all dossiers')
  t.not(await c.zscore(`lt:{${AGENCY}}:all`, 'civil-status:HT-18754-2025-KC-LINK'), null)

  // Compaction of a final, delivered dossier.
  const fin = await post(gw.url, gw.keys.canonical as string, 'canonical', { ...base, sourceId: 'KC-FINAL' })
  await delivered(fin.json.maHoSo as string)
  t.not(await c.zscore(`lt:{${AGENCY}}:all`, 'canonical:KC-FINAL'), null, 'listed while kept in full')
  t.ok((await compactAll(gw.app.store, DAY, { now: Date.now() + 2 * DAY })).compacted >= 1)
  t.equal(await c.zscore(`lt:{${AGENCY}}:all`, 'canonical:KC-FINAL'), null, 'a compacted dossier leaves the list (its budget)')

  // A run's lease renewed, then yielded, then released (delivery does so on long runs).
  const idle = '000.00.98.H42'
  const token = randomUUID()
  t.same(await gw.app.store.delivery.claim(idle, 'kc-job', token, 10_000, 60_000), { ok: true })
  await gw.app.store.delivery.renew({ agency: idle, token }, 10_000, 60_000)
  t.equal(await gw.app.store.delivery.yieldClaim({ agency: idle, token }, 60_000), true)
  await gw.app.store.delivery.release(idle, 'kc-job')

  // Notices: created with an intake (lua/shared/notice-add.lua), not sent for want of a channel
  // (claim, save), sent again by an admin (save), and the worker's other steps on their own.
  const nt = await intake('KC-NT')
  let notice: { id: string, state: string } | undefined
  await waitFor(async () => {
    const res = await fetch(`${gw.url}/v1/dossiers/${nt}/notices`, { headers: { 'x-api-key': gw.keys.admin } })
    notice = ((await res.json()) as { items: Array<{ id: string, state: string }> }).items[0]
    return notice?.state === 'not-sent'
  }, { what: 'the notice not sent' })
  const id = notice?.id ?? ''
  t.equal((await admin(`/v1/notices/${id}/resend`)).status, 202)
  await gw.app.store.notices.claim(AGENCY, id, Date.now() + 10 * DAY, 1000, 'kc-token')
  await gw.app.store.notices.begin(AGENCY, id, 'kc-token', 'zns')
  await gw.app.store.notices.park(AGENCY, id, '{"channel":"zns","state":"delivered"}')

  // The statistics bump on its own (benchmark, repairs): three days, so two scripts.
  await new StatsStore(c, 'lt').bump(AGENCY, '18754|civil-status|1.001193|online', '2025-07-01|received|1;2025-08-02|refused|1;2025-09-03|withdrawn|1;|overdueOpen|1')
  // Packed fields (stats-apply.lua): the twelve day metrics of the agency's total `*`.
  const metric = (k: string): DayMetric => k.startsWith('mt') ? 'refused' : k.endsWith('01') ? 'received' : 'withdrawn'
  t.same(await Promise.all(['dt:2025-07-01', 'mt:2025-08', 'dt:2025-09-03'].map(async k => unpackCounts(await c.hget(`lt:{${AGENCY}}:stats:${k}`, '*') ?? '')[DAY_METRICS.indexOf(metric(k))])), [1, 1, 1])
  // Its roll-up: 2025-07-01 into its month.
  t.equal(await new StatsStore(c, 'lt').rollUp(AGENCY, '2025-07-01', '2025-07-03', 1), 1)
  // And the upgrade of buckets from the first layout (here already packed: nothing to convert).
  t.equal(await new StatsStore(c, 'lt').upgrade(AGENCY, '2025-08-01', '2025-08-02'), 0)
}

t.test('every script of the gateway runs, and touches only keys in its KEYS', async t => {
  const c = redis.client() as RedisClient
  // The violations first, also when the scenario breaks on one (a script refused by the check).
  const failure = await scenario(t, c).then(() => undefined, (err: unknown) => err)
  const report = await keyCheckReport(redis.keys, c)
  c.disconnect()
  t.same(report.violations, [], 'no script touched a key outside its KEYS')
  if (failure !== undefined) throw failure
  const missing = [...defined].filter(n => !n.startsWith('ltKeyCheckProbe') && !report.ran.has(n)).sort()
  t.same(missing, [], 'every script defined ran at least once')
  t.ok(defined.size >= 25, `${defined.size} scripts checked`)
})
