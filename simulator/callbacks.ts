/**
 * Callbacks from the portal to the gateway, signed as the protocol's "Callbacks" section says:
 * `X-Portal-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`, retried until a 2xx.
 */
import { createHmac, randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'

export interface CallbackEvent {
  /** Generated when absent. */
  MaSuKien?: string
  LoaiSuKien: string
  MaHoSo: string
  /** `yyyyMMddHHmmss`, local time; now when absent. */
  ThoiDiem?: string
  DuLieu: unknown
}

export interface CallbackRequest {
  url: string
  event: CallbackEvent
  /** 1..20, default 5. */
  maxAttempts?: number
  /** Added to the real timestamp, to test the receiver's ±300 s window. */
  timestampSkewSeconds?: number
  /** Sends a signature that does not verify. */
  badSignature?: boolean
  /** Overrides the simulator's callback secret for this callback. */
  secret?: string
}

export interface CallbackAttempt {
  attempt: number
  timestamp: number
  /** HTTP status, or null when the request failed before a reply. */
  status: number | null
  error?: string
  durationMs: number
}

export interface CallbackResult {
  delivered: boolean
  MaSuKien: string
  finalStatus: number | null
  attempts: CallbackAttempt[]
  /** The exact JSON that was signed and sent. */
  body: string
}

export interface CallbackSendOptions {
  secret: string
  now: () => number
  backoffMs: number
  timeoutMs: number
  signal?: AbortSignal
}

const MAX_BACKOFF_MS = 2000
const VN_OFFSET_MS = 7 * 3600 * 1000

/** The `X-Portal-Signature` header value for a body sent with `X-Portal-Timestamp: timestamp`. */
export function signCallback (secret: string, timestamp: number | string, rawBody: string | Buffer): string {
  const hmac = createHmac('sha256', secret)
  hmac.update(`${timestamp}.`)
  hmac.update(rawBody)
  return `sha256=${hmac.digest('hex')}`
}

/** Epoch ms as the protocol writes dates: `yyyyMMddHHmmss` in Asia/Ho_Chi_Minh (UTC+07:00, no DST). */
export function portalDate (epochMs: number): string {
  return new Date(epochMs + VN_OFFSET_MS).toISOString().slice(0, 19).replace(/\D/g, '')
}

export function callbackBody (event: CallbackEvent, now: number): { MaSuKien: string, body: string } {
  const MaSuKien = event.MaSuKien ?? randomUUID()
  const body = JSON.stringify({
    MaSuKien,
    LoaiSuKien: event.LoaiSuKien,
    MaHoSo: event.MaHoSo,
    ThoiDiem: event.ThoiDiem ?? portalDate(now),
    DuLieu: event.DuLieu
  })
  return { MaSuKien, body }
}

/** Sends one callback, retrying with a short doubling backoff until a 2xx or `maxAttempts`. */
export async function sendCallback (req: CallbackRequest, opts: CallbackSendOptions): Promise<CallbackResult> {
  const maxAttempts = Math.min(Math.max(Math.trunc(req.maxAttempts ?? 5), 1), 20)
  const secret = req.secret ?? opts.secret
  const { MaSuKien, body } = callbackBody(req.event, opts.now())
  const attempts: CallbackAttempt[] = []

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1) {
      const delay = Math.min(opts.backoffMs * 2 ** (attempt - 2), MAX_BACKOFF_MS)
      try {
        await sleep(delay, undefined, opts.signal === undefined ? {} : { signal: opts.signal })
      } catch {
        break
      }
    }
    // Signed afresh per attempt, as a retrying sender would, so that retries stay inside the window.
    const timestamp = Math.floor(opts.now() / 1000) + Math.trunc(req.timestampSkewSeconds ?? 0)
    let signature = signCallback(secret, timestamp, body)
    if (req.badSignature === true) signature = signCallback(`${secret}-wrong`, timestamp, body)
    const started = performance.now()
    const signals = [AbortSignal.timeout(opts.timeoutMs), ...(opts.signal === undefined ? [] : [opts.signal])]
    try {
      const res = await request(req.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-portal-timestamp': String(timestamp),
          'x-portal-signature': signature
        },
        body,
        signal: AbortSignal.any(signals)
      })
      await res.body.dump()
      attempts.push({ attempt, timestamp, status: res.statusCode, durationMs: Math.round(performance.now() - started) })
      if (res.statusCode >= 200 && res.statusCode < 300) break
    } catch (err) {
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
      attempts.push({ attempt, timestamp, status: null, error, durationMs: Math.round(performance.now() - started) })
      if (opts.signal?.aborted === true) break
    }
  }
  const finalStatus = attempts.at(-1)?.status ?? null
  return {
    delivered: finalStatus !== null && finalStatus >= 200 && finalStatus < 300,
    MaSuKien,
    finalStatus,
    attempts,
    body
  }
}
