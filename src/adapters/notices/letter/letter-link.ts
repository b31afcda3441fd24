/**
 * The signed, expiring link to a dossier's apology letter that a notice can carry: an HMAC-SHA256
 * over the dossier code and the expiry, checked in constant time. Valid 30 days unless the
 * deployment says otherwise. The link names the dossier code only (not personal).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const LETTER_LINK_DAYS = 30

function sign (code: string, exp: number, key: string | Buffer): Buffer {
  return createHmac('sha256', key).update(`apology-letter\n${code}\n${exp}`).digest()
}

/** `<base>/<code>?exp=<unix seconds>&sig=<base64url>`; `expiresAt` defaults to now + 30 days. */
export function letterLink (base: string, code: string, key: string | Buffer, opts: { now?: number, expiresAt?: number, days?: number } = {}): string {
  const expMs = opts.expiresAt ?? (opts.now ?? Date.now()) + (opts.days ?? LETTER_LINK_DAYS) * 86_400_000
  const exp = Math.floor(expMs / 1000)
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(code)}?exp=${exp}&sig=${sign(code, exp, key).toString('base64url')}`
}

export type LetterLinkCheck = 'ok' | 'expired' | 'bad-signature'

/** Checks a link's parts as received (`exp` and `sig` from the query, `code` from the path). */
export function verifyLetterLink (code: string, exp: string | undefined, sig: string | undefined, key: string | Buffer, now = Date.now()): LetterLinkCheck {
  if (exp === undefined || sig === undefined || !/^\d{1,12}$/.test(exp) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return 'bad-signature'
  const got = Buffer.from(sig, 'base64url')
  const want = sign(code, Number(exp), key)
  if (got.length !== want.length || !timingSafeEqual(got, want)) return 'bad-signature'
  return Number(exp) * 1000 < now ? 'expired' : 'ok'
}
