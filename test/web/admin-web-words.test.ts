/**
 * The admin page as an officer reads it, in Chromium: a session that ended sends every form back
 * to sign-in with a message (never a 500); a viewer gets a page, not a form, where it cannot act;
 * discarding asks first; a bad filter day is a field error, not an empty list; the review screen
 * names the old commune and the parcel's address; payloads compare like with like; and no raw
 * code (online, cccd, KHAI_SINH, webhook-delivered, civil-status…) reaches a page.
 */
import t, { type Test } from 'tap'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { seedFailed, seedReview, startWebScenario, type WebScenario } from '../../support/admin-web-scenario.js'
import { launchChromium, signedIn } from '../../support/browser.js'
import { waitFor } from '../../support/wait.js'

let s: WebScenario
let browser: Browser
let review: string

t.before(async () => {
  s = await startWebScenario({ ADMIN_SIGNIN_RATE_LIMIT_MAX: '50' })
  browser = await launchChromium()
  review = await seedReview(s)
})
t.teardown(async () => {
  await browser?.close()
  await s?.close()
})

async function signIn (t: Test, key: string): Promise<{ ctx: BrowserContext, page: Page }> {
  const signed = await signedIn(browser, s.url, key)
  t.teardown(async () => { await signed.ctx.close() })
  return signed
}
const state = async (code: string): Promise<string> => {
  const r = await fetch(`${s.url}/v1/dossiers/${code}`, { headers: { 'x-api-key': s.keys.operator } })
  return ((await r.json()) as { sync: { state: string } }).sync.state
}
const dropSessions = async (): Promise<void> => {
  const keys = await s.app.redis.keys('lt:web:session:*')
  if (keys.length > 0) await s.app.redis.del(...keys)
}

t.test('a session that ended: sign-in and actions go back to sign-in with a message, never a 500', async t => {
  const ctx = await browser.newContext({ locale: 'vi-VN' })
  t.teardown(async () => { await ctx.close() })
  const page = await ctx.newPage()
  await page.goto(`${s.url}/admin/signin?next=%2Fadmin%2Ffailed`)
  await dropSessions()
  await page.fill('#key', s.keys.operator)
  await page.click('button[type=submit]')
  await page.waitForURL(/\/admin\/signin\?expired=1/)
  t.match(await page.textContent('#expired'), /Phiên làm việc đã hết hạn/)
  await page.fill('#key', s.keys.operator)
  await page.click('button[type=submit]')
  await page.waitForURL(`${s.url}/admin/failed`)

  const code = (await seedFailed(s, 1, 'EXP-'))[0] as string
  await page.goto(`${s.url}/admin/dossiers/${code}`)
  await dropSessions()
  await page.click('#replay')
  await page.waitForURL(/\/admin\/signin\?expired=1/)
  t.equal(new URL(page.url()).searchParams.get('next'), `/admin/dossiers/${code}`, 'back to the dossier after signing in')
  t.equal(await state(code), 'failed', 'nothing done')
  t.notMatch(s.logs(), /reading '_csrf'/, 'no TypeError in the log')
})

t.test('a viewer: a page saying it lacks the role, for the edit form and the queues', async t => {
  const { page } = await signIn(t, s.keys.viewer)
  const code = (await seedFailed(s, 1, 'VIEWED-'))[0] as string
  const edit = await page.goto(`${s.url}/admin/dossiers/${code}/edit`)
  t.equal(edit?.status(), 403)
  t.match(await page.textContent('main'), /Chỉ quyền vận hành mới sửa được hồ sơ/)
  t.equal(await page.locator('main form, #save').count(), 0, 'no form, no submit')
  const queues = await page.goto(`${s.url}/admin/queues`)
  t.equal(queues?.status(), 403)
  t.equal(await page.locator('header.top nav').count(), 1, 'the page around it')
  t.match(await page.textContent('main'), /Hàng đợi chỉ dành cho quyền vận hành/)
})

