/**
 * Delivers one event to a sector system's webhook, signed per Standard Webhooks
 * (https://www.standardwebhooks.com), and says what the queue should do next. It never throws
 * for anything the receiver or the network does: every failure is an outcome.
 *
 * The receiver is outside our control, so everything about the call is bounded: the time (an
 * overall deadline, since undici's timeouts are per phase and a receiver trickling a byte at a
 * time would reset them), the bytes read back, and redirects (never followed: the signature is
 * for one URL, and a redirect could point the event, dossier and all, anywhere).
 */
import { Agent } from 'undici'
import { Webhook } from 'standardwebhooks'
import { MAX_RETRY_AFTER_MS } from '../../domain/webhook-schedule.js'
import { parseRetryAfter } from '../retry-after.js'

export interface WebhookSenderOptions {
  /** Bound of the whole call: connect, send, headers and the part of the body read. */
  timeoutMs: number
  /** Sockets per receiver origin; default 10. */
  connections?: number
  userAgent?: string
}

export interface WebhookRequest {
  url: string
  /** `whsec_` + base64 key (see checkWebhookSecret). */
  secret: string
  /** The event's id, the same on every attempt: receivers dedupe on it. */
  id: string
  /** Signing time: now, on every attempt, so that a retry falls inside the receiver's window. */
  timestamp: Date
  body: string
}

export interface WebhookResult {
  outcome: 'delivered' | 'retry' | 'gone'
  status?: number
  retryAfterMs?: number
  /** A short reason (`HTTP 503`, `timeout after 10000 ms`, `ECONNREFUSED`): never the URL or the secret. */
  error?: string
  durationMs: number
  /** The start of the receiver's reply, for the admin: one line, personal numbers cut. */
  responseSnippet?: string
}

/** Bytes of the reply read at most; the rest is dropped with the connection. */
export const RESPONSE_READ_LIMIT = 4096
/** Characters of the reply kept in `responseSnippet`. */
export const RESPONSE_SNIPPET_CHARS = 1000
export const DEFAULT_USER_AGENT = 'lienthong-webhooks/1'

const ECHO_NOTE = '[the reply quotes the delivered event: not kept]'

/** Why `secret` is not a usable signing secret (`whsec_` + base64 of 24..64 bytes); undefined when it is. */
export function checkWebhookSecret (secret: string): string | undefined {
  if (typeof secret !== 'string') return 'must be a string'
  if (!secret.startsWith('whsec_')) return 'must start with "whsec_"'
  const b64 = secret.slice('whsec_'.length)
  // Canonical padded base64 only: lenient decoders differ on the rest, and the receiver must
  // derive exactly the key we sign with.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0 || Buffer.from(b64, 'base64').toString('base64') !== b64) {
    return 'must be "whsec_" followed by standard padded base64'
  }
  const bytes = Buffer.from(b64, 'base64').length
  if (bytes < 24 || bytes > 64) return `the key is ${bytes} bytes; 24 to 64 are required`
  return undefined
}

/**
 * `Retry-After` as milliseconds from `now`, capped at MAX_RETRY_AFTER_MS (24 h): the shared
 * parser (src/adapters/retry-after.ts) with the webhooks' own cap.
 */
export function parseRetryAfterMs (value: string | string[] | undefined, now = Date.now()): number | undefined {
  return parseRetryAfter(value, MAX_RETRY_AFTER_MS, now)
}

export class WebhookSender {
  readonly #agent: Agent
  readonly #timeoutMs: number
  readonly #connectTimeoutMs: number
  readonly #userAgent: string
  #closed = false

