/**
 * One dossier or one webhook event sent again now, or given up on: operators only, audited, and
 * nothing reaches the portal twice.
 */
import t from 'tap'
import { civilStatus, getDossier, post } from '../../support/samples.js'
import { newKey, newWebhookSecret } from '../../support/clients-file.js'
import { waitFor } from '../../support/wait.js'
import { useStack } from '../helpers/fixture.js'

const key = newKey()
const viewer = newKey()
const secret = newWebhookSecret()
const { sim, stub, gw } = useStack(t, {
  stub: { secret },
  env: { PORTAL_CALLBACK_SECRET: 'lienthong-callback-dev', WEBHOOK_RETRY_SCHEDULE_MS: '100' },
  extraClients: ({ stub }) => [
    { id: 'hotich-replay', key, system: 'civil-status', agencies: ['000.00.31.H42'], webhook: { url: stub.url, secret } },
    { id: 'viewer', key: viewer, role: 'viewer' }
  ]
})

async function admin (path: string, body: object = {}, k = gw.keys.admin): Promise<{ status: number, json: any }> {
  const res = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': k }, body: JSON.stringify(body) })
  return { status: res.status, json: await res.json() }
}
const state = async (code: string): Promise<string> => (await getDossier(gw.url, gw.keys.admin, code)).json.sync.state as string

t.test('a failed dossier is sent again once the cause is fixed, or discarded with a reason', async t => {
  sim.setFaults({ script: [{ kind: 'error', code: '-1', message: 'MaXa không hợp lệ' }, { kind: 'error', code: '-1', message: 'MaXa không hợp lệ' }] })
  const a = (await post(gw.url, key, 'civil-status', civilStatus('RP-1'))).json.maHoSo as string
  await waitFor(async () => await state(a) === 'failed')
  const b = (await post(gw.url, key, 'civil-status', civilStatus('RP-2'))).json.maHoSo as string
  await waitFor(async () => await state(b) === 'failed')
  t.equal((await admin(`/v1/admin/dossiers/${a}/replay`, {}, viewer)).status, 403, 'a viewer may not')
  const r = await admin(`/v1/admin/dossiers/${a}/replay`)
  t.equal(r.status, 202)
  await waitFor(async () => await state(a) === 'delivered')
  t.equal(sim.state.dossier(a)?.creates, 1, 'on the portal once')
  t.equal((await admin(`/v1/admin/dossiers/${a}/replay`)).json.code, 'NOTHING_TO_REPLAY', 'a delivered dossier is not replayed')
  t.equal((await admin(`/v1/admin/dossiers/${b}/discard`, { reason: 'Hồ sơ nhập trùng' })).status, 200)
  t.equal(await state(b), 'discarded')
  const failed = await (await fetch(`${gw.url}/v1/admin/dossiers?state=failed`, { headers: { 'x-api-key': gw.keys.admin } })).json() as { items: Array<{ maHoSo: string }> }
  t.notOk(failed.items.some(i => i.maHoSo === b), 'no longer listed as failed')
  const audit = await (await fetch(`${gw.url}/v1/admin/audit`, { headers: { 'x-api-key': gw.keys.admin } })).json() as { items: Array<{ action: string, target: string, detail?: string }> }
  t.ok(audit.items.some(x => x.action === 'dossier.replay' && x.target === a))
  t.ok(audit.items.some(x => x.action === 'dossier.discard' && x.target === b && x.detail === 'Hồ sơ nhập trùng'))
})

