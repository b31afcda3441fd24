/**
 * Quiet hours: ZNS and SMS notices due in them wait until they end (e-mail is not held). The
 * window is local time (Asia/Ho_Chi_Minh) and may cross midnight (21:00–07:00, the default).
 */
import { localMinutes } from './local-time.js'

export interface QuietHours { start: string, end: string }

export const DEFAULT_QUIET_HOURS: QuietHours = { start: '21:00', end: '07:00' }
export const HH_MM = '^([01]\\d|2[0-3]):[0-5]\\d$'

function minutes (hhmm: string): number {
  if (!new RegExp(HH_MM).test(hhmm)) throw new RangeError(`${hhmm} is not HH:mm`)
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))
}

/**
 * When a ZNS or SMS notice due at `now` may go: `now` itself outside quiet hours, else the end
 * of the window (epoch ms, the first minute after it). A window whose start equals its end is empty.
 */
export function mayGoAt (now: number, quiet: QuietHours = DEFAULT_QUIET_HOURS): number {
  const start = minutes(quiet.start)
  const end = minutes(quiet.end)
  if (start === end) return now
  const m = localMinutes(now)
  const inside = start < end ? m >= start && m < end : m >= start || m < end
  if (!inside) return now
  const wait = ((end - m) + 1440) % 1440
  // To the start of the minute the window ends at.
  return now - (now % 60_000) + wait * 60_000
}

/** Whether a channel is held by quiet hours at all: e-mail never is. */
export function heldByQuietHours (channel: 'zns' | 'sms' | 'email'): boolean {
  return channel !== 'email'
}
