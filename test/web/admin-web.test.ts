/**
 * The admin page in Debian's Chromium (playwright-core): an operator signs in, filters the failed
 * list, opens a dossier, corrects it (field errors in place) and the portal receives the
 * correction; runs a bulk replay and watches its progress to the end; settles a split commune.
 * A viewer sees no buttons and is refused when it posts anyway; hostile dossier text renders as
 * text with no script run; a form without its CSRF token is refused. One browser for the file.
 */
import t, { type Test } from 'tap'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { HOSTILE, seedFailed, seedHostile, seedReview, seedUnrouted, startWebScenario, type WebScenario } from '../../support/admin-web-scenario.js'
import { launchChromium } from '../../support/browser.js'
import { waitFor } from '../../support/wait.js'
import { localDay } from '../../src/web/i18n.js'
import { readFileSync, writeFileSync } from 'node:fs'
import { buildApp } from '../../src/app.js'
import { hashKey } from '../../src/http/plugins/clients.js'
import { newKey } from '../../support/clients-file.js'

let s: WebScenario
let browser: Browser
let failed: string[]
let review: string
let hostile: string
let unrouted: string

t.before(async () => {
  s = await startWebScenario({ ADMIN_SIGNIN_RATE_LIMIT_MAX: '20' })
  browser = await launchChromium()
  failed = await seedFailed(s, 5, 'WEB-')
  review = await seedReview(s)
  hostile = await seedHostile(s)
  unrouted = await seedUnrouted(s)
})
t.teardown(async () => {
  await browser?.close()
  await s?.close()
})

async function api (path: string, key = s.keys.operator): Promise<any> {
  return await (await fetch(`${s.url}${path}`, { headers: { 'x-api-key': key } })).json()
}
const syncState = async (code: string): Promise<string> => (await api(`/v1/dossiers/${code}`)).sync.state as string

