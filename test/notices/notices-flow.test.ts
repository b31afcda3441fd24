/**
 * Applicant notices end to end, on real processes: intake and events create them in the script
 * that applies the change, the worker sends them through the simulator's ZNS and SMS providers
 * and a real SMTP receiver, delivery reports close them, and nothing is sent twice (resends,
 * replayed events, two gateway processes, an expired token met by fifty notices at once).
 */
import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { useStack } from '../helpers/fixture.js'
import { freePort } from '../../support/redis-server.js'
import { civilStatus, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { DEV_ZNS, noticeProviderEnv } from '../../simulator/index.js'

const PHONE_INTL = '84912000111'
const mails: string[] = []
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData (stream, _s, cb) {
    const chunks: Buffer[] = []
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => { mails.push(Buffer.concat(chunks).toString('utf8')); cb() })
  }
})
await new Promise<void>(resolve => smtp.listen(0, '127.0.0.1', resolve))
t.teardown(async () => { await new Promise<void>(resolve => smtp.close(() => resolve())) })

const dir = mkdtempSync(join(tmpdir(), 'lt-notices-'))
const file = join(dir, 'notices.json')
const sample = JSON.parse(readFileSync('config/notices.sample.json', 'utf8')) as { agencies: Array<Record<string, unknown>> }
// Tests run at any hour: no quiet hours here (they have their own test, on a fake clock).
const agency0 = { ...sample.agencies[0], quietHours: { start: '00:00', end: '00:00' } }
writeFileSync(file, JSON.stringify({ ...sample, agencies: [agency0] }))
const port = await freePort()
const SECRET = 'notices-secret-for-tests-0123456789abcdef'

const { sim, gw, gw2 } = useStack(t, {
  second: true,
  env: ({ sim }) => ({
    PORT: String(port),
    NOTICES_FILE: file,
    NOTICES_SECRET: SECRET,
    NOTICES_PUBLIC_URL: `http://127.0.0.1:${port}`,
    NOTICE_RETRY_BASE_MS: '50',
    NOTICE_SWEEP_MS: '500',
    RATE_LIMIT_MAX: '100000',
    ...noticeProviderEnv(sim.url),
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String((smtp.server.address() as AddressInfo).port),
    SMTP_REQUIRE_TLS: 'false'
  })
})

t.before(async () => {
  await gw.app.notices.tokens?.authorise(sim.zns.authorise())
  sim.zns.setFaults({ eventsUrl: `${gw.url}/v1/notices/zns-events` })
})

let n = 0
async function intake (overrides: Record<string, unknown> = {}): Promise<string> {
  const r = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(`9${String(++n).padStart(4, '0')}`, overrides))
  if (r.status >= 300) throw new Error(r.text)
  return r.json.maHoSo as string
}

async function notices (code: string): Promise<any[]> {
  const res = await fetch(`${gw.url}/v1/dossiers/${code}/notices`, { headers: { 'x-api-key': gw.keys.admin } })
  const body = await res.json() as { items: any[] }
  if (res.status !== 200) throw new Error(`notices of ${code}: ${res.status} ${JSON.stringify(body)}`)
  return body.items
}

async function settled (code: string, states: string[], what: string): Promise<any[]> {
  let got: any[] = []
  try {
    await waitFor(async () => { got = await notices(code); return got.length > 0 && got.every(x => states.includes(x.state)) }, { what, timeoutMs: 20_000 })
  } catch (err) {
    throw new Error(`${(err as Error).message}: ${JSON.stringify(got)}`)
  }
  return got
}

