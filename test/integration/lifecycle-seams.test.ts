/**
 * Where a dossier's life meets what is derived from it (issue 16): the overdueOpen gauge under a
 * corrected commune, an offline machine replaying its queue, a result on a dossier a resend
 * brought to 9, and a new due date already past on an overdue dossier.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { getDossier, post } from '../../support/samples.js'
import { scanDeadlines } from '../../src/queue/deadlines.js'
import { useStack } from '../helpers/fixture.js'

// No portal: delivery is not what this test is about (it retries in the background).
const { gw } = useStack(t, { simulator: false, env: { ROLE: 'api', DEADLINE_SCAN_INTERVAL_MS: '3600000' } })

const base = JSON.parse(readFileSync('fixtures/canonical/sample.input.json', 'utf8')) as Record<string, unknown>
const AGENCY = base.agency as { code: string, communeCode: string }

/** Local ISO time (+07:00) `ms` from now. */
function isoIn (ms: number): string {
  return `${new Date(Date.now() + ms + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`
}
const HOUR = 3_600_000

function doc (sourceId: string, over: Record<string, unknown>): Record<string, unknown> {
  return { ...base, sourceId, status: '2', returnedAt: undefined, step: undefined, ...over }
}

async function event (code: string, body: object): Promise<{ status: number, json: any }> {
  const res = await fetch(`${gw.url}/v1/dossiers/${code}/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': gw.keys.admin }, body: JSON.stringify(body) })
  return { status: res.status, json: await res.json() }
}

async function overdueOpen (q: string): Promise<number> {
  const res = await fetch(`${gw.url}/v1/stats?${q}`, { headers: { 'x-api-key': gw.keys.admin } })
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`)
  return ((await res.json()) as { overdueOpen: number }).overdueOpen
}

async function scan (): Promise<void> {
  await scanDeadlines(gw.app.store, gw.app.queues, HOUR, gw.app.log)
}

t.test('overdueOpen goes down on the commune it went up on, whatever a resend corrected', async t => {
  const first = doc('SEAM-GAUGE', { receivedAt: isoIn(-72 * HOUR), dueAt: isoIn(-24 * HOUR), agency: { ...AGENCY, communeCode: '18754' } })
  const r = await post(gw.url, gw.keys.canonical as string, 'canonical', first)
  t.equal(r.status, 202, r.text)
  const code = r.json.maHoSo as string
  await scan()
  t.equal(await overdueOpen('commune=18754'), 1, 'overdue, counted on the first intake\'s commune')
  const corrected = await post(gw.url, gw.keys.canonical as string, 'canonical', { ...first, agency: { ...AGENCY, communeCode: '18601' }, status: '4' })
  t.equal(corrected.json.outcome, 'updated', corrected.text)
  const final = await event(code, { type: 'status', at: isoIn(0), status: '8' })
  t.equal(final.status, 202, JSON.stringify(final.json))
  t.equal(await overdueOpen('commune=18754'), 0, 'down on the commune it went up on')
  t.equal(await overdueOpen('commune=18601'), 0, 'nothing left on the corrected commune')
  t.equal(await overdueOpen(`agency=${AGENCY.code}`), 0)
})

t.test('an offline machine replaying its queue in order loses no move', async t => {
  const received = -10 * HOUR
  const first = doc('SEAM-REPLAY', { receivedAt: isoIn(received), dueAt: isoIn(48 * HOUR) })
  const r = await post(gw.url, gw.keys.canonical as string, 'canonical', first)
  t.equal(r.json.outcome, 'new', r.text)
  const code = r.json.maHoSo as string
  // Queued five hours after receipt, sent now: the sender's time, not the arrival, orders it.
  const four = await post(gw.url, gw.keys.canonical as string, 'canonical', { ...first, status: '4', step: { at: isoIn(received + 5 * HOUR), content: 'Thụ lý' } })
  t.equal(four.json.outcome, 'updated', four.text)
  const five = await post(gw.url, gw.keys.canonical as string, 'canonical', { ...first, status: '5', step: { at: isoIn(received + 6 * HOUR), content: 'Yêu cầu bổ sung' } })
  t.equal(five.json.outcome, 'updated', five.text)
  // A late copy of the move to 4, dated before the supplement request: stale, not a new move.
  const late = await post(gw.url, gw.keys.canonical as string, 'canonical', { ...first, status: '4', step: { at: isoIn(received + 5 * HOUR), content: 'Thụ lý' }, note: 'bản cũ' })
  t.equal(late.json.outcome, 'stale', late.text)
  t.equal((await getDossier(gw.url, gw.keys.admin, code)).json.status.code, '5')
})