t.test('a failed webhook event is sent again after the receiver is fixed, or dropped so the next one goes', async t => {
  stub.setBehaviour({ status: 410 })
  const a = (await post(gw.url, key, 'civil-status', civilStatus('RW-1'))).json.maHoSo as string
  await waitFor(async () => (await getDossier(gw.url, gw.keys.admin, a)).json.webhooks.failed !== undefined)
  stub.setBehaviour({})
  t.equal((await admin(`/v1/admin/webhooks/${a}/replay`)).status, 202)
  await stub.waitFor(rs => rs.some(x => x.type === 'dossier.delivered' && (x.data as { maHoSo: string }).maHoSo === a))

  stub.setBehaviour({ status: 410, times: 1 })
  const b = (await post(gw.url, key, 'civil-status', civilStatus('RW-2'))).json.maHoSo as string
  await waitFor(async () => (await getDossier(gw.url, gw.keys.admin, b)).json.webhooks.failed !== undefined)
  await sim.sendCallback({ url: `${gw.url}/v1/portal/callbacks`, event: { LoaiSuKien: 'DanhGia', MaHoSo: b, DuLieu: { DiemDanhGia: 4 } } })
  t.equal((await getDossier(gw.url, gw.keys.admin, b)).json.webhooks.queued.length, 2, 'the rating waits behind the failed event')
  t.equal((await admin(`/v1/admin/webhooks/${b}/discard`, { reason: 'Bên nhận đã xử lý thủ công' })).status, 200)
  await stub.waitFor(rs => rs.some(x => x.type === 'dossier.rated' && (x.data as { maHoSo: string }).maHoSo === b))
  t.notOk(stub.received.some(x => x.type === 'dossier.delivered' && (x.data as { maHoSo: string }).maHoSo === b), 'the discarded event was not sent')
})

t.test('edit and replay: validated like intake, kept as a new revision beside the original, audited, delivered', async t => {
  sim.setFaults({ script: [{ kind: 'error', code: '-1', message: 'TrichYeuHoSo không hợp lệ' }] })
  const code = (await post(gw.url, key, 'civil-status', civilStatus('ED-1'))).json.maHoSo as string
  await waitFor(async () => await state(code) === 'failed')
  const view = (await getDossier(gw.url, gw.keys.admin, code)).json
  const { schemaVersion: _v, maHoSo: _m, provenance: _p, ...record } = view.dossier as Record<string, unknown>
  const dossier = { ...record, sourceId: view.dossier.provenance.sourceId, summary: 'Đăng ký khai sinh (đã sửa trích yếu)' }

  const bad = await admin(`/v1/admin/dossiers/${code}/edit`, { revision: view.sync.revision, reason: 'Sửa trích yếu', dossier: { ...dossier, holder: { ...((dossier as Record<string, unknown>).holder as object), ids: [{ type: 'cccd', number: '123' }] } } })
  t.equal(bad.status, 422)
  t.ok((bad.json.errors as Array<{ field: string }>).some(e => e.field.startsWith('dossier.holder.ids')), JSON.stringify(bad.json.errors?.[0]))
  t.equal((await getDossier(gw.url, gw.keys.admin, code)).json.sync.revision, view.sync.revision, 'the original untouched')
  t.equal((await admin(`/v1/admin/dossiers/${code}/edit`, { revision: view.sync.revision + 5, reason: 'x x x', dossier })).status, 409, 'another revision')
  t.equal((await admin(`/v1/admin/dossiers/${code}/edit`, { revision: view.sync.revision, reason: 'Sửa trích yếu', dossier }, viewer)).status, 403)

  const ok = await admin(`/v1/admin/dossiers/${code}/edit`, { revision: view.sync.revision, reason: 'Sửa trích yếu', dossier })
  t.equal(ok.status, 202, JSON.stringify(ok.json))
  await waitFor(async () => await state(code) === 'delivered')
  t.equal(sim.state.dossier(code)?.hoSo.TrichYeuHoSo, 'Đăng ký khai sinh (đã sửa trích yếu)')
  const payloads = await (await fetch(`${gw.url}/v1/admin/dossiers/${code}/payloads`, { headers: { 'x-api-key': gw.keys.admin } })).json() as { items: Array<{ clientId: string }> }
  t.same(payloads.items.map(p => p.clientId), ['admin', 'hotich-replay'], 'the edit beside the original, newest first')
  const audit = await (await fetch(`${gw.url}/v1/admin/audit`, { headers: { 'x-api-key': gw.keys.admin } })).json() as { items: Array<{ action: string, target: string }> }
  t.ok(audit.items.some(x => x.action === 'dossier.edit' && x.target === code))
})

