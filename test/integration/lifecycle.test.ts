/**
 * The life of a dossier after intake: events, the status machine, late resends, deadlines.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { civilStatus, getDossier, post, sample } from '../../support/samples.js'
import { newKey, newWebhookSecret } from '../../support/clients-file.js'
import { waitFor } from '../../support/wait.js'
import { useStack } from '../helpers/fixture.js'
import { scanDeadlines } from '../../src/queue/deadlines.js'

const hotichKey = newKey()
const secret = newWebhookSecret()
const { sim, stub, gw, gw2 } = useStack(t, {
  stub: { secret },
  env: { WEBHOOK_RETRY_SCHEDULE_MS: '100,200,300', DEADLINE_SCAN_INTERVAL_MS: '3600000', DUE_SOON_WINDOW: 'PT24H', PORTAL_CALLBACK_SECRET: 'lienthong-callback-dev' },
  extraClients: ({ stub }) => [{ id: 'hotich-31', key: hotichKey, system: 'civil-status', agencies: ['000.00.31.H42'], webhook: { url: stub.url, secret } }],
  second: true
})

async function event (maHoSo: string, body: object, key = gw.keys.admin): Promise<{ status: number, json: any }> {
  const res = await fetch(`${gw.url}/v1/dossiers/${maHoSo}/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) })
  return { status: res.status, json: await res.json() }
}

function isoIn (ms: number): string {
  return `${new Date(Date.now() + ms + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`
}

const SECTORS: Array<{ system: string, body: string, type: string }> = [
  { system: 'civil-status', body: sample('civil-status.json'), type: 'application/json' },
  { system: 'land', body: sample('land-registration.xml'), type: 'application/xml' },
  { system: 'social-insurance', body: sample('social-insurance.xml'), type: 'text/xml' },
  { system: 'business-registration', body: readFileSync('fixtures/business-registration/sample.input.json', 'utf8'), type: 'application/json' },
  // The canonical sample was returned already (final): taken in as just received here.
  { system: 'canonical', body: JSON.stringify({ ...JSON.parse(readFileSync('fixtures/canonical/sample.input.json', 'utf8')) as object, status: '2', returnedAt: undefined }), type: 'application/json' }
]

for (const s of SECTORS) {
  t.test(`${s.system}: received to result returned, with a supplement and a new due date, reaches the portal in order`, async t => {
    const r = await post(gw.url, gw.keys[s.system] as string, s.system, s.body, s.type)
    const code = (r.json?.maHoSo ?? /<[\w:]*MaHoSo>([^<]+)</.exec(r.text)?.[1]) as string
    t.ok(code, r.text.slice(0, 300))
    const due = isoIn(10 * 86_400_000)
    const steps: Array<[object, string]> = [
      [{ type: 'supplement-requested', at: isoIn(-5000), content: 'Bổ sung bản sao giấy tờ', requestedBy: 'Cán bộ một cửa' }, '5'],
      [{ type: 'supplement-received', at: isoIn(-4000), newDueAt: due }, '4'],
      [{ type: 'step', at: isoIn(-3000), content: 'Thẩm định hồ sơ', officer: 'Trần Thị Bình' }, '4'],
      [{ type: 'result', at: isoIn(-2000), documents: [{ name: 'Giấy chứng nhận', code: 'KQ-1', url: 'https://kq.example.vn/1' }] }, '9'],
      [{ type: 'status', at: isoIn(-1000), status: '10' }, '10']
    ]
    for (const [body, status] of steps) {
      const e = await event(code, body)
      t.equal(e.status, 202, JSON.stringify(e.json))
      t.equal(e.json.status, status)
    }
    await waitFor(async () => sim.state.dossier(code)?.currentStatus === '10' && (await getDossier(gw.url, gw.keys.admin, code)).json.sync.state === 'delivered',
      { what: `${code} returned on the portal` })
    const p = sim.state.dossier(code)
    t.same(p?.steps.map(x => x.tienDo.TrangThai), ['5', '4', '4', '9', '10'], 'the same steps in the same order')
    t.equal(p?.stepsOutOfOrder, 0)
    const bs = (p?.hoSo.DanhSachHoSoBoSung as Array<Record<string, string>> | undefined)?.[0]
    t.equal(bs?.TrangThaiBoSung, '1', 'the supplement entry is closed')
    t.ok(bs?.NgayHenTraTruoc !== undefined && bs?.NgayHenTraMoi !== undefined, 'with the old and the new due date')
    t.equal(p?.hoSo.NgayHenTra, bs?.NgayHenTraMoi, 'the new due date is the dossier\'s')
    t.same((p?.hoSo.DanhSachGiayToKetQua as Array<Record<string, string>> | undefined)?.map(d => d.MaGiayToKetQua), ['KQ-1'])
    t.ok(p?.hoSo.NgayKetThucXuLy !== undefined && p?.hoSo.NgayTra !== undefined)
  })
}

t.test('illegal transitions and late resends change nothing', async t => {
  const doc = civilStatus('LC-1')
  const r = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', doc)
  const code = r.json.maHoSo as string
  const illegal = await event(code, { type: 'status', at: isoIn(0), status: '10' })
  t.equal(illegal.status, 409)
  t.equal(illegal.json.code, 'ILLEGAL_TRANSITION')
  t.match(illegal.json.message.en, /4/, 'names the allowed moves')
  t.equal((await event(code, { type: 'status', at: isoIn(0), status: '4' })).status, 202)
  await waitFor(async () => (await getDossier(gw.url, gw.keys.admin, code)).json.sync.state === 'delivered')
  const calls = sim.state.received({ maHoSo: code }).length
  // The sector machine that was offline sends yesterday's state.
  const stale = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', { ...doc, ghiChu: 'gửi lại từ máy cũ' })
  t.equal(stale.status, 202)
  t.equal(stale.json.outcome, 'stale')
  const d = (await getDossier(gw.url, gw.keys.admin, code)).json
  t.equal(d.status.code, '4', 'not moved backwards')
  t.notOk(d.dossier.note?.includes('máy cũ'), 'its content was not taken')
  t.ok(d.history.some((h: { kind: string }) => h.kind === 'stale-resend'), 'recorded in the history')
  t.equal(sim.state.received({ maHoSo: code }).length, calls, 'nothing went to the portal')
  // Final stays final.
  t.equal((await event(code, { type: 'status', at: isoIn(0), status: '3', reason: 'Không đủ điều kiện' })).status, 409)
  t.equal((await event(code, { type: 'status', at: isoIn(0), status: '8' })).status, 202)
  const after = await event(code, { type: 'status', at: isoIn(0), status: '4' })
  t.equal(after.status, 409)
  t.match(after.json.message.en, /final/i)
})

t.test('bad events are refused with the field and write nothing', async t => {
  const r = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus('LC-2'))
  const code = r.json.maHoSo as string
  const before = (await getDossier(gw.url, gw.keys.admin, code)).json.sync.revision
  for (const [body, field] of [
    [{ type: 'nope', at: isoIn(0) }, 'type'],
    [{ type: 'due-date', at: isoIn(0), dueAt: '2020-01-01T00:00:00+07:00' }, 'dueAt'],
    [{ type: 'result', documents: [{ name: 'KQ', code: 'K', url: 'https://x.vn/1' }] }, 'at'],
    [{ type: 'supplement-received', at: isoIn(0) }, undefined]
  ] as Array<[object, string | undefined]>) {
    const e = await event(code, body)
    t.ok(e.status >= 400 && e.status < 500, `${JSON.stringify(body)} → ${e.status}`)
    if (field !== undefined) t.ok(e.json.field === field || e.json.errors?.some((x: { field: string }) => x.field === field), `field ${field}: ${JSON.stringify(e.json)}`)
  }
  t.equal((await getDossier(gw.url, gw.keys.admin, code)).json.sync.revision, before, 'nothing written')
  const other = await event(code, { type: 'step', at: isoIn(0), content: 'x' }, gw.keys.land as string)
  t.equal(other.status, 404, 'another system\'s dossier is not found')
})

t.test('an overdue dossier emits dossier.overdue once, with two gateway processes scanning at once', async t => {
  const doc = civilStatus('LC-3', { ngayHenTra: '2025-07-02' })
  const r = await post(gw.url, hotichKey, 'civil-status', doc)
  const code = r.json.maHoSo as string
  await Promise.all([gw, gw2, gw, gw2].map(async g => await scanDeadlines(g.app.store, g.app.queues, 86_400_000, g.app.log)))
  await stub.waitFor(rs => rs.some(x => x.type === 'dossier.overdue' && (x.data as { maHoSo: string }).maHoSo === code))
  await Promise.all([gw, gw2].map(async g => await scanDeadlines(g.app.store, g.app.queues, 86_400_000, g.app.log)))
  await stub.waitFor(rs => rs.some(x => x.type === 'dossier.delivered' && (x.data as { maHoSo: string }).maHoSo === code))
  t.equal(stub.received.filter(x => x.type === 'dossier.overdue' && (x.data as { maHoSo: string }).maHoSo === code).length, 1, 'once')
  const list = await fetch(`${gw.url}/v1/dossiers?overdue=true`, { headers: { 'x-api-key': hotichKey } })
  const body = await list.json() as { items: Array<{ maHoSo: string, overdue: boolean }> }
  t.ok(body.items.some(i => i.maHoSo === code && i.overdue), 'listed as overdue')
  // Page by page, the admin sees the same dossiers as in one page, once each, earliest due first.
  const all = await (await fetch(`${gw.url}/v1/dossiers?overdue=true&limit=500`, { headers: { 'x-api-key': gw.keys.admin } })).json() as { items: Array<{ maHoSo: string, dueAt: string }> }
  t.ok(all.items.length >= 2, `${all.items.length} overdue`)
  const paged: string[] = []
  let cursor: string | undefined
  do {
    const page = await (await fetch(`${gw.url}/v1/dossiers?overdue=true&limit=1${cursor === undefined ? '' : `&cursor=${cursor}`}`, { headers: { 'x-api-key': gw.keys.admin } })).json() as { items: Array<{ maHoSo: string }>, nextCursor?: string }
    paged.push(...page.items.map(i => i.maHoSo))
    cursor = page.nextCursor
  } while (cursor !== undefined && paged.length <= all.items.length)
  t.same(paged, all.items.map(i => i.maHoSo), 'pages add up to the whole list, in order')

  const gauge = async (): Promise<number> => ((await (await fetch(`${gw.url}/v1/stats?agency=000.00.31.H42`, { headers: { 'x-api-key': gw.keys.admin } })).json()) as { overdueOpen: number }).overdueOpen
  const open = await gauge()
  t.ok(open >= 1, 'counted as overdue and open')
  // A new due date in the future takes it out of the overdue list; near enough, it is due soon once.
  t.equal((await event(code, { type: 'due-date', at: isoIn(0), dueAt: isoIn(3_600_000) }, hotichKey)).status, 202)
  t.equal(await gauge(), open - 1, 'no longer counted as overdue')
  await Promise.all([gw, gw2].map(async g => await scanDeadlines(g.app.store, g.app.queues, 86_400_000, g.app.log)))
  await stub.waitFor(rs => rs.some(x => x.type === 'dossier.due-soon' && (x.data as { maHoSo: string }).maHoSo === code))
  const soon = await (await fetch(`${gw.url}/v1/dossiers?dueWithin=PT2H`, { headers: { 'x-api-key': hotichKey } })).json() as { items: Array<{ maHoSo: string }> }
  t.ok(soon.items.some(i => i.maHoSo === code), 'listed as due within 2 h')
  const over = await (await fetch(`${gw.url}/v1/dossiers?overdue=true`, { headers: { 'x-api-key': hotichKey } })).json() as { items: Array<{ maHoSo: string }> }
  t.notOk(over.items.some(i => i.maHoSo === code), 'no longer overdue')
})

t.test('the portal\'s NopBoSung closes the open supplement request, once', async t => {
  const r = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus('LC-4'))
  const code = r.json.maHoSo as string
  t.equal((await event(code, { type: 'supplement-requested', at: isoIn(-60_000), content: 'Bổ sung bản sao CCCD' })).json.status, '5')
  const cb = { MaSuKien: `nbs-${code}`, LoaiSuKien: 'NopBoSung', MaHoSo: code, DuLieu: { NoiDungBoSung: 'Đã nộp bản sao', TaiLieuNop: [] } }
  t.equal((await sim.sendCallback({ url: `${gw.url}/v1/portal/callbacks`, event: cb })).finalStatus, 200)
  let d = (await getDossier(gw.url, gw.keys.admin, code)).json
  t.equal(d.status.code, '4', 'back to processing')
  t.ok(d.dossier.supplements?.[0]?.receivedAt !== undefined, 'the request is closed')
  const revision = d.sync.revision
  t.equal((await sim.sendCallback({ url: `${gw2.url}/v1/portal/callbacks`, event: cb })).finalStatus, 200)
  d = (await getDossier(gw.url, gw.keys.admin, code)).json
  t.equal(d.sync.revision, revision, 'a copy changes nothing')
  // The update carries the new status too: wait for everything, not for the status alone.
  await waitFor(async () => (await getDossier(gw.url, gw.keys.admin, code)).json.sync.state === 'delivered' && sim.state.dossier(code)?.stepsAccepted === 2,
    { what: 'the steps on the portal' })
  t.same(sim.state.dossier(code)?.steps.map(x => x.tienDo.TrangThai), ['5', '4'])
})