t.test('a result on a dossier a resend brought to 9 dates its end of processing', async t => {
  const r = await post(gw.url, gw.keys.canonical as string, 'canonical', doc('SEAM-RESULT', { receivedAt: isoIn(-5 * HOUR), dueAt: isoIn(48 * HOUR), status: '9' }))
  t.equal(r.status, 202, r.text)
  const code = r.json.maHoSo as string
  const at = isoIn(-HOUR)
  const e = await event(code, { type: 'result', at, documents: [{ name: 'Giấy khai sinh', code: 'KQ-9', url: 'https://kq.example.vn/9' }] })
  t.equal(e.status, 202, JSON.stringify(e.json))
  const d = (await getDossier(gw.url, gw.keys.admin, code)).json
  t.equal(d.dossier.finishedAt, at, 'NgayKetThucXuLy comes from the result')
})

t.test('a new due date already past keeps the dossier overdue, listed under that date', async t => {
  const r = await post(gw.url, gw.keys.canonical as string, 'canonical', doc('SEAM-DUE', { receivedAt: isoIn(-96 * HOUR), dueAt: isoIn(-48 * HOUR) }))
  const code = r.json.maHoSo as string
  await scan()
  const before = await overdueOpen(`agency=${AGENCY.code}`)
  const newDue = isoIn(-24 * HOUR)
  const e = await event(code, { type: 'due-date', at: isoIn(0), dueAt: newDue, reason: 'Chờ ý kiến' })
  t.equal(e.status, 202, JSON.stringify(e.json))
  const res = await fetch(`${gw.url}/v1/dossiers?overdue=true&limit=100`, { headers: { 'x-api-key': gw.keys.admin } })
  const items = ((await res.json()) as { items: Array<{ maHoSo: string, dueAt: string }> }).items.filter(i => i.maHoSo === code)
  t.equal(items.length, 1, 'still overdue')
  t.equal(Date.parse(items[0]?.dueAt ?? ''), Date.parse(newDue), 'under the due date in force')
  t.equal(await overdueOpen(`agency=${AGENCY.code}`), before, 'counted once')
})

t.test('lengths count UTF-16 code units, as the portal does, refused at the sender\'s field', async t => {
  // U+20000.. (CJK Extension B): one character, two UTF-16 code units each.
  const extB = (n: number): string => Array.from({ length: n }, (_, i) => String.fromCodePoint(0x20000 + i)).join('')
  const long = await post(gw.url, gw.keys.canonical as string, 'canonical', doc('SEAM-LEN', { receivedAt: isoIn(-HOUR), dueAt: isoIn(48 * HOUR), summary: extB(560) }))
  t.equal(long.status, 422, long.text)
  t.match(long.json.errors, [{ code: 'TOO_LONG', field: 'summary' }], 'summary: 1120 code units of at most 1000')
  const fits = await post(gw.url, gw.keys.canonical as string, 'canonical', doc('SEAM-LEN', { receivedAt: isoIn(-HOUR), dueAt: isoIn(48 * HOUR), summary: extB(500) }))
  t.equal(fits.status, 202, fits.text)
  const step = await event(fits.json.maHoSo as string, { type: 'step', at: isoIn(0), content: extB(501) })
  t.equal(step.status, 422, JSON.stringify(step.json))
  t.match(step.json.errors, [{ code: 'TOO_LONG', field: 'content' }])
  const officer = await event(fits.json.maHoSo as string, { type: 'step', at: isoIn(0), content: 'Thẩm định', officer: `Nguyễn ${extB(22)}` })
  t.equal(officer.status, 422, 'officer: 51 code units of at most 50')
})
