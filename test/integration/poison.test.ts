/**
 * One bad dossier never stops its agency: for each way a single dossier can fail, good
 * dossiers of the same agency, in the same batch before and after it, reach the portal, and
 * the bad one is `failed` with its reason (or, for portal faults, waits without failing).
 */
import t, { type Test } from 'tap'
import { civilStatus, getDossier, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { PortalClient, sampleHoSo } from '../../simulator/index.js'
import { decodeDoc, encodeDoc } from '../../src/store/codec.js'
import { useStack } from '../helpers/fixture.js'

let n = 5000

const { sim, gw } = useStack(t, {
  // Small enough that three civil-status dossiers in one call exceed it, one does not.
  simulator: { bodyLimitBytes: 4000 },
  env: { PORTAL_TIMEOUT_MS: '1000' }
})
t.beforeEach(() => { sim.setFaults({}, { replace: true }) })

const key = (): string => gw.keys['civil-status'] as string
const view = async (maHoSo: string): Promise<any> => (await getDossier(gw.url, gw.keys.admin, maHoSo)).json

async function postNew (overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await post(gw.url, key(), 'civil-status', civilStatus(++n, overrides))
  if (res.status !== 202) throw new Error(`refused: ${res.text}`)
  return res.json.maHoSo as string
}

/** Posts good, bad, good while the portal is down, spoils the bad one, then lets the portal back. */
async function sandwich (spoil: (maHoSo: string) => Promise<void>, badOverrides: Record<string, unknown> = {}): Promise<{ good: string[], bad: string }> {
  sim.setFaults({ outage: { status: 503 } })
  const good1 = await postNew()
  const bad = await postNew(badOverrides)
  const good2 = await postNew()
  await waitFor(async () => (await view(good1)).attempts.length > 0, { what: 'a failed attempt during the outage' })
  await spoil(bad)
  sim.setFaults({ outage: null })
  return { good: [good1, good2], bad }
}

async function deliveredOnce (t: Test, codes: string[]): Promise<void> {
  for (const c of codes) {
    await waitFor(async () => (await view(c)).sync.state === 'delivered', { what: `${c} delivered` })
    t.equal(sim.state.dossier(c)?.creates, 1, `${c} created once`)
  }
}

async function failedWith (maHoSo: string, code: string): Promise<any> {
  let v: any
  await waitFor(async () => { v = await view(maHoSo); return v.sync.state === 'failed' }, { what: `${maHoSo} failed` })
  return v.sync.failure?.code === code ? v : { ...v, unexpected: v.sync.failure }
}

async function dossierKey (maHoSo: string, which: 'dossier' | 'doc' = 'dossier'): Promise<string> {
  const where = await gw.app.store.locate(maHoSo)
  if (where === undefined) throw new Error(`unknown ${maHoSo}`)
  return gw.app.store.keys.dossier(where.agency, where.ref)[which]
}

/** Changes the stored canonical record by hand (it lives, compressed, in the dossier's document). */
async function editInput (code: string, change: (input: any) => void): Promise<void> {
  const k = await dossierKey(code, 'doc')
  const doc = decodeDoc(await gw.app.redis.getBuffer(k) as Buffer)
  change(doc.input)
  await gw.app.redis.set(k, encodeDoc(doc))
}

t.test('a stored record that cannot be rendered for the portal fails alone (UNRENDERABLE)', async t => {
  const { good, bad } = await sandwich(async (code) => {
    await editInput(code, input => { input.receivedAt = '2025-02-30T25:00:00+07:00' })
  })
  await deliveredOnce(t, good)
  const v = await failedWith(bad, 'UNRENDERABLE')
  t.equal(v.sync.failure.code, 'UNRENDERABLE')
  t.equal(sim.state.dossier(bad), undefined, 'nothing of it reached the portal')
})

t.test('an unreadable record fails alone; an outbox entry whose record is gone is dropped, once', async t => {
  let gone = ''
  const { good, bad } = await sandwich(async (code) => {
    // A document that does not inflate.
    await gw.app.redis.set(await dossierKey(code, 'doc'), Buffer.from([1, 0x64, 0xff, 0xfe, 0xfd]))
    gone = await postNew()
    await gw.app.redis.del(await dossierKey(gone))
  })
  await deliveredOnce(t, good)
  t.equal((await gw.app.redis.hget(await dossierKey(bad), 'state')), 'failed')
  await waitFor(async () => gw.logs().includes('outbox entry without its dossier record'), { what: 'the drop to be logged' })
  const where = await gw.app.store.locate(gone)
  t.equal(await gw.app.redis.zscore(gw.app.store.keys.outbox(where?.agency as string), where?.ref as string), null, 'entry dropped')
  t.equal(gw.logs().split('outbox entry without its dossier record').length - 1, 1, 'logged once')
})

t.test('a batch refused as -1 is split until the culprit is found', async t => {
  const { good, bad } = await sandwich(async (code) => {
    // Renders, but the portal refuses it: any call that carries it answers -1.
    await editInput(code, input => { input.holder.phone = '12' })
  })
  const before = sim.state.counts().byErrorCode['-1'] ?? 0
  await deliveredOnce(t, good)
  const v = await failedWith(bad, 'PORTAL_REJECTED')
  t.equal(v.sync.failure.code, 'PORTAL_REJECTED')
  t.match(v.sync.failure.reason, /SoDienThoai/, "the portal's reason is kept")
  t.ok((sim.state.counts().byErrorCode['-1'] ?? 0) - before >= 2, 'the whole batch was refused before the split')
})

t.test('HTTP 413 splits the batch; a dossier too large alone fails (PAYLOAD_TOO_LARGE)', async t => {
  const big = 'Ghi chú rất dài. '.repeat(110).slice(0, 1900)
  const docs = Array.from({ length: 12 }, (_, i) => ({ ma: `TP${i}`, ten: `Giấy tờ kèm theo số ${i}.pdf`, mime: 'application/pdf', kichThuoc: 1000 + i, url: `https://hotich.example/tep/77/${i}/${'x'.repeat(60)}` }))
  const { good, bad } = await sandwich(async () => {}, { ghiChu: big, tepDinhKem: docs })
  await deliveredOnce(t, good)
  const v = await failedWith(bad, 'PAYLOAD_TOO_LARGE')
  t.equal(v.sync.failure.code, 'PAYLOAD_TOO_LARGE')
  t.ok((sim.state.counts().byHttpStatus['413'] ?? 0) >= 1, 'the portal did answer 413')
})

t.test('an unknown error_code makes the batch wait, is shown with its code, and fails nothing', async t => {
  sim.setFaults({ script: [{ kind: 'error', code: '-77', message: 'mã lỗi mới' }, { kind: 'error', code: '-77', message: 'mã lỗi mới' }] })
  const a = await postNew()
  const b = await postNew()
  await deliveredOnce(t, [a, b])
  const attempts = (await view(a)).attempts as Array<{ outcome: string, portalCode?: string }>
  t.ok(attempts.some(x => x.outcome === 'unknown-code' && x.portalCode === '-77'), 'the attempt shows the unknown code')
  t.equal(sim.state.counts().byErrorCode['-77'], 2, 'retried, not failed')
})

t.test('a -3 whose portal record belongs to another applicant overwrites nothing (CODE_COLLISION)', async t => {
  const first = await postNew()
  await deliveredOnce(t, [first])
  // The next code the agency will give, already on the portal for somebody else.
  const [prefix, seq] = [first.slice(0, -5), Number(first.slice(-5))]
  const next = `${prefix}${String(seq + 1).padStart(5, '0')}`
  const other = new PortalClient(sim.url, { madonvi: prefix.split('-')[0] as string })
  await other.login()
  const created = await other.create([sampleHoSo(1, { MaHoSo: next, ChuHoSo: 'Lê Thị Người Khác', DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '001301009999' }] })])
  t.equal(created.error_code, '0')
  const mine = await postNew()
  t.equal(mine, next, 'the gateway gave the code the portal already holds')
  const v = await failedWith(mine, 'CODE_COLLISION')
  t.equal(v.sync.failure.code, 'CODE_COLLISION')
  t.match(v.sync.failure.reason, /ChuHoSo/)
  const onPortal = sim.state.dossier(next)
  t.equal(onPortal?.updates, 0, 'no update replaced it')
  t.equal(onPortal?.hoSo.ChuHoSo, 'Lê Thị Người Khác')
  const listed = await fetch(`${gw.url}/v1/admin/dossiers?state=failed`, { headers: { 'x-api-key': gw.keys.admin } })
  const items = ((await listed.json()) as { items: unknown }).items as Array<{ maHoSo: string, failure?: { code: string } }>
  t.equal(items.find(i => i.maHoSo === next)?.failure?.code, 'CODE_COLLISION', 'the failed list says so')
  await waitFor(() => /code collision/.test(gw.logs()), { what: 'the collision in the log' })
  // And a dossier after it is not held up.
  const after = await postNew()
  await deliveredOnce(t, [after])
})
