/**
 * An admin limited to some systems sees and acts on those only, on every route: the failed list
 * and its counts, the admin dossier list, dossier reads, unmatched callbacks (which have no system
 * yet), failed webhooks and their recovery, one-dossier replays and bulk replays. Every one asks
 * the same rule (src/domain/access.ts); the failed-webhook routes once ignored `systems`.
 */
import t from 'tap'
import { RedisServer } from '../../support/redis-server.js'
import { startGateway, type InProcessGateway } from '../helpers/gateway.js'
import { civilStatus, getDossier, post, sample } from '../../support/samples.js'
import { newKey, newWebhookSecret } from '../../support/clients-file.js'
import { waitFor } from '../../support/wait.js'
import { startSimulator, startSectorStub, type RunningSimulator, type SectorStub } from '../../simulator/index.js'

const AGENCY = '000.00.31.H42'
const SECRET = 'portal-callback-secret-for-tests'
let redis: RedisServer
let sim: RunningSimulator
let stub: SectorStub
let gw: InProcessGateway
const keys = { hotich: newKey(), viewLand: newKey(), opLand: newKey() }
const webhookSecret = newWebhookSecret()
let civil = ''
let land = ''
const orphan = `${AGENCY}-250701-07777`

async function call (method: string, path: string, key: string, body?: object): Promise<{ status: number, json: any }> {
  const res = await fetch(`${gw.url}${path}`, {
    method, headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  return { status: res.status, json: await res.json() }
}
const get = async (path: string, key: string): Promise<any> => (await call('GET', path, key)).json
const state = async (code: string): Promise<string> => (await getDossier(gw.url, gw.keys.admin, code)).json.sync?.state as string

t.before(async () => {
  redis = await RedisServer.start()
  sim = await startSimulator({ callbackSecret: SECRET })
  stub = await startSectorStub({ secret: webhookSecret })
  gw = await startGateway({
    redisUrl: redis.url,
    portalUrl: sim.url,
    env: { PORTAL_CALLBACK_SECRET: SECRET, WEBHOOK_RETRY_SCHEDULE_MS: '100', WEBHOOK_TIMEOUT_MS: '1000' },
    extraClients: [
      { id: 'hotich-31', key: keys.hotich, system: 'civil-status', agencies: [AGENCY], webhook: { url: stub.url, secret: webhookSecret } },
      { id: 'view-land', key: keys.viewLand, role: 'viewer', systems: ['land'] } as never,
      { id: 'op-land', key: keys.opLand, role: 'operator', systems: ['land'] } as never
    ]
  })
  // A civil-status dossier and a land dossier that the portal refuses, and the civil-status
  // receiver down: a failed delivery of each system, and a failed webhook of civil-status.
  stub.setBehaviour({ status: 500 })
  sim.setFaults({ script: [{ kind: 'error', code: '-1', message: 'MaXa không hợp lệ' }, { kind: 'error', code: '-1', message: 'MaXa không hợp lệ' }] })
  civil = (await post(gw.url, keys.hotich, 'civil-status', civilStatus('SCOPE-1'))).json.maHoSo as string
  await waitFor(async () => await state(civil) === 'failed')
  land = (await post(gw.url, gw.keys.land as string, 'land', sample('land-registration.xml'), 'application/xml')).json.maHoSo as string
  await waitFor(async () => await state(land) === 'failed')
  await waitFor(async () => (await get('/v1/admin/webhooks/failed', gw.keys.admin)).items.some((i: { maHoSo: string }) => i.maHoSo === civil))
  // A callback for a code nobody here knows: no system yet.
  const r = await sim.sendCallback({ url: `${gw.url}/v1/portal/callbacks`, event: { MaSuKien: 'scope-orphan', LoaiSuKien: 'RutHoSo', MaHoSo: orphan, DuLieu: { LyDo: 'Nộp nhầm' } }, maxAttempts: 1 })
  if (r.finalStatus !== 200) throw new Error(`callback answered ${r.finalStatus}`)
})
t.teardown(async () => {
  await gw?.close()
  await stub?.close()
  await sim?.close()
  await redis?.close()
})

const codes = (items: Array<{ maHoSo: string }>): string[] => items.map(i => i.maHoSo)

t.test('an admin of every system sees all of it (the control)', async t => {
  const failed = (await get('/v1/admin/failed?limit=500', gw.keys.admin)).items as Array<{ maHoSo: string, kind: string }>
  t.ok(codes(failed).includes(civil) && codes(failed).includes(land), 'both failed dossiers')
  t.ok(failed.some(i => i.kind === 'callback'), 'the unmatched callback')
  t.ok(codes((await get('/v1/admin/callbacks/unmatched', gw.keys.admin)).items).includes(orphan))
  t.ok(codes((await get('/v1/admin/webhooks/failed', gw.keys.admin)).items).includes(civil))
})

t.test('an admin limited to land sees land only, everywhere', async t => {
  for (const key of [keys.viewLand, keys.opLand]) {
    const failed = (await get('/v1/admin/failed?limit=500', key)).items as Array<{ maHoSo: string, kind: string, system?: string }>
    t.same(codes(failed).filter(c => c === civil || c === land), [land], 'the failed list: the land dossier, not the civil-status one')
    t.notOk(failed.some(i => i.kind === 'callback'), 'the failed list: no callback (no system yet)')
    const counts = (await get('/v1/admin/failed/counts', key)).counts as Record<string, number>
    t.equal(counts.callback, 0, 'the counts: no callback')
    t.same(codes((await get('/v1/admin/dossiers?state=failed', key)).items), [land], 'the admin dossier list')
    t.same((await get('/v1/admin/callbacks/unmatched', key)).items, [], 'unmatched callbacks: none')
    t.same((await get('/v1/admin/webhooks/failed', key)).items, [], 'failed webhooks: not civil-status\'s')
    t.equal((await getDossier(gw.url, key, civil)).status, 404, 'a civil-status dossier reads as absent')
    t.equal((await getDossier(gw.url, key, land)).status, 200, 'a land dossier reads')
    t.equal((await call('GET', `/v1/admin/dossiers/${civil}/payloads`, key)).status, 404, 'its payloads too')
  }
})

t.test('an operator limited to land acts on land only', async t => {
  const k = keys.opLand
  t.equal((await call('POST', `/v1/admin/dossiers/${civil}/replay`, k, {})).status, 404, 'replay: as absent')
  t.equal((await call('POST', `/v1/admin/dossiers/${civil}/discard`, k, { reason: 'ngoài phạm vi' })).status, 404, 'discard: as absent')
  t.equal((await call('POST', `/v1/admin/webhooks/${civil}/replay`, k, {})).status, 404, 'webhook replay: as absent')
  const since = new Date(Date.now() - 3_600_000).toISOString()
  const recovered = await call('POST', '/v1/admin/webhooks/recover', k, { client: 'hotich-31', since })
  t.same([recovered.status, recovered.json.matched, recovered.json.queued], [202, 0, 0], 'recover: another system\'s receiver is not theirs')
  t.equal(await state(civil), 'failed', 'the civil-status dossier untouched')
  t.ok(codes((await get('/v1/admin/webhooks/failed', gw.keys.admin)).items).includes(civil), 'its failed webhook untouched')

  const job = await call('POST', '/v1/admin/replays', k, { filter: {} })
  t.equal(job.status, 202)
  await waitFor(async () => ['done', 'failed'].includes((await get(`/v1/admin/replays/${job.json.id as string}`, k)).state))
  const done = await get(`/v1/admin/replays/${job.json.id as string}`, k)
  t.same([done.state, done.matched], ['done', 1], 'bulk replay: the land dossier only')
  t.equal(await state(civil), 'failed', 'the civil-status dossier still failed')

  t.equal((await call('POST', `/v1/admin/dossiers/${land}/discard`, k, { reason: 'trong phạm vi' })).status, 409, 'its own: found (already replayed, so not discardable)')
})
