/**
 * What operators and officers read about notices, after a whole run on a real gateway (ZNS refused,
 * SMS sent and reported, an apology with its letter by e-mail, a configuration fault that holds,
 * an opt-out that ends not-sent, an e-mail refused quoting the address, a resend): `/v1/stats?notices=true` per month and channel,
 * scoped to the caller; the `/metrics` series of waiting and stopped; and the gateway's log at its
 * most verbose, scanned for the applicant's phone (every form), e-mail and name.
 */
import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { useStack } from '../helpers/fixture.js'
import { freePort } from '../../support/redis-server.js'
import { newKey } from '../../support/clients-file.js'
import { civilStatus, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { noticeProviderEnv } from '../../simulator/index.js'
import { localMonth } from '../../src/store/notice-store.js'

// The sample applicant (fixtures/samples/civil-status.json), in every form the gateway may write.
const PHONE_FORMS = ['0912000111', '84912000111', '+84 912 000 111', '+84912000111', '912000111', '0912 000 111']
const EMAIL = 'binh.tv@example.vn'
const NAME = 'Trần Văn Bình'

let refuseRcpt = false
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  // A refusal that quotes the address and the name, as some servers do.
  onRcptTo (a, _s, cb) { cb(refuseRcpt ? Object.assign(new Error(`<${a.address}>: ${NAME} unknown`), { responseCode: 550 }) : null) },
  onData (stream, _s, cb) { stream.resume(); stream.on('end', () => { cb() }) }
})
await new Promise<void>(resolve => smtp.listen(0, '127.0.0.1', resolve))
t.teardown(async () => { await new Promise<void>(resolve => smtp.close(() => resolve())) })

const dir = mkdtempSync(join(tmpdir(), 'lt-notices-ops-'))
const file = join(dir, 'notices.json')
const sample = JSON.parse(readFileSync('config/notices.sample.json', 'utf8')) as { agencies: Array<Record<string, unknown>> }
writeFileSync(file, JSON.stringify({ ...sample, agencies: [{ ...sample.agencies[0], quietHours: { start: '00:00', end: '00:00' } }] }))
const port = await freePort()
const elsewhere = newKey()

const { sim, gw } = useStack(t, {
  env: ({ sim }) => ({
    PORT: String(port),
    LOG_LEVEL: 'trace',
    METRICS_CACHE_MS: '0',
    NOTICES_FILE: file,
    NOTICES_SECRET: 'notices-secret-for-tests-0123456789abcdef',
    NOTICES_PUBLIC_URL: `http://127.0.0.1:${port}`,
    NOTICE_RETRY_BASE_MS: '50',
    NOTICE_SWEEP_MS: '500',
    ...noticeProviderEnv(sim.url),
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String((smtp.server.address() as AddressInfo).port),
    SMTP_REQUIRE_TLS: 'false'
  }),
  extraClients: () => [{ id: 'hotich-h44', key: elsewhere, system: 'civil-status', agencies: ['000.00.10.H44'] }]
})

t.before(async () => {
  await gw.app.notices.tokens?.authorise(sim.zns.authorise())
  sim.zns.setFaults({ eventsUrl: `${gw.url}/v1/notices/zns-events` })
})

let n = 0
async function intake (overrides: Record<string, unknown> = {}): Promise<string> {
  const r = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(`7${String(++n).padStart(4, '0')}`, overrides))
  if (r.status >= 300) throw new Error(r.text)
  return r.json.maHoSo as string
}

async function api (path: string, key: string = gw.keys.admin, init: RequestInit = {}): Promise<{ status: number, json: any }> {
  const res = await fetch(`${gw.url}${path}`, { ...init, headers: { 'x-api-key': key, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) } })
  return { status: res.status, json: await res.json() }
}

async function settled (code: string, states: string[], what: string): Promise<any[]> {
  let got: any[] = []
  try {
    await waitFor(async () => { got = (await api(`/v1/dossiers/${code}/notices`)).json.items; return got.length > 0 && got.every(x => states.includes(x.state)) }, { what, timeoutMs: 20_000 })
  } catch (err) {
    throw new Error(`${(err as Error).message}: ${JSON.stringify(got)}`)
  }
  return got
}

