/**
 * SMS delivery reports (the contract's "Delivery reports"): the provider signs nothing, so each
 * message gets its own unguessable `CallbackUrl`: `<base>/<RequestId>/<MAC>`, the MAC an
 * HMAC-SHA256 of the RequestId (base64url, 128 bits kept), checked in constant time. The query
 * string may carry the phone: it is parsed here and never logged.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

const MAC_BYTES = 16

function mac (key: string | Buffer, requestId: string): Buffer {
  return createHmac('sha256', key).update(`sms-report:${requestId}`).digest().subarray(0, MAC_BYTES)
}

/** The message's `CallbackUrl` under `base` (the gateway's public reports URL). */
export function smsCallbackUrl (base: string, requestId: string, key: string | Buffer): string {
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(requestId)}/${mac(key, requestId).toString('base64url')}`
}

/** The RequestId a report's path names, if its MAC is right; undefined otherwise. */
export function verifySmsCallbackPath (requestId: string, macText: string, key: string | Buffer): string | undefined {
  if (!/^[A-Za-z0-9_-]{22}$/.test(macText)) return undefined
  const got = Buffer.from(macText, 'base64url')
  return got.length === MAC_BYTES && timingSafeEqual(got, mac(key, requestId)) ? requestId : undefined
}

export type SmsReport =
  | { state: 'delivered', smsId?: string }
  | { state: 'pending', smsId?: string, status: string }
  | { state: 'failed', smsId?: string, status: string, errorInfo: string }

/** Delivered: SendStatus 5 with SendSuccess ≥ 1. Pending: 1, 2, 3, 7. Anything else failed. */
export function parseSmsReport (query: Readonly<Record<string, unknown>>): SmsReport {
  const one = (k: string): string | undefined => {
    const v = query[k]
    const s = Array.isArray(v) ? v[0] : v
    return typeof s === 'string' ? s.trim() : undefined
  }
  const smsId = one('SMSID')
  const id = smsId === undefined || smsId === '' ? {} : { smsId: smsId.slice(0, 100) }
  const status = one('SendStatus') ?? ''
  const success = Number(one('SendSuccess') ?? '0')
  if (status === '5' && success >= 1) return { state: 'delivered', ...id }
  if (['1', '2', '3', '7'].includes(status)) return { state: 'pending', ...id, status }
  // The provider's reason, cut and without digits runs that could be a phone.
  const errorInfo = (one('error_info') ?? '').slice(0, 200).replace(/\d{6,}/g, '…')
  return { state: 'failed', ...id, status: status.slice(0, 10), errorInfo: errorInfo === '' ? `SendStatus ${status.slice(0, 10) || 'missing'}` : errorInfo }
}
