/**
 * The search box and "Tất cả hồ sơ" in Chromium (issue 17): an officer on the phone types a
 * dossier code or a receipt number in the header of any page and lands on the dossier, even one
 * that never failed; a name finds nothing and the page says why; the list of all dossiers shows
 * every dossier in words with dd/MM/yyyy dates, filters like the failed list, and a bad day is a
 * field error.
 */
import t, { type Test } from 'tap'
import type { Browser, Page } from 'playwright-core'
import { seedFailed, seedReview, settled, startWebScenario, type WebScenario } from '../../support/admin-web-scenario.js'
import { launchChromium, signedIn } from '../../support/browser.js'
import { civilStatus, post } from '../../support/samples.js'

let s: WebScenario
let browser: Browser
let failed: string
let review: string
const delivered: string[] = []

t.before(async () => {
  s = await startWebScenario({ ADMIN_SIGNIN_RATE_LIMIT_MAX: '50' })
  browser = await launchChromium()
  failed = (await seedFailed(s, 1, 'FIND-F'))[0] as string
  for (let i = 0; i < 3; i++) {
    const r = await post(s.url, s.keys.civil, 'civil-status', civilStatus(`FIND-${i}`))
    if (r.status !== 202) throw new Error(r.text)
    delivered.push(r.json.maHoSo as string)
  }
  await settled(s, delivered)
  review = await seedReview(s)
})
t.teardown(async () => {
  await browser?.close()
  await s?.close()
})

async function signIn (t: Test, key: string): Promise<Page> {
  const { ctx, page } = await signedIn(browser, s.url, key)
  t.teardown(async () => { await ctx.close() })
  return page
}

async function search (page: Page, q: string): Promise<void> {
  await page.fill('.top-search input[name=q]', q)
  await Promise.all([page.waitForLoadState('load'), page.click('.top-search button[type=submit]')])
}

t.test('the header\'s search opens a dossier by its code or its receipt number', async t => {
  const page = await signIn(t, s.keys.viewer)
  await page.goto(`${s.url}/admin/failed`)
  await search(page, delivered[1] as string)
  await page.waitForURL(`${s.url}/admin/dossiers/${delivered[1] ?? ''}`)
  t.pass('a code opens its dossier, one that never failed')
  await search(page, ' HT-18754-2025-FIND-2 ')
  await page.waitForURL(`${s.url}/admin/dossiers/${delivered[2] ?? ''}`)
  t.pass('a receipt number (spaces around it trimmed) opens its dossier')
  await search(page, 'Nguyễn Văn An')
  await page.waitForURL(/\/admin\/search\?q=/)
  t.match(await page.textContent('#no-dossiers'), /Không tìm thấy hồ sơ nào/)
  t.match(await page.textContent('#search-note'), /Không tìm được theo tên.*không lưu chỉ mục dữ liệu cá nhân/, 'the page says why a name finds nothing')
  await search(page, (delivered[0] as string).slice(0, -2))
  t.match(await page.textContent('#no-dossiers'), /Không tìm thấy/, 'exact: a code cut short finds nothing')
})

t.test('"Tất cả hồ sơ" lists every dossier in words, with the failed list\'s filters', async t => {
  const page = await signIn(t, s.keys.operator)
  await Promise.all([page.waitForURL(`${s.url}/admin/dossiers`), page.click('nav >> text=Tất cả hồ sơ')])
  const codes = await page.locator('#dossier-list tbody tr').evaluateAll(rows => rows.map(r => r.getAttribute('data-code')))
  t.same(new Set(codes), new Set([failed, review, ...delivered]), 'every dossier, failed or not')
  t.match(await page.textContent('#total'), /^5 /)
  const row = page.locator(`#dossier-list tr[data-code="${delivered[0] ?? ''}"]`)
  const cells = await row.locator('td').allInnerTexts()
  t.match(cells[0], /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/, 'received at, dd/MM/yyyy HH:mm')
  t.equal(cells[2], 'HT-18754-2025-FIND-0', 'the receipt number')
  t.equal(cells[3], 'Hộ tịch', 'the system in words')
  t.match(cells[6], /Đã đồng bộ lên Cổng/)
  const text = await page.innerText('main')
  t.notMatch(text, /civil-status|\bland\b|\bdelivered\b|\bpending\b/, 'no raw code')

  await page.selectOption('#dossier-filter select[name=state]', 'failed')
  await Promise.all([page.waitForLoadState('load'), page.click('#dossier-filter button[type=submit]')])
  t.same(await page.locator('#dossier-list tbody tr').evaluateAll(rows => rows.map(r => r.getAttribute('data-code'))), [failed], 'state=failed: the failed one')
  await page.goto(`${s.url}/admin/dossiers?system=land`)
  t.same(await page.locator('#dossier-list tbody tr').evaluateAll(rows => rows.map(r => r.getAttribute('data-code'))), [review], 'system: the land one')
  await page.goto(`${s.url}/admin/dossiers?to=01/01/2001`)
  t.match(await page.textContent('#no-dossiers'), /Không có hồ sơ nào/, 'a day before any dossier: none')

  const res = await page.goto(`${s.url}/admin/dossiers?from=31/02/2026`)
  t.equal(res?.status(), 400)
  t.equal(await page.getAttribute('#dossier-filter input[name=from]', 'aria-invalid'), 'true', 'a bad day is a field error')
  t.equal(await page.locator('#dossier-list').count(), 0, 'and no list')
})