t.test('operator: discard asks first; filters, review, payloads in words', async t => {
  const { page } = await signIn(t, s.keys.operator)
  const [a, b] = await seedFailed(s, 2, 'WORDS-') as [string, string]

  await page.goto(`${s.url}/admin/dossiers/${a}`)
  await page.fill('form.discard input[name=reason]', 'Trùng hồ sơ đã nộp')
  await page.click('#discard')
  await page.waitForSelector('#confirm')
  t.equal(await state(a), 'failed', 'nothing discarded on the first click')
  t.equal(await page.inputValue('#reason'), 'Trùng hồ sơ đã nộp', 'the reason carried to the confirmation')
  await page.click('#keep')
  await page.waitForURL(`${s.url}/admin/dossiers/${a}`)
  t.equal(await state(a), 'failed', 'cancelled: still failed')
  await page.fill('form.discard input[name=reason]', 'Trùng hồ sơ đã nộp')
  await page.click('#discard')
  await page.click('#confirm-discard')
  await page.waitForURL(`${s.url}/admin/dossiers/${a}?done=1`)
  t.equal(await state(a), 'discarded', 'discarded once confirmed')

  // Agency codes stay on one line.
  await page.goto(`${s.url}/admin/failed?kind=delivery`)
  const ws = await page.locator(`#failed-list tr[data-code="${b}"] td.code`).evaluate((el: unknown) => (globalThis as unknown as { getComputedStyle: (e: unknown) => { whiteSpace: string } }).getComputedStyle(el).whiteSpace)
  t.equal(ws, 'nowrap', 'agency code not broken')
  t.match(await page.textContent('#total'), /^\d+ kết quả$/)

  // A day the page cannot read: the field says so; no list, no "0 kết quả".
  await page.fill('#failed-filter input[name=from]', '31/02/2026')
  await page.click('#failed-filter button[type=submit]')
  await page.waitForSelector('.field-error[data-field="from"]')
  t.equal(await page.getAttribute('#failed-filter input[name=from]', 'aria-invalid'), 'true')
  t.equal(await page.locator('#total').count(), 0, 'no count')
  t.notMatch(await page.textContent('main'), /Không có gì cần xử lý/, 'no "nothing waits"')

  // English: one result, not "1 results".
  await page.goto(`${s.url}/admin/failed?kind=delivery&agency=none.such&lang=en`)
  t.equal(await page.textContent('#total'), '0 results')
  await page.goto(`${s.url}/admin/failed?kind=review&lang=en`)
  t.equal(await page.textContent('#total'), '1 result')
  await page.goto(`${s.url}/admin/failed?lang=vi`)

  // The review screen: the old commune's name and the parcel's address, no code path.
  await page.goto(`${s.url}/admin/review`)
  const item = page.locator(`.review-item[data-code="${review}"]`)
  t.match(await item.locator('.old-commune').textContent(), /Xã Kỳ Lợi/)
  t.match(await item.locator('.address').textContent(), /Thôn Tây Yên, xã Kỳ Lợi/)
  t.notMatch(await item.textContent(), /\/\/|18796|@|HoSo\//, 'no XPath, no old code')

  // Payloads: the officer's edit against the sector's dossier, both canonical; highlighted.
  await page.goto(`${s.url}/admin/dossiers/${b}/edit`)
  await page.fill('[name="f.summary"]', 'Đăng ký khai sinh (đã sửa)')
  await page.fill('#reason', 'Sửa trích yếu')
  await page.click('#save')
  await page.waitForURL(`${s.url}/admin/dossiers/${b}?done=1`)
  await page.goto(`${s.url}/admin/dossiers/${b}/payloads`)
  const newest = page.locator('#canonical section[data-revision="2"]')
  const changed = await newest.locator('span.changed').allTextContents()
  t.ok(changed.some(l => l.includes('Đăng ký khai sinh (đã sửa)')), 'the corrected summary highlighted')
  t.ok(changed.length <= 3, `only the changed lines (${changed.length})`)
  t.equal(await page.locator('#originals section').count(), 1, 'the sector payload on its own row')
})

/** Codes the dictionary turns into words: none may show on a page. */
const RAW = ['online', 'in-person', 'citizen', 'cccd', 'male', 'female', 'child', 'mother', 'father', 'KHAI_SINH', 'CHA', 'webhook-delivered', 'overdue', 'portal-event',
  'civil-status', 'land', 'permanent', 'transient', 'create', 'PORTAL_REJECTED', 'dossier.edit', 'dossier.discard', 'web.signin', 'operator', 'viewer', 'provenance', 'details.', 'khách hàng']

t.test('no raw code reaches a page (Vietnamese)', async t => {
  const { page } = await signIn(t, s.keys.operator)
  const code = (await seedFailed(s, 1, 'RAW-'))[0] as string
  await waitFor(async () => (await fetch(`${s.url}/v1/dossiers/${code}`, { headers: { 'x-api-key': s.keys.operator } })).ok, { what: 'the dossier' })
  const pages = ['/admin', '/admin/failed', '/admin/dossiers', `/admin/dossiers/${code}`, `/admin/dossiers/${code}/edit`, `/admin/dossiers/${code}/payloads`, `/admin/dossiers/${review}`, '/admin/review', '/admin/replays', '/admin/audit']
  for (const p of pages) {
    await page.goto(`${s.url}${p}`)
    // What an officer reads: text and the labels of choices, not values posted back; payloads
    // as received (the <pre> blocks) are the sender's own data, shown as sent on purpose.
    const text = await page.evaluate('(m => { m.querySelectorAll("pre").forEach(p => p.remove()); return m.innerText })(document.querySelector("main").cloneNode(true))') as string
    const found = RAW.filter(w => new RegExp(`(^|[^\\p{L}\\p{N}_.-])${w.replace(/[.]/g, '\\.')}($|[^\\p{L}\\p{N}_-])`, 'u').test(text))
    t.same(found, [], `${p}: no raw code`)
  }
})
