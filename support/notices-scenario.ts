/**
 * Notices switched on for a test gateway or the screenshots: the sample notices file (quiet hours
 * off, since tests run at any hour) and the environment that points ZNS and SMS at the
 * simulator's providers. The gateway must listen on `port`: SMS delivery reports come back to
 * NOTICES_PUBLIC_URL. No SMTP: e-mail is not a channel here.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type RunningSimulator, noticeProviderEnv } from '../simulator/index.js'

export const NOTICES_TEST_SECRET = 'notices-secret-for-tests-0123456789abcdef'

/** Writes `dir/notices.json` from config/notices.sample.json; returns its path. */
export function writeNoticesFile (dir: string): string {
  const file = join(dir, 'notices.json')
  const sample = JSON.parse(readFileSync(new URL('../config/notices.sample.json', import.meta.url), 'utf8')) as { agencies: Array<Record<string, unknown>> }
  writeFileSync(file, JSON.stringify({ ...sample, agencies: sample.agencies.map(a => ({ ...a, quietHours: { start: '00:00', end: '00:00' } })) }))
  return file
}

export function noticesEnv (sim: RunningSimulator, port: number, file: string): Record<string, string> {
  return {
    PORT: String(port),
    NOTICES_FILE: file,
    NOTICES_SECRET: NOTICES_TEST_SECRET,
    NOTICES_PUBLIC_URL: `http://127.0.0.1:${port}`,
    NOTICE_RETRY_BASE_MS: '50',
    NOTICE_SWEEP_MS: '500',
    ...noticeProviderEnv(sim.url)
  }
}
