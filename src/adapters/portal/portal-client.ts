/**
 * Speaks the national portal's protocol (shared/contracts/portal-protocol.md) over undici.
 * Sessions are shared by every gateway process through Redis: log in once per session
 * lifetime, not once per call or per process. Transport failures become PortalTransportError;
 * application replies (error_code) are returned for the caller to interpret.
 */
import { Pool } from 'undici'
import type { RedisClient } from '../../store/redis/connection.js'
import { safeText, type Log as Logger } from '../../logger.js'
import { parseRetryAfter } from '../retry-after.js'

export interface PortalReply { error_code: string, message?: string, [k: string]: unknown }

export interface PortalCallResult { reply: PortalReply, httpStatus: number, durationMs: number }

export class PortalTransportError extends Error {
  readonly httpStatus: number | undefined
  readonly retryAfterMs: number | undefined
  constructor (message: string, opts: { httpStatus?: number, retryAfterMs?: number, cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'PortalTransportError'
    this.httpStatus = opts.httpStatus
    this.retryAfterMs = opts.retryAfterMs
  }
}

export interface PortalClientOptions {
  url: string
  username: string
  password: string
  timeoutMs: number
  connections: number
  redis: RedisClient
  sessionKey: string
  log: Logger
  /** A `Retry-After` longer than this is taken as this (BREAKER_MAX_COOLDOWN_MS). */
  maxRetryAfterMs: number
  /** Bytes of a reply read at most (PORTAL_MAX_REPLY_BYTES); a longer one is a transport failure. */
  maxReplyBytes: number
}

/**
 * What went wrong on the wire, for messages that end up in logs and attempt records: undici's
 * code and its message, scrubbed and bounded (it never needs the request or reply to say it).
 */
function transportDetail (err: unknown): string {
  const e = err as { code?: unknown, message?: unknown }
  const message = safeText(typeof e.message === 'string' ? e.message : String(err), 160)
  return typeof e.code === 'string' && !message.includes(e.code) ? `${e.code} ${message}` : message
}

export class PortalClient {
  private pendingLogin: Promise<string> | undefined
  private readonly pool: Pool
  private readonly basePath: string

  constructor (private readonly opts: PortalClientOptions) {
    const u = new URL(opts.url)
    this.basePath = u.pathname.replace(/\/$/, '')
    this.pool = new Pool(u.origin, {
      connections: opts.connections,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      connectTimeout: Math.min(opts.timeoutMs, 10_000),
      keepAliveTimeout: 10_000
    })
  }

  /** One `/service` call; on `401` logs in again and repeats the call once. */
  async call (body: Record<string, unknown> & { service: string, madonvi: string }): Promise<PortalCallResult> {
    const started = performance.now()
    let session = await this.session()
    let res = await this.post('/service', { session, ...body })
    if (res.reply.error_code === '401') {
      await this.dropSession(session)
      session = await this.session()
      res = await this.post('/service', { session, ...body })
    }
    return { ...res, durationMs: Math.round(performance.now() - started) }
  }

  async close (): Promise<void> {
    await this.pool.close()
  }

  private async session (): Promise<string> {
    const cached = await this.opts.redis.get(this.opts.sessionKey)
    if (cached !== null) return cached
    // Concurrent jobs of this process that find no session share one login. Processes still
    // log in once each at most: the session itself lives in Redis.
    this.pendingLogin ??= this.login().finally(() => { this.pendingLogin = undefined })
    return await this.pendingLogin
  }

  private async login (): Promise<string> {
    const { reply } = await this.post('/auth', { username: this.opts.username, password: this.opts.password })
    if (reply.error_code !== '0' || typeof reply.session !== 'string') {
      throw new PortalTransportError(`portal login refused (error_code ${reply.error_code})`)
    }
    const ttlSec = typeof reply.expires_in === 'number' ? reply.expires_in : 3600
    // Renew a little before the portal's own expiry so calls rarely meet a 401.
    const ttlMs = Math.max(1000, Math.floor(ttlSec * 1000 * 0.9))
    await this.opts.redis.set(this.opts.sessionKey, reply.session, 'PX', ttlMs)
    this.opts.log.info({ ttlMs }, 'portal session opened')
    return reply.session
  }

  private async dropSession (session: string): Promise<void> {
    // Only the session we used: another process may already have logged in again.
    if (await this.opts.redis.get(this.opts.sessionKey) === session) await this.opts.redis.del(this.opts.sessionKey)
  }

  private async post (path: string, payload: Record<string, unknown>): Promise<{ reply: PortalReply, httpStatus: number }> {
    let res
    try {
      res = await this.pool.request({
        path: this.basePath + path,
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(payload)
      })
    } catch (err) {
      throw new PortalTransportError(`portal unreachable: ${transportDetail(err)}`, { cause: err })
    }
    const status = res.statusCode
    const text = await this.readBounded(res.body, res.headers['content-length'], status)
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(res.headers['retry-after'], this.opts.maxRetryAfterMs)
      throw new PortalTransportError('portal rate limit (429)', { httpStatus: status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })
    }
    // The reply body is never put in a message: a portal or proxy may echo the request (the dossier).
    if (status !== 200) throw new PortalTransportError(`portal HTTP ${status}`, { httpStatus: status })
    let reply: unknown
    try {
      reply = JSON.parse(text)
    } catch {
      throw new PortalTransportError('portal reply is not JSON', { httpStatus: status })
    }
    if (reply === null || typeof reply !== 'object' || typeof (reply as PortalReply).error_code !== 'string') {
      throw new PortalTransportError('portal reply has no error_code', { httpStatus: status })
    }
    return { reply: reply as PortalReply, httpStatus: status }
  }

  /**
   * The reply as text, at most maxReplyBytes: a longer one (declared or streamed) is dropped with
   * its connection and is a transport failure, so the call is retried like a reply cut short
   * (a create that did land then meets `-3`, which counts as delivered). Never buffered whole.
   */
  private async readBounded (body: AsyncIterable<Buffer> & { destroy: (err?: Error) => unknown }, declared: string | string[] | undefined, status: number): Promise<string> {
    const limit = this.opts.maxReplyBytes
    const tooLarge = (): PortalTransportError => {
      body.destroy()
      return new PortalTransportError(`portal reply larger than ${limit} bytes`, { httpStatus: status })
    }
    const length = Number(Array.isArray(declared) ? declared[0] : declared)
    if (Number.isFinite(length) && length > limit) throw tooLarge()
    const chunks: Buffer[] = []
    let size = 0
    try {
      for await (const chunk of body) {
        size += chunk.length
        if (size > limit) throw tooLarge()
        chunks.push(chunk)
      }
    } catch (err) {
      if (err instanceof PortalTransportError) throw err
      throw new PortalTransportError(`portal reply interrupted: ${transportDetail(err)}`, { httpStatus: status, cause: err })
    }
    return Buffer.concat(chunks, size).toString('utf8')
  }
}
