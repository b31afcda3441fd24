/**
 * Debian's Chromium driven by playwright-core, for the admin page's browser tests and screenshots.
 * Never a downloaded browser: the executable is the system's (`CHROMIUM_PATH`, default
 * /usr/bin/chromium). `chromium.launch` gives every launch a fresh temporary profile of its own
 * and deletes it on close (it refuses a `--user-data-dir` argument).
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
  '--no-first-run', '--disable-component-update', '--disable-sync'
]

export async function launchChromium (): Promise<Browser> {
  return await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true })
}

/** A fresh browser context signed in to the admin page at `url` with `key`, on the overview. */
export async function signedIn (browser: Browser, url: string, key: string): Promise<{ ctx: BrowserContext, page: Page }> {
  const ctx = await browser.newContext({ locale: 'vi-VN' })
  const page = await ctx.newPage()
  await page.goto(`${url}/admin/signin`)
  await page.fill('#key', key)
  await page.click('button[type=submit]')
  await page.waitForURL(`${url}/admin`)
  return { ctx, page }
}
