/**
 * What went wrong below the CLI, in the dictionary's words (src/web/i18n-problems.ts): the lower
 * layers give codes and values, never the words, so that the CLI can say them in its language.
 */
import type { Said } from '../src/services/doctor/texts.js'
import { isWord } from '../src/web/i18n.js'
import * as text from '../src/web/problem-text.js'
import { lang, say } from './lang.js'

/** A doctor's text (a drift's detail, a notice, a skipped check). */
export function doctorText (s: Said): string { return text.doctorText(s, lang()) }

/**
 * Why a connection failed: undici (fetch) and ioredis give the system's code (ECONNREFUSED,
 * ENOTFOUND…); fetch's own refusals of an address are known by their (stable) English form.
 */
export function networkWhy (err: unknown): string { return networkCause(err) ?? say('net_unknown') }

/** The words of a connection's failure, or undefined when `err` is not one. */
export function networkCause (err: unknown): string | undefined {
  const e = err as { code?: unknown, message?: unknown, address?: unknown, port?: unknown, cause?: unknown } | undefined
  const cause = e?.cause as { code?: unknown, message?: unknown, address?: unknown, port?: unknown } | undefined
  const code = typeof cause?.code === 'string' ? cause.code : typeof e?.code === 'string' ? e.code : undefined
  const message = String(cause?.message ?? e?.message ?? '')
  const at = cause?.address ?? e?.address
  const where = at === undefined ? '' : ` (${String(at)}${(cause?.port ?? e?.port) === undefined ? '' : `:${String(cause?.port ?? e?.port)}`})`
  if (code !== undefined) {
    const w = `net_${code}`
    if (code === 'ERR_INVALID_URL') return say('net_badUrl')
    return (isWord(w) ? say(w) : say('net_other', { code })) + where
  }
  if (/^bad port$/i.test(message)) return say('net_badPort')
  if (/^Invalid URL/i.test(message)) return say('net_badUrl')
  if (/^Connection is closed/i.test(message)) return say('net_redisClosed')
  return undefined
}

/** The words of an error from below the CLI, or undefined when it is not one of them. */
export function problemText (err: unknown): string | undefined { return text.problemText(err, lang()) }