async function event (code: string, body: object): Promise<number> {
  const res = await fetch(`${gw.url}/v1/dossiers/${code}/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': gw.keys.admin }, body: JSON.stringify(body) })
  return res.status
}

const isoIn = (ms: number): string => `${new Date(Date.now() + ms + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`

t.test('received: sent by ZNS once, delivered by its event; a resend creates nothing', async t => {
  sim.zns.setFaults({ noZalo: [] })
  const code = await intake()
  const [nt] = await settled(code, ['delivered'], `${code}: received delivered`)
  t.match(nt, { kind: 'received', state: 'delivered', channel: 'zns', maHoSo: code })
  t.equal(sim.zns.sent.filter(s => s.trackingId === nt.id).length, 1, 'one ZNS message, tracked by the notice id')
  await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(`9${String(n).padStart(4, '0')}`))
  t.equal((await notices(code)).length, 1, 'the same dossier sent again owes nothing new')
})

t.test('no Zalo account: the SMS carries it, its report closes it (repeated reports count once)', async t => {
  sim.zns.setFaults({ noZalo: [PHONE_INTL] })
  sim.sms.setFaults({ report: 'delivered', reportRepeat: 3 })
  const code = await intake()
  const [nt] = await settled(code, ['delivered'], `${code}: received by SMS`)
  t.match(nt, { kind: 'received', channel: 'sms', passed: ['zns'] })
  t.match(nt.history.map((h: any) => h.outcome), ['next-channel-applicant', 'sent', 'report'])
  const sms = sim.sms.sent.filter(s => s.requestId === nt.id)
  t.equal(sms.length, 1)
  t.notMatch(sms[0]?.content ?? '', /[^\x20-\x7e]/, 'no diacritics')
  const bad = await fetch(`${gw.url}/v1/notices/sms-reports/${nt.id}/AAAAAAAAAAAAAAAAAAAAAA?SendStatus=5&SendSuccess=1`)
  t.equal(bad.status, 404, 'a report URL without its MAC is not one')
  sim.zns.setFaults({ noZalo: [] })
})

t.test('a ZNS event with a wrong signature is refused 401', async t => {
  const body = JSON.stringify({ event_name: 'user_received_message', app_id: DEV_ZNS.appId, message: { msg_id: 'x' }, timestamp: String(Date.now()) })
  const res = await fetch(`${gw.url}/v1/notices/zns-events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': `mac=${'0'.repeat(64)}` }, body })
  t.equal(res.status, 401)
  t.equal((await res.json() as { code: string }).code, 'BAD_SIGNATURE')
})

t.test('apology: a late dossier re-appointed gets one apology, the letter by e-mail and by its signed link', async t => {
  const code = await intake()
  await settled(code, ['delivered'], 'received first')
  const before = mails.length
  const due = isoIn(5 * 86_400_000)
  t.equal(await event(code, { type: 'due-date', at: isoIn(-1000), dueAt: due, reason: 'Chờ xác minh của cơ quan khác' }), 202)
  t.equal(await event(code, { type: 'due-date', at: isoIn(-500), dueAt: due, reason: 'Chờ xác minh của cơ quan khác' }), 202, 'the same re-appointment again')
  const list = await settled(code, ['delivered'], 'apology delivered')
  const apologies = list.filter(x => x.kind === 'apology')
  t.equal(apologies.length, 1, 'once per dossier, kind and due date')
  t.equal(apologies[0].letterMail, 'sent')
  await waitFor(async () => mails.length > before, { what: 'the letter by e-mail' })
  const mail = mails.at(-1) ?? ''
  t.match(mail, /application\/pdf/)
  t.match(mail, /Message-ID: <ntc_/i)
  t.notMatch(mail, /0912000111/, 'no phone in the mail')
  const letter = await gw.app.store.notices.letter('000.00.31.H42', apologies[0].id as string)
  t.ok(letter !== undefined && letter.subarray(0, 4).toString() === '%PDF', 'kept with the dossier')
  const later = await event(code, { type: 'due-date', at: isoIn(-100), dueAt: isoIn(6 * 86_400_000) })
  t.equal(later, 202)
  t.equal((await notices(code)).filter(x => x.kind === 'apology').length, 1, 'a new due date on a dossier that is not late owes no apology')
})

t.test('a configuration fault stops the channel and holds its notices until an admin resumes it', async t => {
  sim.zns.setFaults({ noZalo: [PHONE_INTL] })
  sim.sms.setFaults({ script: ['101'] })
  const code = await intake()
  const [held] = await settled(code, ['held'], 'held on the stopped SMS channel')
  t.match(held, { channel: 'sms', reasonCode: '101' })
  const ch = await (await fetch(`${gw.url}/v1/notices/channels`, { headers: { 'x-api-key': gw.keys.admin } })).json() as { items: any[] }
  t.match(ch.items, [{ name: 'sms', mode: 'hold' }])
  const code2 = await intake()
  await settled(code2, ['held'], 'the next one held too, not burned through to e-mail')
  const res = await fetch(`${gw.url}/v1/notices/channels/sms/resume`, { method: 'POST', headers: { 'x-api-key': gw.keys.admin } })
  t.match(await res.json(), { resumed: 'sms', queued: 2 })
  await settled(code, ['delivered'], 'sent after resume')
  await settled(code2, ['delivered'], 'sent after resume')
  sim.zns.setFaults({ noZalo: [] })
})

t.test('opt-out: no ZNS or SMS reaches the phone; e-mail still may', async t => {
  const res = await fetch(`${gw.url}/v1/notices/opt-outs`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': gw.keys.admin }, body: JSON.stringify({ phone: '0912 000 111' }) })
  t.equal(res.status, 200)
  const code = await intake()
  const [nt] = await settled(code, ['sent'], 'sent by e-mail')
  t.equal(nt.channel, 'email')
  const noMail = await intake({ nguoiYeuCau: { ...civilStatus(1).nguoiYeuCau as object, email: undefined } })
  const [ns] = await settled(noMail, ['not-sent'], 'nothing left to carry it')
  t.match(ns, { reasonCode: 'opted-out' })
  await fetch(`${gw.url}/v1/notices/opt-outs`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': gw.keys.admin }, body: JSON.stringify({ phone: '0912000111', optOut: false }) })
  const failed = await (await fetch(`${gw.url}/v1/notices/failed`, { headers: { 'x-api-key': gw.keys.admin } })).json() as { items: any[], total: number }
  t.ok(failed.items.some(x => x.id === ns.id), 'listed among failed and not-sent notices')
  const again = await fetch(`${gw.url}/v1/notices/${ns.id as string}/resend`, { method: 'POST', headers: { 'x-api-key': gw.keys.admin } })
  t.equal(again.status, 202)
  await settled(noMail, ['delivered'], 'resent once the phone is back in')
})

t.test('two processes, fifty notices, an expired token: each sent once, one refresh', async t => {
  sim.zns.expireTokens()
  const refreshes = sim.zns.refreshes
  const sentBefore = sim.zns.sent.length
  const codes = await Promise.all(Array.from({ length: 50 }, async (_, i) => {
    const r = await post(i % 2 === 0 ? gw.url : gw2.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(`8${String(i).padStart(4, '0')}`))
    if (r.status >= 300) throw new Error(r.text)
    return r.json.maHoSo as string
  }))
  await waitFor(async () => {
    const all = await Promise.all(codes.map(notices))
    return all.every(l => l.length === 1 && l[0].state === 'delivered')
  }, { what: '50 notices delivered', timeoutMs: 30_000 })
  const sent = sim.zns.sent.slice(sentBefore)
  t.equal(sent.length, 50, 'fifty messages')
  t.equal(new Set(sent.map(s => s.trackingId)).size, 50, 'none twice')
  t.equal(sim.zns.refreshes - refreshes, 1, 'one refresh across both processes')
})

t.test('a notices file reloaded (SIGHUP) decides the kinds from then on; an invalid one is refused', async t => {
  writeFileSync(file, JSON.stringify({ ...sample, agencies: [{ ...agency0, kinds: ['refused'] }] }))
  t.ok(gw.app.notices.reload())
  t.ok(gw2.app.notices.reload())
  const code = await intake()
  t.same(await notices(code), [], 'received is no longer sent')
  writeFileSync(file, '{"agencies": [{"agency": 5}]}')
  t.notOk(gw.app.notices.reload(), 'refused')
  t.same(gw.app.notices.kinds('000.00.31.H42'), ['refused'], 'the file in force stays')
  writeFileSync(file, JSON.stringify({ ...sample, agencies: [agency0] }))
  t.ok(gw.app.notices.reload())
  t.ok(gw2.app.notices.reload())
})
