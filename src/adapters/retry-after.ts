/**
 * `Retry-After` (RFC 9110 §10.2.3) as milliseconds from now: delta-seconds, or an HTTP date in
 * any of its three forms. The one reader for the portal client, the breaker and the webhook
 * sender. Every caller gives its cap: a header is advice from outside, and `Retry-After:
 * 86400000` (1,000 days) must not stop anything for longer than the caller would wait anyway.
 * No maintained npm package does just this (the ones found bundle a retry framework), hence here.
 */

/** Only what starts like an HTTP date is a date: Date.parse alone reads '1.5' as a day in 2001. */
const HTTP_DATE_START = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /i
/** asctime (`Sun Nov  6 08:49:37 1994`) carries no zone: it is GMT. */
const ASCTIME = /^\w{3} \w{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/

/**
 * Milliseconds to wait, between 0 and `maxMs`; undefined when the header is absent or is not
 * one of the forms above (then the caller's own schedule decides).
 */
export function parseRetryAfter (value: string | string[] | undefined, maxMs: number, now = Date.now()): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim()
  if (v === undefined || v === '' || v.length > 64) return undefined
  let ms: number
  if (/^\d+$/.test(v)) {
    ms = Number(v) * 1000
  } else {
    if (!HTTP_DATE_START.test(v)) return undefined
    const t = Date.parse(ASCTIME.test(v) ? `${v} GMT` : v)
    if (Number.isNaN(t)) return undefined
    ms = t - now
  }
  return Math.min(Math.max(0, ms), Math.max(0, maxMs))
}
