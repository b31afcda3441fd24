/**
 * Debian's Chromium driven by playwright-core, for the admin page's browser tests and screenshots.
 * Never a downloaded browser: the executable is the system's (`CHROMIUM_PATH`, default
 * /usr/bin/chromium). `chromium.launch` gives every launch a fresh temporary profile of its own
 * and deletes it on close (it refuses a `--user-data-dir` argument).
 */
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
  '--no-first-run', '--disable-component-update', '--disable-sync'
]

export async function launchChromium (): Promise<Browser> {
  return await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true })
}
