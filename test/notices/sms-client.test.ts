/**
 * The SMS brandname client against the simulator's provider: the template filled without
 * diacritics, segments, every field a string, RequestId repeats, every CodeResult classified,
 * and delivery reports on an unguessable per-message URL.
 */
import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { providerAgent } from '../../src/adapters/notices/http-json.js'
import { classifySmsCode, SmsClient, type SmsSend } from '../../src/adapters/notices/sms-client.js'
import { parseSmsReport, smsCallbackUrl, verifySmsCallbackPath, type SmsReport } from '../../src/adapters/notices/sms-reports.js'
import { DEV_SMS, SAMPLE_SMS_TEMPLATES, startSimulator } from '../../simulator/index.js'
import { waitFor } from '../../support/wait.js'

const KEY = 'test-notices-secret-0123456789abcdef'
const sim = await startSimulator()
const agent = providerAgent(8, 5000)
t.teardown(async () => { await agent.close(); await sim.close() })

// The gateway's report receiver: checks the MAC in the path, parses the query, answers 200.
const reports: Array<{ requestId: string, report: SmsReport }> = []
let refusedReports = 0
const receiver = createServer((req, res) => {
  const u = new URL(req.url ?? '/', 'http://x')
  const m = /^\/sms-reports\/([^/]+)\/([^/]+)$/.exec(u.pathname)
  const id = m === null ? undefined : verifySmsCallbackPath(decodeURIComponent(m[1] as string), m[2] as string, KEY)
  if (id === undefined) { refusedReports++; res.statusCode = 404; res.end(); return }
  reports.push({ requestId: id, report: parseSmsReport(Object.fromEntries(u.searchParams)) })
  res.statusCode = 200
  res.end()
})
await new Promise<void>(resolve => receiver.listen(0, '127.0.0.1', resolve))
t.teardown(() => { receiver.close() })
const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/sms-reports`

const sms = new SmsClient(agent, { url: `${sim.url}/sms`, apiKey: DEV_SMS.apiKey, secretKey: DEV_SMS.secretKey, timeoutMs: 2000 })
let n = 0
function message (over: Partial<SmsSend> = {}): SmsSend {
  const requestId = over.requestId ?? `n-${++n}-received`
  return {
    phone: '+84 912 345 678',
    brandname: DEV_SMS.brandname,
    template: SAMPLE_SMS_TEMPLATES[0] as string,
    values: { ma_ho_so: '000.00.31.H42-250702-00017', ngay_hen_tra: '05/07/2025' },
    requestId,
    callbackUrl: smsCallbackUrl(base, requestId, KEY),
    ...over
  }
}

t.test('sent (100), then delivered by a report on the message\'s own URL', async t => {
  const m = message()
  const r = await sms.send(m)
  t.match(r, { kind: 'sent', providerId: /\S/ })
  const got = sim.sms.sent.at(-1)
  t.equal(got?.phone, '0912345678')
  t.equal(got?.content, 'UBND xa Ky Loi: da tiep nhan ho so 000.00.31.H42-250702-00017, hen tra ngay 05/07/2025. Tra cuu tai dichvucong.gov.vn')
  await waitFor(() => reports.some(x => x.requestId === m.requestId), { what: 'the report' })
  t.same(reports.find(x => x.requestId === m.requestId)?.report, { state: 'delivered', smsId: got?.smsId })
})

t.test('every field is a JSON string; Vietnamese values lose their diacritics', async t => {
  const body = sms.prepare(message({ template: SAMPLE_SMS_TEMPLATES[3] as string, values: { ma_ho_so: 'X-1', ngay_hen_cu: '01/07/2025', ngay_hen_moi: '08/07/2025', ly_do: 'Chờ ý kiến Sở Tài nguyên và Môi trường, đang xác minh' } }))
  if (typeof body !== 'string') return t.fail(body.kind)
  const j = JSON.parse(body) as Record<string, unknown>
  t.ok(Object.values(j).every(v => typeof v === 'string'))
  t.match(j, { SmsType: '2', IsUnicode: '0', Sandbox: '0', Phone: '0912345678' })
  t.match(j.Content, /Ly do: Cho y kien So Tai nguyen va Moi truong, dang xac minh$/)
})

t.test('the same RequestId again: 124, already sent, nothing sent twice', async t => {
  const m = message()
  t.equal((await sms.send(m)).kind, 'sent')
  const count = sim.sms.sent.length
  t.match(await sms.send(m), { kind: 'sent', alreadySent: true })
  t.equal(sim.sms.sent.length, count)
})

t.test('the provider\'s refusals: unknown number, balance, template', async t => {
  sim.sms.setFaults({ unknownPhones: ['0912345678'] })
  t.match(await sms.send(message()), { kind: 'next-channel-applicant', code: '99' })
  sim.sms.setFaults({ unknownPhones: [], balance: 0 })
  t.match(await sms.send(message()), { kind: 'stop-channel-config', scope: 'channel', then: 'next-channel', code: '103' })
  sim.sms.setFaults({ balance: 1000 })
  t.match(await sms.send(message({ template: 'UBND xa Ky Loi: {ma_ho_so} chua dang ky', values: { ma_ho_so: 'X' } })), { kind: 'stop-channel-config', scope: 'template', code: '146' })
  const wrongKey = new SmsClient(agent, { url: `${sim.url}/sms`, apiKey: 'wrong', secretKey: 'wrong', timeoutMs: 2000 })
  t.match(await wrongKey.send(message()), { kind: 'stop-channel-config', scope: 'channel', then: 'hold', code: '101' })
  t.match(await sms.send(message({ brandname: 'UNKNOWN' })), { kind: 'stop-channel-config', code: '104' })
})

t.test('every CodeResult of the table', async t => {
  const table: Record<string, [string, Record<string, unknown>]> = {
    100: ['sent', {}],
    99: ['next-channel-applicant', {}],
    108: ['next-channel-applicant', {}],
    101: ['stop-channel-config', { then: 'hold' }],
    103: ['stop-channel-config', { then: 'next-channel' }],
    104: ['stop-channel-config', { then: 'hold' }],
    102: ['stop-channel-config', {}],
    118: ['stop-channel-config', {}],
    177: ['stop-channel-config', {}],
    124: ['sent', { alreadySent: true }],
    140: ['stop-channel-config', {}],
    146: ['stop-channel-config', { scope: 'template' }],
    999: ['retry', { counted: true }]
  }
  for (const [code, [kind, extra]] of Object.entries(table)) {
    t.match(classifySmsCode(code, 'id'), { kind, ...extra }, code)
    if (code === '100') continue
    sim.sms.setFaults({ script: [code] })
    t.match(await sms.send(message()), { kind, ...extra }, `${code} from the provider`)
  }
})

t.test('refused before sending: phone, empty or too long values, over 3 segments', async t => {
  const before = sim.sms.sent.length
  t.match(await sms.send(message({ phone: '12345' })), { kind: 'next-channel-applicant' })
  t.match(await sms.send(message({ values: { ma_ho_so: 'X', ngay_hen_tra: ' ' } })), { kind: 'next-channel-applicant', reason: /empty ngay_hen_tra/ })
  t.match(await sms.send(message({ values: { ma_ho_so: 'X' } })), { kind: 'stop-channel-config', scope: 'template', reason: /missing ngay_hen_tra/ })
  t.match(await sms.send(message({ template: SAMPLE_SMS_TEMPLATES[1] as string, values: { ma_ho_so: 'X', noi_dung: 'a'.repeat(81) } })), { kind: 'next-channel-applicant', reason: /too-long noi_dung/ })
  t.match(await sms.send(message({ template: `${'x'.repeat(460)}{a}`, values: { a: 'y' } })), { kind: 'next-channel-applicant', reason: /too-many-segments/ })
  t.equal(sim.sms.sent.length, before)
})

t.test('a failed report carries error_info; repeated reports arrive as copies; a forged URL is refused', async t => {
  sim.sms.setFaults({ report: 'failed', reportRepeat: 2 })
  const m = message()
  t.equal((await sms.send(m)).kind, 'sent')
  await waitFor(() => reports.filter(x => x.requestId === m.requestId).length === 2, { what: 'two reports' })
  t.match(reports.find(x => x.requestId === m.requestId)?.report, { state: 'failed', status: '6', errorInfo: 'Thue bao khong lien lac duoc' })
  sim.sms.setFaults({ report: 'delivered', reportRepeat: 1 })
  const forged = smsCallbackUrl(base, 'n-1-received', 'another-key')
  const status = await sim.sms.report(forged, 'x', '0912345678', 'delivered')
  t.equal(status, 404)
  t.ok(refusedReports >= 1)
  t.equal(verifySmsCallbackPath('n-1-received', 'short', KEY), undefined)
})

t.test('report parsing: delivered, pending, failed', async t => {
  t.same(parseSmsReport({ SMSID: 'a', SendStatus: '5', SendSuccess: '1' }), { state: 'delivered', smsId: 'a' })
  t.same(parseSmsReport({ SendStatus: '5', SendSuccess: '0', error_info: '' }), { state: 'failed', status: '5', errorInfo: 'SendStatus 5' })
  for (const s of ['1', '2', '3', '7']) t.equal(parseSmsReport({ SendStatus: s }).state, 'pending')
  t.match(parseSmsReport({ SendStatus: '4', error_info: 'so 0912345678 sai' }), { state: 'failed', errorInfo: 'so … sai' })
})
