/**
 * No phone, name or e-mail address in a log line: every outcome of every channel, every parsed
 * delivery report and event, logged with the production logger's options at the most verbose
 * level, then the captured log scanned for the applicant's data in every form it was sent in.
 */
import t from 'tap'
import { Writable } from 'node:stream'
import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import { SMTPServer } from 'smtp-server'
import { loggerOptions } from '../../src/logger.js'
import { providerAgent } from '../../src/adapters/notices/http-json.js'
import { classifyZnsError } from '../../src/adapters/notices/zns-client.js'
import { SmsClient } from '../../src/adapters/notices/sms-client.js'
import { parseSmsReport } from '../../src/adapters/notices/sms-reports.js'
import { EmailClient } from '../../src/adapters/notices/email-client.js'
import { verifyZnsEvent } from '../../src/adapters/notices/zns-events.js'
import { DEV_SMS, DEV_ZNS, SAMPLE_SMS_TEMPLATES } from '../../simulator/index.js'
import { RECEIVED_TEMPLATE, znsRig } from './helpers.js'

const PHONE = '0912345678'
const EMAIL = 'tran.thi.binh@example.vn'
const NAME = 'Trần Thị Bình'
const FORMS = [PHONE, '84912345678', '912345678', '+84 912 345 678', EMAIL, NAME]

let captured = ''
const log = pino(loggerOptions('trace'), new Writable({ write (chunk: Buffer, _e, cb) { captured += chunk.toString('utf8'); cb() } }))

const rig = await znsRig()
t.teardown(rig.close)
const agent = providerAgent(4, 5000)
t.teardown(async () => { await agent.close() })

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onRcptTo (a, _s, cb) { cb(a.address === EMAIL ? Object.assign(new Error(`<${EMAIL}>: ${NAME} unknown`), { responseCode: 550 }) : null) },
  onData (stream, _s, cb) { stream.resume(); stream.on('end', () => { cb() }) }
})
await new Promise<void>(resolve => smtp.listen(0, '127.0.0.1', resolve))
t.teardown(() => { smtp.close() })

t.test('the outcomes, reports and events of every channel, logged, carry no personal data', async t => {
  const zns = { phone: '+84 912 345 678', template: RECEIVED_TEMPLATE, data: { ma_ho_so: 'A-1', ten_thu_tuc: `Khai sinh cho ${NAME}`, ngay_hen_tra: '05/07/2025' }, trackingId: 'n-1' }
  log.info({ channel: 'zns', outcome: await rig.zns.send(zns) }, 'notice sent')
  rig.sim.zns.setFaults({ noZalo: ['84912345678'] })
  log.info({ channel: 'zns', outcome: await rig.zns.send(zns) }, 'notice refused')
  rig.sim.zns.setFaults({ noZalo: [], dropAnswers: 1 })
  log.warn({ channel: 'zns', outcome: await rig.zns.send(zns) }, 'notice unconfirmed')
  log.info({ outcome: classifyZnsError('-201', `phone 84912345678 (${PHONE}) refused`, Date.now()) }, 'provider message quoting the phone')

  const sms = new SmsClient(agent, { url: `${rig.sim.url}/sms`, apiKey: DEV_SMS.apiKey, secretKey: DEV_SMS.secretKey, timeoutMs: 2000 })
  const m = { phone: PHONE, brandname: DEV_SMS.brandname, template: SAMPLE_SMS_TEMPLATES[1] as string, values: { ma_ho_so: 'A-1', noi_dung: `giay to cua ${NAME}` }, requestId: 'n-2', callbackUrl: 'http://127.0.0.1:1/r/n-2/x' }
  log.info({ channel: 'sms', outcome: await sms.send(m) }, 'notice sent')
  rig.sim.sms.setFaults({ unknownPhones: [PHONE] })
  log.info({ channel: 'sms', outcome: await sms.send({ ...m, requestId: 'n-3' }) }, 'notice refused')
  log.info({ report: parseSmsReport({ SMSID: 's', SendStatus: '6', Phone: PHONE, error_info: `thue bao ${PHONE} khong lien lac duoc` }) }, 'sms report')

  const email = new EmailClient({ host: '127.0.0.1', port: (smtp.server.address() as AddressInfo).port, from: 'motcua@kyloi.gov.vn', timeoutMs: 5000 })
  log.info({ channel: 'email', outcome: await email.send({ to: EMAIL, subject: `Kính gửi ${NAME}`, text: NAME, noticeId: 'n-4' }) }, 'notice refused')
  log.info({ channel: 'email', outcome: await email.send({ to: 'other@example.org', subject: `Kính gửi ${NAME}`, text: NAME, noticeId: 'n-5' }) }, 'notice sent')

  const raw = JSON.stringify({ event_name: 'user_received_message', app_id: DEV_ZNS.appId, message: { msg_id: 'm' }, timestamp: String(Date.now()) })
  log.info({ event: verifyZnsEvent(raw, 'mac=00', { appId: DEV_ZNS.appId, oaSecretKey: DEV_ZNS.oaSecretKey, now: Date.now() }) }, 'zns event')

  const lines = captured.trim().split('\n')
  t.ok(lines.length >= 10, `${lines.length} lines captured`)
  t.match(captured, /"kind":"next-channel-applicant"/, 'the outcomes are in the log')
  for (const form of FORMS) t.notOk(captured.includes(form), `no ${form.includes('@') ? 'e-mail' : /\d/.test(form) ? 'phone' : 'name'} form in the log`)
})
