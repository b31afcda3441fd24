import t from 'tap'
import { civilStatus, getDossier, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { localDay } from '../../src/domain/toolkit/dates.js'
import { useStack } from '../helpers/fixture.js'

let n = 1000

const { sim, gw } = useStack(t, {
  redis: 'topology',
  // Retry-After is honoured up to BREAKER_MAX_COOLDOWN_MS: above the 1 s the 429 test asks for.
  env: { PORTAL_TIMEOUT_MS: '500', BREAKER_MAX_COOLDOWN_MS: '1500' }
})
t.beforeEach(() => { sim.setFaults({}, { replace: true }) })

const key = (): string => gw.keys['civil-status'] as string

async function syncState (maHoSo: string): Promise<any> {
  return (await getDossier(gw.url, gw.keys.admin, maHoSo)).json
}

async function delivered (maHoSo: string): Promise<void> {
  await waitFor(async () => (await syncState(maHoSo)).sync.state === 'delivered', { what: `${maHoSo} delivered` })
}

t.test('the same dossier sent 5 times at once is created once; a changed resend is one update after it', async t => {
  const doc = civilStatus(++n)
  const replies = await Promise.all(Array.from({ length: 5 }, async () => await post(gw.url, key(), 'civil-status', doc)))
  const maHoSo = replies[0]?.json.maHoSo as string
  await delivered(maHoSo)
  let d = sim.state.dossier(maHoSo)
  t.equal(d?.creates, 1)
  t.equal(d?.updates, 0)
  t.equal(d?.duplicateCreates, 0)
  t.equal(d?.hoSo.ChuHoSo, 'Trần Văn Bình')

  await post(gw.url, key(), 'civil-status', { ...doc, ghiChu: 'Bổ sung giấy chứng sinh bản gốc' })
  await waitFor(async () => (await syncState(maHoSo)).sync.deliveredRevision === 2)
  d = sim.state.dossier(maHoSo)
  t.equal(d?.creates, 1)
  t.equal(d?.updates, 1)
  t.equal(d?.hoSo.GhiChu, 'Bổ sung giấy chứng sinh bản gốc')
  const calls = sim.state.received({ service: 'DongBoHoSoMC' }).filter(r => r.maHoSo.includes(maHoSo))
  t.same(calls.map(c => c.isUpdating), ['False', 'True'], 'the update came after the create')
})

t.test('status changes become steps, in the order they happened', async t => {
  const doc = civilStatus(++n)
  const first = await post(gw.url, key(), 'civil-status', doc)
  const maHoSo = first.json.maHoSo as string
  for (const s of ['DANG_XU_LY', 'BO_SUNG', 'DANG_XU_LY', 'DA_CO_KET_QUA', 'DA_TRA']) {
    await post(gw.url, key(), 'civil-status', { ...doc, trangThai: s })
  }
  await waitFor(async () => (await syncState(maHoSo)).sync.state === 'delivered' && sim.state.dossier(maHoSo)?.stepsAccepted === 5)
  const d = sim.state.dossier(maHoSo)
  t.same(d?.steps.map(s => s.tienDo.TrangThai), ['4', '5', '4', '9', '10'])
  t.equal(d?.currentStatus, '10')
  t.equal(d?.creates, 1)
})

t.test('an update or a step never overtakes its create, even when the create must be retried', async t => {
  sim.setFaults({ script: [{ kind: 'status', status: 503, service: 'DongBoHoSoMC' }, { kind: 'status', status: 503, service: 'DongBoHoSoMC' }] })
  const doc = civilStatus(++n)
  const first = await post(gw.url, key(), 'civil-status', doc)
  const maHoSo = first.json.maHoSo as string
  await post(gw.url, key(), 'civil-status', { ...doc, ghiChu: 'sửa' })
  await post(gw.url, key(), 'civil-status', { ...doc, ghiChu: 'sửa', trangThai: 'DANG_XU_LY' })
  await delivered(maHoSo)
  const d = sim.state.dossier(maHoSo)
  t.equal(d?.creates, 1)
  t.equal(d?.hoSo.GhiChu, 'sửa', 'the create carried the latest content')
  t.equal(d?.stepsAccepted, 1)
  const attempts = (await syncState(maHoSo)).attempts as Array<{ outcome: string }>
  t.ok(attempts.filter(a => a.outcome === 'transient').length >= 2, 'the failed tries are in the history')
})

t.test('an expired session is renewed once and the call repeated', async t => {
  const logins = sim.state.counts().auth.ok
  sim.setFaults({ script: [{ kind: 'expire-session', service: 'DongBoHoSoMC' }] })
  const res = await post(gw.url, key(), 'civil-status', civilStatus(++n))
  await delivered(res.json.maHoSo)
  t.equal(sim.state.counts().auth.ok, logins + 1, 'one new login')
  t.equal(sim.state.dossier(res.json.maHoSo)?.creates, 1)
})

t.test('429 with Retry-After is honoured', async t => {
  sim.setFaults({ script: [{ kind: '429', retryAfterSeconds: 1, service: 'DongBoHoSoMC' }] })
  const res = await post(gw.url, key(), 'civil-status', civilStatus(++n))
  await delivered(res.json.maHoSo)
  const calls = sim.state.received({ service: 'DongBoHoSoMC' }).filter(r => r.maHoSo.includes(res.json.maHoSo))
  t.equal(calls.length, 2)
  const gap = (calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)
  t.ok(gap >= 1000, `retried after ${gap} ms, not before Retry-After`)
})

t.test('-1 goes straight to failed, with the portal\'s reason; the rest of the batch goes on', async t => {
  sim.setFaults({ script: [{ kind: 'error', code: '-1', message: 'data[0].MaTTHC không hợp lệ', service: 'DongBoHoSoMC' }] })
  const res = await post(gw.url, key(), 'civil-status', civilStatus(++n))
  await waitFor(async () => (await syncState(res.json.maHoSo)).sync.state === 'failed')
  const s = await syncState(res.json.maHoSo)
  t.equal(s.sync.failure.code, 'PORTAL_REJECTED')
  t.match(s.sync.failure.reason, /MaTTHC/)
  t.equal(s.attempts.filter((a: { portalCode?: string }) => a.portalCode === '-1').length, 1, 'not retried')
  const list = await fetch(`${gw.url}/v1/admin/dossiers?state=failed`, { headers: { 'x-api-key': gw.keys.admin } })
  t.ok(((await list.json()) as { items: Array<{ maHoSo: string }> }).items.some(i => i.maHoSo === res.json.maHoSo))
})

t.test('a hung connection times out and the call is retried', async t => {
  sim.setFaults({ script: [{ kind: 'hang', service: 'DongBoHoSoMC' }] })
  const res = await post(gw.url, key(), 'civil-status', civilStatus(++n))
  await delivered(res.json.maHoSo)
  const s = await syncState(res.json.maHoSo)
  t.match(s.attempts[0], { outcome: 'transient' })
  t.equal(sim.state.dossier(res.json.maHoSo)?.creates, 1)
})

t.test('a create whose reply was lost is not duplicated: -3 is checked with TraCuuHoSo', async t => {
  sim.setFaults({ script: [{ kind: 'close', service: 'DongBoHoSoMC', afterProcessing: true }] })
  const res = await post(gw.url, key(), 'civil-status', civilStatus(++n))
  await delivered(res.json.maHoSo)
  const d = sim.state.dossier(res.json.maHoSo)
  t.equal(d?.creates, 1)
  t.equal(d?.updates, 0, 'same content on the portal: no update needed')
  t.equal(d?.duplicateCreates, 1)
})

t.test('a backlog is sent in batches of up to 50', async t => {
  sim.setFaults({ outage: { status: 503 } })
  const codes: string[] = []
  for (let i = 0; i < 120; i++) codes.push((await post(gw.url, key(), 'civil-status', civilStatus(++n))).json.maHoSo)
  sim.setFaults({ outage: null })
  await waitFor(() => codes.every(c => sim.state.dossier(c)?.creates === 1), { what: '120 creates' })
  const sizes = sim.state.received({ service: 'DongBoHoSoMC' }).filter(r => r.errorCode === '0' && r.maHoSo.some(c => codes.includes(c))).map(r => r.maHoSo.length)
  t.ok(Math.max(...sizes) > 1, `batched: ${sizes.join(',')}`)
  t.ok(Math.max(...sizes) <= 50)
})

t.test('each time the portal has a dossier in full, today\'s delivered figure counts it once', async t => {
  const [zero, one, two] = [civilStatus(++n), civilStatus(++n), civilStatus(++n)]
  const first = await post(gw.url, key(), 'civil-status', zero)
  const agency = (await syncState(first.json.maHoSo as string)).dossier.agency.code as string
  const count = async (): Promise<number> => await gw.app.store.delivery.deliveredOn([agency], localDay())
  await delivered(first.json.maHoSo as string)
  const before = await count()
  const codes: string[] = []
  for (const d of [one, two]) codes.push((await post(gw.url, key(), 'civil-status', d)).json.maHoSo as string)
  for (const c of codes) await delivered(c)
  t.equal(await count(), before + 2, 'two new dossiers')
  await post(gw.url, key(), 'civil-status', one)
  t.equal(await count(), before + 2, 'a duplicate changes nothing')
  await post(gw.url, key(), 'civil-status', { ...one, ghiChu: 'Bổ sung' })
  await waitFor(async () => (await syncState(codes[0] as string)).sync.deliveredRevision === 2)
  t.equal(await count(), before + 3, 'an update, once on the portal, counts again')
  t.equal(await gw.app.store.delivery.deliveredOn([agency], '2000-01-01'), 0, 'another day has its own count')
})
