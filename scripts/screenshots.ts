/**
 * `npm run screenshots`: one screenshot of each admin page screen into docs/screenshots/, from a
 * gateway with failed, held, unrouted and hostile dossiers (support/admin-web-scenario.ts), in
 * Debian's Chromium. The README shows them. Names given on the command line
 * (`npm run screenshots -- 16-notices`) take only those; the others are left as they are.
 */
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { settled, startWebScenario, seedFailed, seedHostile, seedReview, seedUnrouted } from '../support/admin-web-scenario.js'
import { launchChromium } from '../support/browser.js'
import { civilStatus, post } from '../support/samples.js'
import { noticesEnv, writeNoticesFile } from '../support/notices-scenario.js'
import { freePort } from '../support/redis-server.js'
import { waitFor } from '../support/wait.js'
import { scanDeadlines } from '../src/queue/deadlines.js'

const OUT = 'docs/screenshots'

const only = process.argv.slice(2)

async function shot (page: Page, name: string, fullPage = true): Promise<void> {
  if (only.length > 0 && !only.includes(name)) return
  await page.screenshot({ path: `${OUT}/${name}.png`, fullPage })
  console.log(`• ${OUT}/${name}.png`)
}

/** The notices page: a notice not sent (opted-out phone, no e-mail), SMS stopped by a configuration fault, apologies owed. */
async function noticeShots (page: Page): Promise<void> {
  const api = async (path: string, body: unknown): Promise<void> => {
    await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'x-api-key': s.keys.operator, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  }
  const state = async (code: string): Promise<string | undefined> => {
    const r = await (await fetch(`${s.url}/v1/dossiers/${code}/notices`, { headers: { 'x-api-key': s.keys.operator } })).json() as { items: Array<{ state: string }> }
    return r.items[0]?.state
  }
  await api('/v1/notices/opt-outs', { phone: '0912000111' })
  const quiet = (await post(s.url, s.keys.civil, 'civil-status', civilStatus('TB-1', { nguoiYeuCau: { ...civilStatus(0).nguoiYeuCau as object, email: undefined } }))).json.maHoSo as string
  await waitFor(async () => await state(quiet) === 'not-sent', { what: 'a notice not sent' })
  await api('/v1/notices/opt-outs', { phone: '0912000111', optOut: false })
  s.sim.zns.setFaults({ noZalo: ['84912000111'] })
  s.sim.sms.setFaults({ script: ['101'] })
  const held = (await post(s.url, s.keys.civil, 'civil-status', civilStatus('TB-2'))).json.maHoSo as string
  await waitFor(async () => await state(held) === 'held', { what: 'a notice held' })
  await scanDeadlines(s.app.store, s.app.queues, 86_400_000, s.app.log)
  await page.goto(`${s.url}/admin/notices`)
  await shot(page, '16-notices')
}

// Notices on (the simulator's ZNS and SMS providers): the dossiers below tell their applicants.
const noticesFile = writeNoticesFile(mkdtempSync(join(tmpdir(), 'lt-shots-')))
const port = await freePort()
const s = await startWebScenario(sim => noticesEnv(sim, port, noticesFile))
await s.app.notices.tokens?.authorise(s.sim.zns.authorise())
s.sim.zns.setFaults({ eventsUrl: `${s.url}/v1/notices/zns-events` })
const browser = await launchChromium()
try {
  mkdirSync(OUT, { recursive: true })
  const ok: string[] = []
  for (let i = 0; i < 4; i++) ok.push((await post(s.url, s.keys.civil, 'civil-status', civilStatus(`OK-${i}`))).json.maHoSo as string)
  await settled(s, ok)
  const failed = await seedFailed(s, 6, 'SHOT-')
  await seedHostile(s)
  await seedReview(s)
  await seedUnrouted(s)
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' })
  await page.goto(`${s.url}/admin`)
  await shot(page, '01-sign-in')
  await page.fill('#key', s.keys.operator)
  await page.click('button[type=submit]')
  await page.waitForURL(`${s.url}/admin`)
  await shot(page, '02-overview')
  await page.goto(`${s.url}/admin/failed?kind=delivery`)
  await shot(page, '03-failed')
  await page.goto(`${s.url}/admin/failed?kind=delivery&lang=en`)
  await shot(page, '12-failed-english')
  await page.goto(`${s.url}/admin/failed?lang=vi`)
  const code = failed[0] ?? ''
  await page.goto(`${s.url}/admin/dossiers/${code}`)
  await shot(page, '04-dossier')
  await page.goto(`${s.url}/admin/dossiers/${code}/edit`)
  await page.fill('[name="f.holder.ids.0.number"]', '123')
  await page.fill('#reason', 'Sửa số giấy tờ')
  await page.click('#save')
  await page.waitForSelector('.field-error')
  await shot(page, '05-edit-errors')
  // A corrected dossier: its two revisions side by side.
  const fixed = failed[1] ?? ''
  await page.goto(`${s.url}/admin/dossiers/${fixed}/edit`)
  await page.fill('[name="f.summary"]', 'Đăng ký khai sinh cho Trần Minh Khôi (đã sửa trích yếu)')
  await page.fill('[name="f.holder.phone"]', '0912000222')
  await page.fill('#reason', 'Sửa trích yếu và số điện thoại theo đơn')
  await page.click('#save')
  await page.waitForURL(/done=1/)
  await page.goto(`${s.url}/admin/review`)
  await shot(page, '06-review')
  await page.goto(`${s.url}/admin/replays?count=1&system=civil-status`)
  await shot(page, '07-bulk-count')
  await page.click('#start')
  await page.waitForSelector('#job-state[data-state="done"]')
  await shot(page, '08-bulk-progress')
  await page.goto(`${s.url}/admin/dossiers/${fixed}/payloads`)
  await shot(page, '09-payloads')
  await page.goto(`${s.url}/admin/audit`)
  await shot(page, '10-audit')
  await page.goto(`${s.url}/admin/dossiers`)
  await shot(page, '14-all-dossiers')
  // A receipt number typed in the header's search box: one match opens the dossier.
  await page.fill('input[name="q"]', 'HT-18754-2025-00OK-0')
  await shot(page, '15-search', false)
  await page.click('form.top-search button[type=submit]')
  await page.waitForURL(`${s.url}/admin/dossiers/${ok[0] ?? ''}`)
  await noticeShots(page)
  await page.goto(`${s.url}/admin/queues/queue/delivery?status=completed`)
  await page.waitForLoadState('networkidle')
  await shot(page, '11-queues', false)
} finally {
  await browser.close()
  await s.close()
}