  constructor (opts: WebhookSenderOptions) {
    if (!(opts.timeoutMs > 0)) throw new RangeError('timeoutMs must be positive')
    this.#timeoutMs = opts.timeoutMs
    this.#connectTimeoutMs = Math.min(opts.timeoutMs, 10_000)
    this.#userAgent = opts.userAgent ?? DEFAULT_USER_AGENT
    this.#agent = new Agent({
      connections: opts.connections ?? 10,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      connect: { timeout: this.#connectTimeoutMs },
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000
    })
  }

  async send (req: WebhookRequest): Promise<WebhookResult> {
    const started = performance.now()
    const done = (r: Omit<WebhookResult, 'durationMs'>): WebhookResult => ({ ...r, durationMs: Math.round(performance.now() - started) })
    if (this.#closed) return done({ outcome: 'retry', error: 'sender closed' })
    let url: URL
    try {
      url = new URL(req.url)
    } catch {
      return done({ outcome: 'retry', error: 'invalid webhook URL' })
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return done({ outcome: 'retry', error: 'invalid webhook URL' })
    if (checkWebhookSecret(req.secret) !== undefined) return done({ outcome: 'retry', error: 'invalid webhook secret' })

    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': this.#userAgent,
      'webhook-id': req.id,
      'webhook-timestamp': String(Math.floor(req.timestamp.getTime() / 1000)),
      'webhook-signature': new Webhook(req.secret).sign(req.id, req.timestamp, req.body)
    }
    // Credentials in the URL (https://user:pass@host/) are a common way to protect a receiver.
    if (url.username !== '' || url.password !== '') {
      const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
      headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`
    }

    const deadline = AbortSignal.timeout(this.#timeoutMs)
    let res
    try {
      res = await this.#agent.request({
        origin: url.origin, path: `${url.pathname}${url.search}`, method: 'POST', headers, body: req.body, signal: deadline
      })
    } catch (err) {
      return done({ outcome: 'retry', error: this.#reason(err, deadline) })
    }

    const status = res.statusCode
    const text = await readStart(res.body)
    const snippet = text === '' ? undefined : snippetOf(text, req.body)
    const base = { status, ...(snippet === undefined ? {} : { responseSnippet: snippet }) }
    if (status >= 200 && status < 300) return done({ outcome: 'delivered', ...base })
    if (status === 410) return done({ outcome: 'gone', ...base, error: 'HTTP 410' })
    const retryAfterMs = parseRetryAfterMs(res.headers['retry-after'])
    return done({
      outcome: 'retry',
      ...base,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      error: status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`
    })
  }

  /** Waits for the calls in flight (each bounded by timeoutMs), then closes the sockets. */
  async close (): Promise<void> {
    this.#closed = true
    await this.#agent.close()
  }

  /** What failed, from error codes only: undici's messages may quote the host and port. */
  #reason (err: unknown, deadline: AbortSignal): string {
    const timeout = `timeout after ${this.#timeoutMs} ms`
    if (deadline.aborted) return timeout
    const code = errorCode(err)
    switch (code) {
      case 'UND_ERR_HEADERS_TIMEOUT':
      case 'UND_ERR_BODY_TIMEOUT':
        return timeout
      case 'UND_ERR_CONNECT_TIMEOUT':
        return `connect timeout after ${this.#connectTimeoutMs} ms`
      case 'UND_ERR_SOCKET':
        return 'connection closed by the receiver'
      case undefined:
        return err instanceof Error && /^\w{1,40}$/.test(err.name) ? err.name : 'request failed'
      default:
        return code
    }
  }
}

function errorCode (err: unknown): string | undefined {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code
  }
  return undefined
}

/**
 * The first RESPONSE_READ_LIMIT bytes of the reply, as text. Leaving the loop early destroys
 * the stream, so a large reply costs its connection rather than the time to read it; a failure
 * mid-body (deadline, reset) keeps what came, since the status has already decided.
 */
async function readStart (body: AsyncIterable<Buffer> & { destroy: () => unknown }): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  let cut = false
  try {
    for await (const chunk of body) {
      chunks.push(chunk)
      size += chunk.length
      if (size >= RESPONSE_READ_LIMIT) {
        cut = size > RESPONSE_READ_LIMIT
        break
      }
    }
  } catch {
    cut = true
  }
  // Destroying a body read to its end would cost the connection its keep-alive.
  if (cut || size >= RESPONSE_READ_LIMIT) body.destroy()
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, RESPONSE_READ_LIMIT))
  // A multi-byte character split at the limit decodes as U+FFFD.
  return cut ? text.replace(/\uFFFD$/, '') : text
}

/** Dossier codes stay; e-mail addresses and runs of 9+ digits (IDs, phones) go (as in src/logger.ts). */
const PERSONAL = /(?<code>\b[\w.]+-\d{6}-\d{5}\b)|(?<email>[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)|(?<number>[+(]{0,2}\p{Nd}(?:[\s.()/-]{0,3}\p{Nd}){8,})/gu

/**
 * The reply as one line for the admin. A receiver (or a proxy) that quotes the request back
 * would put the citizen's data in it, so such a reply is not kept.
 */
function snippetOf (text: string, requestBody: string): string | undefined {
  if (echoes(text, requestBody)) return ECHO_NOTE
  const line = text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ').replace(/\s+/g, ' ').trim()
  if (line === '') return undefined
  const scrubbed = line.replace(PERSONAL, (m: string, code?: string) => code ?? '[redacted]')
  return scrubbed.length > RESPONSE_SNIPPET_CHARS ? `${scrubbed.slice(0, RESPONSE_SNIPPET_CHARS)}…` : scrubbed
}

/** Whether the reply contains a stretch of the request, or any of its free-text values (names, addresses, summaries). */
function echoes (reply: string, requestBody: string): boolean {
  if (reply.length >= 32 && requestBody.includes(reply.slice(0, 32))) return true
  let parsed: unknown
  try {
    parsed = JSON.parse(requestBody)
  } catch {
    return false
  }
  const stack: unknown[] = [parsed]
  while (stack.length > 0) {
    const v = stack.pop()
    if (typeof v === 'string') {
      // Free text has a space or a non-ASCII letter; codes, types, dates and URLs have neither.
      if (v.length >= 5 && /[\s\u0080-\uFFFF]/.test(v) && reply.includes(v)) return true
    } else if (typeof v === 'object' && v !== null) {
      stack.push(...Object.values(v))
    }
  }
  return false
}
