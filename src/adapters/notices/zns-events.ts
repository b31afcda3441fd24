/**
 * Zalo's delivery events (the contract's "Delivery"): `X-ZEvent-Signature: mac=<hex SHA-256 of
 * app_id + raw body + timestamp + OA secret key>`, `timestamp` being the body's own string.
 * Anything that fails the check, or whose timestamp is more than 15 minutes away, is refused
 * (the route answers 401). Copies are the caller's to drop, by `msg_id`.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { isObject, str } from './http-json.js'

export const ZNS_EVENT_WINDOW_MS = 15 * 60_000

export interface ZnsEvent {
  eventName: string
  appId: string
  msgId?: string
  /** Epoch ms, when Zalo says the message reached the phone. */
  deliveryTime?: number
  /** Epoch ms of the event. */
  timestamp: number
}

export type ZnsEventCheck = { ok: true, event: ZnsEvent } | { ok: false, reason: string }

export function znsEventMac (appId: string, rawBody: string, timestamp: string, oaSecretKey: string): string {
  return createHash('sha256').update(appId + rawBody + timestamp + oaSecretKey, 'utf8').digest('hex')
}

/** Verifies and parses one event: `rawBody` exactly as received. */
export function verifyZnsEvent (rawBody: string, signatureHeader: string | undefined, o: { appId: string, oaSecretKey: string, now: number }): ZnsEventCheck {
  let body: unknown
  try {
    body = JSON.parse(rawBody)
  } catch {
    return { ok: false, reason: 'body is not JSON' }
  }
  if (!isObject(body)) return { ok: false, reason: 'body is not an object' }
  const timestamp = str(body.timestamp)
  if (timestamp === undefined || !/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: 'no timestamp' }
  const m = /^mac=([0-9a-f]{64})$/.exec(signatureHeader?.trim() ?? '')
  if (m === null) return { ok: false, reason: 'no X-ZEvent-Signature' }
  const want = Buffer.from(znsEventMac(o.appId, rawBody, timestamp, o.oaSecretKey), 'hex')
  if (!timingSafeEqual(want, Buffer.from(m[1] as string, 'hex'))) return { ok: false, reason: 'signature does not match' }
  const at = Number(timestamp)
  if (Math.abs(o.now - at) > ZNS_EVENT_WINDOW_MS) return { ok: false, reason: 'timestamp more than 15 minutes away' }
  if (str(body.app_id) !== o.appId) return { ok: false, reason: 'another app_id' }
  const message = isObject(body.message) ? body.message : {}
  const msgId = str(message.msg_id)
  const delivery = Number(str(message.delivery_time))
  return {
    ok: true,
    event: {
      eventName: typeof body.event_name === 'string' ? body.event_name : '',
      appId: o.appId,
      ...(msgId === undefined ? {} : { msgId }),
      ...(Number.isFinite(delivery) && delivery > 0 ? { deliveryTime: delivery } : {}),
      timestamp: at
    }
  }
}
