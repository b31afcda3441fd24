/**
 * Applicant notices on the admin page, in Chromium (docs/notices.md, "What an officer sees"): a
 * dossier's notices with their channel, state, times, reason and history; the Thông báo page with
 * the not-sent notices (resend), the stopped channels (resume) and the dossiers that owe an
 * apology; each action through the notices API, audited. A viewer sees the same lists with no
 * button, and a forged post is refused by the API. Notices on the simulator's ZNS and SMS providers.
 */
import t, { type Test } from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startWebScenario, type WebScenario } from '../../support/admin-web-scenario.js'
import { noticesEnv, writeNoticesFile } from '../../support/notices-scenario.js'
import { launchChromium, signedIn } from '../../support/browser.js'
import { freePort } from '../../support/redis-server.js'
import { civilStatus, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { scanDeadlines } from '../../src/queue/deadlines.js'

const PHONE = '84912000111'
let s: WebScenario
let browser: Browser

t.before(async () => {
  const file = writeNoticesFile(mkdtempSync(join(tmpdir(), 'lt-web-notices-')))
  const port = await freePort()
  s = await startWebScenario(sim => ({ ADMIN_SIGNIN_RATE_LIMIT_MAX: '50', RATE_LIMIT_MAX: '100000', ...noticesEnv(sim, port, file) }))
  await s.app.notices.tokens?.authorise(s.sim.zns.authorise())
  s.sim.zns.setFaults({ eventsUrl: `${s.url}/v1/notices/zns-events` })
  browser = await launchChromium()
})
t.teardown(async () => {
  await browser?.close()
  await s?.close()
})

async function api (method: 'GET' | 'POST', path: string, body?: unknown, key = s.keys.operator): Promise<any> {
  const res = await fetch(`${s.url}${path}`, { method, headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  return await res.json()
}
let n = 0
async function intake (overrides: Record<string, unknown> = {}): Promise<string> {
  const r = await post(s.url, s.keys.civil, 'civil-status', civilStatus(`NT-${++n}`, overrides))
  if (r.status >= 300) throw new Error(r.text)
  return r.json.maHoSo as string
}
const noticesOf = async (code: string): Promise<any[]> => (await api('GET', `/v1/dossiers/${code}/notices`)).items
async function settled (code: string, states: string[]): Promise<any> {
  let got: any[] = []
  await waitFor(async () => { got = await noticesOf(code); return got.length > 0 && got.every(x => states.includes(x.state)) }, { what: `${code}: ${states.join('|')}`, timeoutMs: 20_000 })
  return got[0]
}
/** A dossier whose applicant gave no e-mail and whose phone is on the opt-out list: not sent. */
async function notSent (): Promise<{ code: string, id: string }> {
  await api('POST', '/v1/notices/opt-outs', { phone: '0912 000 111' })
  const code = await intake({ nguoiYeuCau: { ...civilStatus(0).nguoiYeuCau as object, email: undefined } })
  const nt = await settled(code, ['not-sent'])
  await api('POST', '/v1/notices/opt-outs', { phone: '0912000111', optOut: false })
  return { code, id: nt.id as string }
}

async function signIn (t: Test, key: string): Promise<{ ctx: BrowserContext, page: Page, alarms: string[] }> {
  const { ctx, page } = await signedIn(browser, s.url, key)
  t.teardown(async () => { await ctx.close() })
  const alarms: string[] = []
  page.on('pageerror', e => { alarms.push(`pageerror: ${e.message}`) })
  page.on('console', m => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource: the server responded with a status of 4')) alarms.push(`console: ${m.text()}`) })
  return { ctx, page, alarms }
}
const RAW = /\b(not-sent|opted-out|sent-unconfirmed|next-channel-applicant|channelMode_|noticeKind|zns\|)/

t.test('operator: a dossier\'s notices, resend, resume, the dossiers that owe an apology', async t => {
  const delivered = await intake()
  const ok = await settled(delivered, ['delivered'])
  const gone = await notSent()
  // No Zalo account and a brandname the SMS provider does not know (101): SMS stops, the notice is held.
  s.sim.zns.setFaults({ noZalo: [PHONE] })
  s.sim.sms.setFaults({ script: ['101'] })
  const heldCode = await intake()
  const held = await settled(heldCode, ['held'])
  await scanDeadlines(s.app.store, s.app.queues, 86_400_000, s.app.log)

  const { page, alarms } = await signIn(t, s.keys.operator)
  await page.click('nav a[href="/admin/notices"]')
  t.equal(await page.textContent('h1'), 'Thông báo cho người nộp hồ sơ', 'Vietnamese first')
  const sms = page.locator('#channel-list tr[data-channel="sms"]')
  t.equal(await sms.getAttribute('data-mode'), 'hold')
  t.match(await sms.textContent(), /Tin nhắn SMS.*Đã dừng: chờ quản trị cho gửi lại.*101/s, 'the channel stopped, in words, with the provider\'s code')
  const row = page.locator(`#failed-notice-list tr[data-notice="${gone.id}"]`)
  t.match(await row.textContent(), /Đã tiếp nhận hồ sơ.*Không gửi.*Số điện thoại đã từ chối nhận tin/s, 'kind, state and the gateway\'s reason in words')
  t.match(await page.textContent('#failed-total') ?? '', /\d+ kết quả/)
  const owed = await page.locator('#owed-list tbody tr').evaluateAll(rows => rows.map(r => (r as unknown as { getAttribute: (n: string) => string }).getAttribute('data-code')))
  t.ok([delivered, gone.code, heldCode].every(c => owed.includes(c)), 'past due with no new date: each owes an apology')
  t.notMatch(await page.textContent('main') ?? '', RAW, 'no raw code on the page')

  // Resume: the held notice goes out (ZNS still refuses this phone: by SMS).
  await sms.locator('button.resume').click()
  await page.waitForURL(/\/admin\/notices\?done=1/)
  t.ok(await page.isVisible('#channels-none'), 'no channel stopped any more')
  const resumed = await settled(heldCode, ['sent', 'delivered'])
  t.equal(resumed.channel, 'sms')
  t.equal(resumed.id, held.id, 'the same notice, not a new one')
  s.sim.zns.setFaults({ noZalo: [] })

  // Resend from the list: the phone is back in, so it goes.
  await page.locator(`#failed-notice-list tr[data-notice="${gone.id}"] button.resend`).click()
  await page.waitForURL(/\/admin\/notices\?done=1/)
  await settled(gone.code, ['sent', 'delivered'])
  t.equal(await page.locator(`#failed-notice-list tr[data-notice="${gone.id}"]`).count(), 0, 'off the list once resent')

  // A dossier's page: its notices with channel, state, times and history; resend from there comes back there.
  await page.goto(`${s.url}/admin/dossiers/${delivered}`)
  const mine = page.locator(`#notice-list tr[data-notice="${ok.id as string}"]`)
  t.match(await mine.textContent(), /Đã tiếp nhận hồ sơ.*Tin Zalo \(ZNS\).*Đã đến người nhận.*gửi \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}.*đến nơi/s)
  await mine.locator('summary').click()
  t.match(await mine.locator('.notice-history').textContent(), /Nhà cung cấp đã nhận.*Báo cáo chuyển phát/s, 'its history in words')
  const other = await notSent()
  await page.goto(`${s.url}/admin/dossiers/${other.code}`)
  t.match(await page.textContent(`#notice-list tr[data-notice="${other.id}"] .notice-reason`) ?? '', /Số điện thoại đã từ chối nhận tin/)
  await page.click(`#notice-list tr[data-notice="${other.id}"] button.resend`)
  await page.waitForURL(`${s.url}/admin/dossiers/${other.code}?done=1`)
  await settled(other.code, ['sent', 'delivered'])

  const audit = (await api('GET', '/v1/admin/audit')).items as Array<{ action: string, actor: string, target: string }>
  t.ok(audit.some(e => e.action === 'notice.resume' && e.target === 'sms' && e.actor === 'admin'), 'resume audited')
  t.ok(audit.some(e => e.action === 'notice.resend' && e.target === gone.code), 'resend audited')
  await page.goto(`${s.url}/admin/audit`)
  t.match(await page.textContent('main') ?? '', /Cho kênh thông báo gửi lại/, 'the audit page names the action')

  await page.goto(`${s.url}/admin/notices?lang=en`)
  t.equal(await page.textContent('h1'), 'Notices to applicants', 'English on the switch')
  await page.goto(`${s.url}/admin/notices?lang=vi`)
  t.same(alarms, [], 'no page error or console error')
})

t.test('a viewer reads the same lists with no button; a forged post is refused by the API', async t => {
  const gone = await notSent()
  await s.app.store.notices.setChannel('email', { mode: 'hold', reason: 'SMTP 535 authentication failed', code: '535', at: Date.now() })
  t.teardown(async () => { await s.app.store.notices.setChannel('email', undefined) })
  const { page, alarms } = await signIn(t, s.keys.viewer)
  await page.goto(`${s.url}/admin/notices`)
  t.equal(await page.locator('#channel-list tr[data-channel="email"]').count(), 1, 'the stopped channel is listed')
  t.equal(await page.locator(`#failed-notice-list tr[data-notice="${gone.id}"]`).count(), 1, 'the not-sent notice is listed')
  t.equal(await page.locator('main form[method=post], button.resend, button.resume').count(), 0, 'no button to act')
  await page.goto(`${s.url}/admin/dossiers/${gone.code}`)
  t.equal(await page.locator('#notice-list button').count(), 0, 'none on the dossier either')
  const token = await page.getAttribute('form[action="/admin/signout"] input[name=_csrf]', 'value') ?? ''
  const resend = await page.request.post(`${s.url}/admin/notices/${gone.id}/resend`, { form: { _csrf: token }, maxRedirects: 0 })
  t.equal(resend.status(), 403)
  t.match(await resend.text(), /FORBIDDEN_ROLE/)
  const resume = await page.request.post(`${s.url}/admin/notices/channels/email/resume`, { form: { _csrf: token }, maxRedirects: 0 })
  t.equal(resume.status(), 403)
  t.equal((await noticesOf(gone.code))[0].state, 'not-sent', 'nothing changed')
  t.ok((await s.app.store.notices.channels()).email !== undefined, 'the channel still stopped')
  const bad = await page.goto(`${s.url}/admin/notices?cursor=not-a-cursor`)
  t.equal(bad?.status(), 400, 'a refused list: the API\'s status')
  t.match(await page.textContent('main [role=alert]') ?? '', /cursor không hợp lệ/, 'and its reason, in words')
  const none = await page.request.post(`${s.url}/admin/notices/${gone.id}/resend`, { form: {}, maxRedirects: 0 })
  t.equal(none.status(), 403, 'no CSRF token: refused before the API')
  t.same(alarms, [])
})
