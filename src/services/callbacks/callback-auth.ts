/**
 * The portal signs each callback: `X-Portal-Signature: sha256=<hex HMAC-SHA256 of
 * "<X-Portal-Timestamp>.<raw body>">` with the shared secret. Checked on the raw bytes, in
 * constant time, before anything of the body is read; a timestamp more than 300 s away is
 * refused so a captured call cannot be replayed later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { GatewayError, InputError } from '../../domain/errors.js'

export const MAX_SKEW_SECONDS = 300

export type SignatureRefusal = 'unsigned' | 'bad-signature' | 'stale'

export function verifyPortalSignature (a: { secret: string, timestamp: unknown, signature: unknown, body: Buffer, nowMs: number }): { ok: true } | { ok: false, reason: SignatureRefusal, error: InputError } {
  if (typeof a.timestamp !== 'string' || typeof a.signature !== 'string') {
    return refuse('unsigned', 'CALLBACK_UNSIGNED', 'Thiếu chữ ký của Cổng (X-Portal-Timestamp, X-Portal-Signature)', 'The portal signature headers (X-Portal-Timestamp, X-Portal-Signature) are missing',
      typeof a.timestamp !== 'string' ? 'X-Portal-Timestamp' : 'X-Portal-Signature')
  }
  const m = /^sha256=([0-9a-f]{64})$/i.exec(a.signature.trim())
  if (m === null || !/^\d{1,12}$/.test(a.timestamp.trim())) {
    return refuse('bad-signature', 'CALLBACK_BAD_SIGNATURE', 'Chữ ký của Cổng không hợp lệ', 'The portal signature does not verify', m === null ? 'X-Portal-Signature' : 'X-Portal-Timestamp')
  }
  const ts = Number(a.timestamp.trim())
  if (Math.abs(a.nowMs / 1000 - ts) > MAX_SKEW_SECONDS) {
    return refuse('stale', 'CALLBACK_STALE', `Thời điểm ký lệch quá ${MAX_SKEW_SECONDS} giây so với đồng hồ của cổng liên thông`,
      `The signature timestamp is more than ${MAX_SKEW_SECONDS} s away from the gateway's clock`, 'X-Portal-Timestamp')
  }
  const expected = createHmac('sha256', a.secret).update(`${a.timestamp.trim()}.`).update(a.body).digest()
  const given = Buffer.from(m[1] as string, 'hex')
  if (!timingSafeEqual(expected, given)) {
    return refuse('bad-signature', 'CALLBACK_BAD_SIGNATURE', 'Chữ ký của Cổng không hợp lệ', 'The portal signature does not verify', 'X-Portal-Signature')
  }
  return { ok: true }
}

function refuse (reason: SignatureRefusal, code: string, vi: string, en: string, field: string): { ok: false, reason: SignatureRefusal, error: InputError } {
  return { ok: false, reason, error: new InputError(code, 401, { vi, en }, { field }) }
}

export function callbacksNotConfigured (): GatewayError {
  return new GatewayError('CALLBACKS_NOT_CONFIGURED', 503, {
    vi: 'Chưa cấu hình PORTAL_CALLBACK_SECRET: cổng liên thông không thể xác minh lời gọi của Cổng nên không nhận lời gọi nào',
    en: 'PORTAL_CALLBACK_SECRET is not set: the gateway cannot verify portal callbacks, so it accepts none'
  })
}
