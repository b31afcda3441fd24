/**
 * One bounded JSON call to a notice provider (ZNS, its OAuth server, the SMS provider), on a
 * shared undici Agent. The whole call has one deadline and the reply is read up to a limit. It
 * never throws for the network: it says whether the request can have reached the provider
 * (`lost`), which decides between "retry" and "sent-unconfirmed" for providers without an
 * idempotency key. Reasons are built from error codes only: undici's messages can quote URLs,
 * and a provider's URL or reply may carry a key or a phone.
 */
import { Agent } from 'undici'

export const REPLY_READ_LIMIT = 64 * 1024

export type JsonReply =
  | { ok: true, status: number, json: unknown }
  /** `lost`: the request may have been taken (sent, then the answer never came or was unreadable). */
  | { ok: false, lost: boolean, reason: string, status?: number }

export function providerAgent (connections: number, timeoutMs: number): Agent {
  return new Agent({
    connections,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: Math.min(timeoutMs, 10_000) },
    keepAliveTimeout: 10_000
  })
}

/** Errors that mean the request never left: nothing can have been taken. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED'])

export async function callJson (agent: Agent, target: string, opts: { method: 'GET' | 'POST', headers: Record<string, string>, body?: string, timeoutMs: number }): Promise<JsonReply> {
  let url: URL
  try {
    url = new URL(target)
  } catch {
    return { ok: false, lost: false, reason: 'invalid provider URL' }
  }
  const deadline = AbortSignal.timeout(opts.timeoutMs)
  let res
  try {
    res = await agent.request({
      origin: url.origin, path: `${url.pathname}${url.search}`, method: opts.method, headers: opts.headers, body: opts.body, signal: deadline
    })
  } catch (err) {
    const code = deadline.aborted ? 'timeout' : errorCodeOf(err) ?? 'request failed'
    return { ok: false, lost: !NOT_SENT.has(code), reason: code === 'timeout' ? `timeout after ${opts.timeoutMs} ms` : code }
  }
  let text = ''
  try {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      chunks.push(chunk)
      size += chunk.length
      if (size > REPLY_READ_LIMIT) return { ok: false, lost: true, reason: `reply over ${REPLY_READ_LIMIT} bytes`, status: res.statusCode }
    }
    text = Buffer.concat(chunks).toString('utf8')
  } catch {
    return { ok: false, lost: true, reason: 'reply cut off', status: res.statusCode }
  }
  // A proxy's 500, 502 or 504 may come after the provider took the call; 429 and 503 refuse it.
  if (res.statusCode !== 200) return { ok: false, lost: [500, 502, 504].includes(res.statusCode), reason: `HTTP ${res.statusCode}`, status: res.statusCode }
  try {
    return { ok: true, status: res.statusCode, json: JSON.parse(text) }
  } catch {
    return { ok: false, lost: true, reason: 'reply is not JSON', status: res.statusCode }
  }
}

function errorCodeOf (err: unknown): string | undefined {
  let e: unknown = err
  for (let depth = 0; depth < 3 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** A provider's value as a string, whatever JSON type it came as (`"100"` or `100`). */
export function str (v: unknown): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  return undefined
}

export function isObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