t.test('recover webhooks: every failed event of one client since a time goes again, each dossier in order', async t => {
  const since = new Date().toISOString()
  stub.setBehaviour({ status: 410, times: 3 })
  const codes: string[] = []
  for (const n of ['RC-1', 'RC-2', 'RC-3']) codes.push((await post(gw.url, key, 'civil-status', civilStatus(n))).json.maHoSo as string)
  for (const c of codes) await waitFor(async () => (await getDossier(gw.url, gw.keys.admin, c)).json.webhooks.failed !== undefined)
  const r = await admin('/v1/admin/webhooks/recover', { client: 'hotich-replay', since })
  t.equal(r.status, 202)
  t.equal(r.json.queued, 3, JSON.stringify(r.json))
  await stub.waitFor(rs => codes.every(c => rs.some(x => x.type === 'dossier.delivered' && (x.data as { maHoSo: string }).maHoSo === c)))
  t.equal((await admin('/v1/admin/webhooks/recover', { client: 'hotich-replay', since })).json.matched, 0, 'nothing left')
})

t.test('one list of everything that waits for a person: filtered, paginated over every match', async t => {
  sim.setFaults({ script: [{ kind: 'error', code: '-1', message: 'MaXa không đúng danh mục' }] })
  const failed = (await post(gw.url, key, 'civil-status', civilStatus('FL-1'))).json.maHoSo as string
  await waitFor(async () => await state(failed) === 'failed')
  await waitFor(async () => (await getDossier(gw.url, gw.keys.admin, failed)).json.webhooks.queued.length === 0)
  await sim.sendCallback({ url: `${gw.url}/v1/portal/callbacks`, event: { MaSuKien: 'fl-orphan', LoaiSuKien: 'DanhGia', MaHoSo: '000.00.31.H42-250701-07777', DuLieu: { DiemDanhGia: 3 } } })
  const get = async (q: string): Promise<{ items: Array<{ kind: string, maHoSo: string, reason: { code: string, message: { vi: string, en: string } }, reply?: string, attempts?: number, attemptLog?: Array<{ outcome: string, portalMessage?: string }> }>, nextCursor?: string }> =>
    await (await fetch(`${gw.url}/v1/admin/failed?${q}`, { headers: { 'x-api-key': viewer } })).json() as never
  const delivery = await get('kind=delivery&reason=PORTAL_REJECTED')
  const item = delivery.items.find(i => i.maHoSo === failed)
  t.ok(item !== undefined, 'the failed delivery is listed')
  t.match(item?.reason.message.vi ?? '', /Cổng/, 'the reason in Vietnamese')
  t.match(item?.reply ?? '', /MaXa không đúng danh mục/, 'and the portal\'s own words')
  const attemptLog = item?.attemptLog ?? []
  t.ok(attemptLog.length >= 1 && item?.attempts === attemptLog.length, `every attempt is listed (${attemptLog.length})`)
  t.same(attemptLog, (await getDossier(gw.url, gw.keys.admin, failed)).json.attempts, 'the same attempts as the dossier view')
  t.ok((await get('kind=callback')).items.some(i => i.maHoSo === '000.00.31.H42-250701-07777' && i.reason.code === 'UNKNOWN_DOSSIER'))
  t.same((await get('kind=delivery&system=land')).items, [], 'filtered by system')
  const all = await get('limit=500')
  t.ok(all.items.length >= 2, `${all.items.length} waiting`)
  const kinds = new Set(all.items.map(i => i.kind))
  t.ok(kinds.has('delivery') && kinds.has('callback'))
  const paged: string[] = []
  let cursor: string | undefined
  do {
    const page = await get(`limit=2${cursor === undefined ? '' : `&cursor=${cursor}`}`)
    paged.push(...page.items.map(i => `${i.kind}|${i.maHoSo}`))
    cursor = page.nextCursor
  } while (cursor !== undefined && paged.length <= all.items.length)
  t.same(paged, all.items.map(i => `${i.kind}|${i.maHoSo}`), 'the pages cover every match, in order, once')
})