/** A fresh context signed in with `key`, with every dialog, page error and console error recorded. */
async function signIn (t: Test, key: string): Promise<{ ctx: BrowserContext, page: Page, alarms: string[] }> {
  const ctx = await browser.newContext({ locale: 'vi-VN' })
  const page = await ctx.newPage()
  const alarms: string[] = []
  page.on('dialog', d => { alarms.push(`dialog: ${d.message()}`); d.dismiss().catch(() => {}) })
  page.on('pageerror', e => { alarms.push(`pageerror: ${e.message}`) })
  // A refused request (the 422 of a form with errors, a viewer's 403) is logged by Chromium as a
  // failed resource: not a script. Anything else at error level (a CSP violation, an exception) counts.
  page.on('console', m => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource: the server responded with a status of 4')) alarms.push(`console: ${m.text()}`) })
  await page.goto(`${s.url}/admin/failed`)
  t.match(page.url(), /\/admin\/signin\?next=/, 'signed out: sent to the sign-in form')
  await page.fill('#key', key)
  await page.click('button[type=submit]')
  await page.waitForURL(`${s.url}/admin/failed`)
  return { ctx, page, alarms }
}

t.test('operator: sign in, filter, open, edit and replay, bulk replay, settle a split commune', async t => {
  const { ctx, page, alarms } = await signIn(t, s.keys.operator)
  t.teardown(async () => { await ctx.close() })

  const cookie = (await ctx.cookies()).find(c => c.name === 'lt_admin')
  t.ok(cookie, 'a session cookie')
  t.equal(cookie?.httpOnly, true, 'httpOnly')
  t.equal(cookie?.sameSite, 'Strict', 'SameSite=Strict')
  t.ok((cookie?.expires ?? -1) > Date.now() / 1000 + 3600, 'with an expiry')
  const stored = await s.app.redis.keys('lt:web:session:*')
  const dump = JSON.stringify(await Promise.all(stored.map(async k => await s.app.redis.hgetall(k))))
  t.notOk(dump.includes(s.keys.operator), 'the key is not in the session')
  t.notOk(stored.some(k => k.endsWith(cookie?.value ?? 'x')), 'nor is the cookie value a Redis key')
  t.equal(await page.textContent('h1'), 'Đồng bộ lỗi', 'Vietnamese by default')

  // Filter: held for review only, then portal deliveries that failed.
  await page.selectOption('select[name=kind]', 'review')
  await page.click('#failed-filter button[type=submit]')
  await page.waitForURL(/kind=review/)
  t.same(await page.locator('#failed-list tbody tr').evaluateAll(rows => rows.map(r => (r as unknown as { getAttribute: (n: string) => string }).getAttribute('data-code'))), [review])
  await page.selectOption('select[name=kind]', 'delivery')
  await page.selectOption('select[name=reason]', 'PORTAL_REJECTED')
  await page.click('#failed-filter button[type=submit]')
  await page.waitForURL(/kind=delivery/)
  const listed = await page.locator('#failed-list tbody tr').evaluateAll(rows => rows.map(r => (r as unknown as { getAttribute: (n: string) => string }).getAttribute('data-code')))
  t.same([...listed].sort(), [...failed, hostile].sort(), 'every failed delivery, and nothing else')
  t.match(await page.textContent('#failed-list'), /Cổng Dịch vụ công từ chối dữ liệu/, 'the reason in plain words')
  t.match(await page.textContent('#failed-list'), /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/, 'dd/MM/yyyy HH:mm')
  // Days as the page shows them, dd/MM/yyyy, local: today keeps every entry, tomorrow none.
  const day = (ms: number): string => localDay(ms).split('-').reverse().join('/')
  await page.fill('#failed-filter input[name=from]', day(Date.now()))
  await page.click('#failed-filter button[type=submit]')
  await page.waitForURL(/from=/)
  t.equal(await page.locator('#failed-list tbody tr').count(), listed.length, 'failed today')
  await page.fill('#failed-filter input[name=from]', day(Date.now() + 86_400_000))
  await page.click('#failed-filter button[type=submit]')
  await page.waitForSelector('#total:text("0 kết quả")')
  await page.click('#failed-filter a:text("Bỏ lọc")')
  await page.waitForURL(`${s.url}/admin/failed`)

  // Open one, correct it: first with a mistake the form shows in place, then right.
  const code = failed[0] as string
  await page.click(`#failed-list a:text("${code}")`)
  await page.waitForURL(`${s.url}/admin/dossiers/${code}`)
  t.equal(await page.textContent('#sync-state'), 'Gửi thất bại')
  t.equal(await page.textContent('#status'), 'Được tiếp nhận', 'the portal\'s status name')
  await page.click('#edit')
  await page.fill('[name="f.holder.ids.0.number"]', '123')
  await page.fill('#reason', 'Sửa trích yếu')
  await page.click('#save')
  await page.waitForSelector('.field-error[data-field="holder.ids.0.number"]')
  t.equal(await page.getAttribute('[name="f.holder.ids.0.number"]', 'aria-invalid'), 'true', 'the error beside its field')
  t.equal(await page.inputValue('#reason'), 'Sửa trích yếu', 'what was typed is kept')
  t.equal(await syncState(code), 'failed', 'nothing changed')
  await page.fill('[name="f.holder.ids.0.number"]', '042090004321')
  await page.fill('[name="f.summary"]', 'Đăng ký khai sinh (đã sửa qua trang quản trị)')
  await page.click('#save')
  await page.waitForURL(`${s.url}/admin/dossiers/${code}?done=1`)
  await waitFor(() => s.sim.state.dossier(code)?.hoSo.TrichYeuHoSo === 'Đăng ký khai sinh (đã sửa qua trang quản trị)', { what: 'the correction on the portal' })
  t.equal(s.sim.state.dossier(code)?.creates, 1, 'created once')
  const edits = (await api('/v1/admin/audit')).items.filter((e: { action: string, target: string }) => e.action === 'dossier.edit' && e.target === code)
  t.equal(edits.length, 1, 'audited as the API audits')
  t.equal(edits[0].actor, 'admin')

  // Bulk replay: the count first, then live progress to the end, on the same page (no reload).
  await page.goto(`${s.url}/admin/replays`)
  await page.selectOption('#bulk-filter select[name=system]', 'civil-status')
  await page.selectOption('#bulk-filter select[name=reason]', 'PORTAL_REJECTED')
  await page.click('#count')
  const expected = failed.length - 1 + 1
  t.equal(await page.textContent('#bulk-count'), String(expected), 'the count before starting')
  // The workers wait until the page shows the job queued: what follows is the page's own live update.
  await s.app.queues.delivery.pause()
  await page.click('#start')
  await page.waitForURL(/\/admin\/replays\/[0-9a-f-]{36}$/)
  t.equal(await page.getAttribute('#job-state', 'data-state'), 'queued')
  t.equal(await page.textContent('#job-state'), 'Đang chờ')
  // Browser-side code as strings: this project's TypeScript has no DOM types.
  await page.evaluate('window.marker = 1')
  await s.app.queues.delivery.resume()
  await page.waitForSelector('#job-state[data-state="done"]', { timeout: 30_000 })
  t.equal(await page.evaluate('window.marker'), 1, 'updated live, not reloaded')
  t.equal(await page.evaluate('(p => p.value + "/" + p.max)(document.getElementById("job-progress"))'), `${expected}/${expected}`)
  t.equal(await page.textContent('#job-state'), 'Hoàn tất')
  await waitFor(() => [...failed.slice(1), hostile].every(c => s.sim.state.dossier(c)?.creates === 1), { what: 'every replayed dossier on the portal' })

  // Cancel: a job stopped before it starts leaves its dossier failed.
  const left = (await seedFailed(s, 1, 'CANCEL-'))[0] as string
  await s.app.queues.delivery.pause()
  await page.goto(`${s.url}/admin/replays?count=1&system=civil-status`)
  t.equal(await page.textContent('#bulk-count'), '1')
  await page.click('#start')
  await page.waitForURL(/\/admin\/replays\/[0-9a-f-]{36}$/)
  await page.click('#cancel')
  await page.waitForURL(/\/admin\/replays\/[0-9a-f-]{36}$/)
  await s.app.queues.delivery.resume()
  await page.waitForSelector('#job-state[data-state="cancelled"]', { timeout: 30_000 })
  t.equal(await page.textContent('#job-state'), 'Đã dừng')
  t.equal(await page.locator('#cancel').count(), 0, 'no cancel button once it has stopped')
  t.equal(await syncState(left), 'failed', 'the dossier left as it was')

  // A split commune: choose among the candidates.
  await page.click('nav a[href="/admin/review"]')
  const item = page.locator(`.review-item[data-code="${review}"]`)
  await item.locator('input[value="18754"]').check()
  await item.locator('button[type=submit]').click()
  await page.waitForURL(/\/admin\/review\?done=1/)
  await waitFor(() => s.sim.state.dossier(review)?.creates === 1, { what: 'the settled dossier on the portal' })
  t.equal((await api(`/v1/dossiers/${review}`)).dossier.details.land.parcel.communeCode, '18754', 'the commune chosen')
  t.equal(await page.locator(`.review-item[data-code="${review}"]`).count(), 0, 'no longer waiting')
  // An online dossier nobody was given: choose the sector system's client.
  const online = page.locator(`.review-item[data-code="${unrouted}"]`)
  await online.locator('select[name=clientId]').selectOption('hotich-songtri')
  await online.locator('button[type=submit]').click()
  await page.waitForURL(/\/admin\/review\?done=1/)
  await s.stub.waitFor(rs => rs.some(e => (e.data as { maHoSo?: string }).maHoSo === unrouted), 10_000)
  t.equal((await api(`/v1/dossiers/${unrouted}`)).routing.client, 'hotich-songtri', 'routed to the chosen system')

  await page.click('a.lang')
  t.equal(await page.textContent('h1'), 'Needs a decision', 'English on the switch')
  await page.click('nav a[href="/admin/failed"]')
  t.equal(await page.textContent('h1'), 'Failed syncs', 'and it stays English')
  await page.click('a.lang')

  // The overview counts what reached the portal today: at least the replayed, edited and settled dossiers.
  await page.click('nav a[href="/admin"]')
  t.ok(Number(await page.textContent('[data-testid="delivered-today"]')) >= 3, 'delivered today on the overview')

  // bull-board, behind the same sign-in.
  const board = await page.goto(`${s.url}/admin/queues`)
  t.equal(board?.status(), 200)
  await page.goBack()
  await page.click('button:text("Đăng xuất")')
  await page.waitForURL(/\/admin\/signin/)
  t.equal(await s.app.redis.exists(...stored), 0, 'signing out deletes the session')
  t.same(alarms, [], 'no dialog, page error or console error')
})

t.test('a viewer sees no buttons, and a forged post is refused by the server', async t => {
  const { ctx, page, alarms } = await signIn(t, s.keys.viewer)
  t.teardown(async () => { await ctx.close() })
  const fresh = (await seedFailed(s, 1, 'VIEW-'))[0] as string
  await page.goto(`${s.url}/admin/dossiers/${fresh}`)
  t.equal(await page.textContent('#sync-state'), 'Gửi thất bại')
  t.ok(await page.isVisible('#viewer-note'))
  t.equal(await page.locator('main form, #replay, #edit, #discard').count(), 0, 'no action buttons')
  t.equal(await page.locator('nav a[href="/admin/replays"], nav a[href="/admin/queues"]').count(), 0, 'no bulk replay or queues in the menu')
  await page.goto(`${s.url}/admin/review`)
  t.equal(await page.locator('main form').count(), 0, 'no forms to settle or route')
  t.equal((await page.goto(`${s.url}/admin/queues`))?.status(), 403, 'bull-board is for operators')

  await page.goto(`${s.url}/admin/dossiers/${fresh}`)
  const token = await page.getAttribute('form[action="/admin/signout"] input[name=_csrf]', 'value') ?? ''
  for (const [path, form] of [['replay', {}], ['discard', { reason: 'thử giả mạo' }], ['edit', { revision: '1', reason: 'thử giả mạo' }]] as const) {
    const r = await page.request.post(`${s.url}/admin/dossiers/${fresh}/${path}`, { form: { _csrf: token, ...form }, maxRedirects: 0 })
    t.equal(r.status(), 403, `${path}: refused by the API`)
    t.match(await r.text(), /FORBIDDEN_ROLE/)
  }
  const bulk = await page.request.post(`${s.url}/admin/replays`, { form: { _csrf: token, system: 'civil-status' }, maxRedirects: 0 })
  t.equal(bulk.status(), 403, 'bulk replay refused')
  t.equal(await syncState(fresh), 'failed', 'nothing changed')
  t.notOk((await api('/v1/admin/audit')).items.some((e: { actor: string, action: string }) => e.actor === 'xem-hatinh' && e.action !== 'web.signin' && e.action !== 'payloads.read'), 'no action by the viewer')
  t.same(alarms, [])
})

t.test('hostile dossier text is shown as text everywhere; no script runs', async t => {
  const { ctx, page, alarms } = await signIn(t, s.keys.operator)
  t.teardown(async () => { await ctx.close() })
  const pages = ['/admin/failed?kind=delivery', `/admin/dossiers/${hostile}`, `/admin/dossiers/${hostile}/edit`, `/admin/dossiers/${hostile}/payloads`, '/admin', '/admin/audit']
  for (const p of pages) {
    const res = await page.goto(`${s.url}${p}`)
    const csp = res?.headers()['content-security-policy'] ?? ''
    t.match(csp, /script-src 'self'/, `${p}: strict CSP`)
    t.notMatch(csp, /unsafe-inline/)
    t.equal(await page.locator('main img, main script, main a[href^="javascript:"]').count(), 0, `${p}: no element from the data`)
  }
  await page.goto(`${s.url}/admin/dossiers/${hostile}`)
  const text = await page.textContent('main') ?? ''
  for (const h of [HOSTILE.script, HOSTILE.attribute, HOSTILE.url]) t.ok(text.includes(h), `shown as text: ${h}`)
  await page.goto(`${s.url}/admin/dossiers/${hostile}/edit`)
  t.equal(await page.inputValue('[name="f.documents.0.url"]'), HOSTILE.url, 'in a form field, as a value')
  t.same(alarms, [], 'no dialog, page error or console error')
})

t.test('a form posted without its CSRF token, or with another session\'s, is refused', async t => {
  const { ctx, page } = await signIn(t, s.keys.operator)
  t.teardown(async () => { await ctx.close() })
  const code = (await seedFailed(s, 1, 'CSRF-'))[0] as string
  await page.goto(`${s.url}/admin/dossiers/${code}`)
  const none = await page.request.post(`${s.url}/admin/dossiers/${code}/replay`, { form: {}, maxRedirects: 0 })
  t.equal(none.status(), 403, 'no token')
  t.match(await none.text(), /Biểu mẫu đã hết hạn hoặc không hợp lệ/)
  const other = await signIn(t, s.keys.operator)
  const foreign = await other.page.getAttribute('form[action="/admin/signout"] input[name=_csrf]', 'value') ?? ''
  await other.ctx.close()
  t.equal((await page.request.post(`${s.url}/admin/dossiers/${code}/replay`, { form: { _csrf: foreign }, maxRedirects: 0 })).status(), 403, 'another session\'s token')
  t.equal(await syncState(code), 'failed', 'nothing changed')
  const own = await page.getAttribute('form[action="/admin/signout"] input[name=_csrf]', 'value') ?? ''
  t.equal((await page.request.post(`${s.url}/admin/dossiers/${code}/replay`, { form: { _csrf: own }, maxRedirects: 0 })).status(), 303, 'with its own token it goes')
})

t.test('a session is in Redis: another gateway process serves it; a revoked key ends it', async t => {
  const { ctx, page } = await signIn(t, s.keys.viewer)
  t.teardown(async () => { await ctx.close() })
  const other = await buildApp({ ...s.config, ROLE: 'api', LOG_LEVEL: 'warn' })
  t.teardown(async () => { await other.close() })
  const cookie = (await ctx.cookies()).map(c => `${c.name}=${c.value}`).join('; ')
  const there = await other.inject({ method: 'GET', url: '/admin', headers: { cookie } })
  t.equal(there.statusCode, 200, 'signed in on the other process too')
  t.match(there.body, /xem-hatinh/)

  const file = JSON.parse(readFileSync(s.clientsFile, 'utf8')) as { clients: Array<{ id: string, keySha256: string }> }
  writeFileSync(s.clientsFile, JSON.stringify({ clients: file.clients.map(c => c.id === 'xem-hatinh' ? { ...c, keySha256: hashKey(newKey()).toString('hex') } : c) }))
  t.ok(s.app.reloadClients(), 'the viewer\'s key replaced')
  await page.goto(`${s.url}/admin`)
  t.match(page.url(), /\/admin\/signin/, 'its session is over')
  writeFileSync(s.clientsFile, JSON.stringify(file))
  t.ok(s.app.reloadClients())
})

t.test('sign-in attempts are limited per address', async t => {
  let last = 0
  for (let i = 0; i < 21; i++) last = (await fetch(`${s.url}/admin/signin`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'key=wrong-key-0123456789' })).status
  t.equal(last, 429)
})