/** The value of one series (labels in any order), or undefined. */
function value (text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line)
    if (m === null || m[1] !== name) continue
    const have = Object.fromEntries((m[2] ?? '').split(',').filter(Boolean).map(kv => { const [k, v] = kv.split('='); return [k, v?.replace(/"/g, '')] }))
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3])
  }
  return undefined
}

const metrics = async (): Promise<string> => await (await fetch(`${gw.url}/metrics`)).text()
const isoIn = (ms: number): string => `${new Date(Date.now() + ms + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`

t.test('the whole run: ZNS refused, SMS reported, an apology with its letter, a fault, an opt-out, a resend', async t => {
  sim.zns.setFaults({ noZalo: ['84912000111'] })
  sim.sms.setFaults({ report: 'delivered', reportRepeat: 2 })
  const code = await intake()
  const [bySms] = await settled(code, ['delivered'], 'received by SMS')
  t.match(bySms, { channel: 'sms', passed: ['zns'] })

  t.equal((await api(`/v1/dossiers/${code}/events`, gw.keys.admin, { method: 'POST', body: JSON.stringify({ type: 'due-date', at: isoIn(-1000), dueAt: isoIn(5 * 86_400_000), reason: `Chờ xác minh hộ tịch của ${NAME}` }) })).status, 202)
  const apology = (await settled(code, ['delivered'], 'apology delivered')).find(x => x.kind === 'apology')
  t.equal(apology?.letterMail, 'sent', 'the letter went by e-mail')

  sim.sms.setFaults({ script: ['101'] })
  const heldCode = await intake()
  await settled(heldCode, ['held'], 'held on the stopped SMS channel')
  const text = await metrics()
  t.equal(value(text, 'lienthong_notices_waiting', { state: 'held' }), 1, 'one notice held, read from Redis at scrape time')
  t.ok(value(text, 'lienthong_notices_waiting', { state: 'queued' }) !== undefined, 'the queued ones are reported too')
  t.equal(value(text, 'lienthong_notice_channel_stopped', { channel: 'sms', mode: 'hold' }), 1, 'the stopped channel, holding')
  t.match(await api('/v1/notices/channels/sms/resume', gw.keys.admin, { method: 'POST' }), { status: 200, json: { resumed: 'sms', queued: 1 } })
  await settled(heldCode, ['delivered'], 'sent after resume')
  const after = await metrics()
  t.equal(value(after, 'lienthong_notices_waiting', { state: 'held' }), 0, 'none held once resumed')
  t.equal(value(after, 'lienthong_notice_channel_stopped', { channel: 'sms' }), undefined, 'no channel stopped')
  t.ok((value(after, 'lienthong_notice_outcomes_total', { channel: 'zns', outcome: 'next-channel-applicant' }) ?? 0) >= 1)

  t.equal((await api('/v1/notices/opt-outs', gw.keys.admin, { method: 'POST', body: JSON.stringify({ phone: '0912 000 111' }) })).status, 200)
  const noMail = await intake({ nguoiYeuCau: { ...civilStatus(1).nguoiYeuCau as object, email: undefined } })
  const [ns] = await settled(noMail, ['not-sent'], 'opted out, no e-mail')
  refuseRcpt = true
  const refused = await intake()
  const [nr] = await settled(refused, ['not-sent'], 'opted out, the e-mail refused')
  t.match(nr, { reasonCode: '550', passed: ['email'] })
  t.notOk(JSON.stringify(nr).includes(EMAIL), 'the SMTP server\'s text is not kept either')
  refuseRcpt = false
  t.equal((await api('/v1/notices/opt-outs', gw.keys.admin, { method: 'POST', body: JSON.stringify({ phone: '0912 000 1119' }) })).status, 422, 'a phone that is not one')
  await api('/v1/notices/opt-outs', gw.keys.admin, { method: 'POST', body: JSON.stringify({ phone: '+84912000111', optOut: false }) })
  t.equal((await api(`/v1/notices/${ns.id as string}/resend`, gw.keys.admin, { method: 'POST' })).status, 202)
  await settled(noMail, ['delivered'], 'resent')
  sim.zns.setFaults({ noZalo: [] })
})

t.test('/v1/stats?notices=true: per month and channel, scoped to the caller', async t => {
  const month = localMonth(Date.now())
  const plain = await api('/v1/stats')
  t.equal(plain.status, 200)
  t.equal(plain.json.notices, undefined, 'only when asked')
  const { status, json } = await api('/v1/stats?notices=true&groupBy=month')
  t.equal(status, 200)
  const m = (json.notices.months as any[]).find(x => x.month === month)
  t.ok(m !== undefined, 'this month is listed')
  t.same(json.notices.months.at(-1).month, month, 'through the last month of the range')
  t.match(m.channels.sms, { sent: 4, delivered: 4, failed: 0 }, 'received, apology, the held one, the resent one')
  t.ok(m.channels.zns.fallbacks >= 3, 'ZNS passed them on (no Zalo account)')
  t.ok(m.channels.email.sent >= 1, 'the letter by e-mail')
  t.equal(m.notSent, 2, 'the opted-out ones')
  t.ok(m.channels.email.fallbacks >= 1, 'the refused e-mail')
  t.ok(m.channels.sms.costVnd >= 4 * 800 && m.channels.sms.costVnd % 800 === 0, `SMS cost by segment (${m.channels.sms.costVnd as number} VND)`)
  t.equal(m.costVnd, m.channels.zns.costVnd + m.channels.sms.costVnd + m.channels.email.costVnd)
  t.same(json.notices.totals, { channels: m.channels, notSent: m.notSent, costVnd: m.costVnd }, 'one month in the range: the totals are its figures')

  const own = await api('/v1/stats?notices=true', gw.keys['civil-status'])
  t.same(own.json.notices.totals, json.notices.totals, 'a sector client covering the agency sees them')
  const other = await api('/v1/stats?notices=true', elsewhere)
  t.equal(other.status, 200)
  t.equal(other.json.notices.totals.channels.sms.sent, 0, 'another agency\'s client sees none of them')
  const narrow = await api('/v1/stats?notices=true&agency=000.00.99.H42')
  t.equal(narrow.json.notices.totals.costVnd, 0, 'the agency filter applies')
})

t.test('the log of the whole run carries no phone, e-mail or name of the applicant', async t => {
  const log = gw.logs()
  t.ok(log.split('\n').length > 50, 'the run was logged')
  t.match(log, /"component":"notices"/, 'notice lines among them')
  for (const form of PHONE_FORMS) t.notOk(log.includes(form), `no phone as ${form}`)
  t.notOk(log.includes(EMAIL), 'no e-mail')
  t.notOk(log.normalize('NFC').includes(NAME.normalize('NFC')), 'no name')
  t.notOk(log.includes(JSON.stringify(NAME).slice(1, -1)), 'no name, escaped')
  t.notOk(/042090004321|Trần Minh Khôi/.test(log.normalize('NFC')), 'nor the citizen id or the child\'s name the dossier carries')
})
