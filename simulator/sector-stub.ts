/**
 * A sector system's webhook receiver, for tests, the demo and benchmarks: it verifies each
 * delivery as a real receiver must (Standard Webhooks, over the exact bytes received), records
 * the ones it accepts, and answers as scripted so that retries, Retry-After, timeouts and gone
 * endpoints can be exercised. node:http rather than Fastify: the raw body is all it needs.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

export interface ReceivedWebhook {
  /** `webhook-id`: the event's id. */
  id: string
  /** `webhook-timestamp`, Unix seconds. */
  timestamp: number
  type: string
  data: unknown
  /** The raw body as received. */
  body: string
  /** `webhook-signature` as received, for checks by another verifier. */
  signature: string
  /** Epoch ms when it was accepted. */
  at: number
}

/** The stub's next replies; a new behaviour replaces the one in force. */
export interface StubBehaviour {
  /** Answer this instead of 204. */
  status?: number
  /** For the next N deliveries, then back to normal; default: until changed. */
  times?: number
  /** Sent as `Retry-After` with the scripted status. */
  retryAfterSeconds?: number
  /** Answer after this delay. */
  delayMs?: number
  /** Never answer (the connection stays open until the sender gives up or close()). */
  hang?: boolean
}

export interface SectorStubOptions {
  /** The `whsec_…` secret the gateway signs with for this receiver. */
  secret: string
  /** Default 0: any free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Default `/webhooks`. */
  path?: string
  /** Default true; false accepts any signature (to look at what a misconfigured gateway sends). */
  verify?: boolean
}

export interface SectorStub {
  /** Full URL of the webhook path. */
  url: string
  /** Verified deliveries answered 2xx, in arrival order; the same id twice is recorded twice. */
  received: ReceivedWebhook[]
  /** Deliveries refused with 401 because their signature (or timestamp) did not verify. */
  readonly rejected: number
  setBehaviour (b: StubBehaviour): void
  /** Resolves once `pred(received)` holds; rejects after `timeoutMs` (default 5000) or on close(). */
  waitFor (pred: (r: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<void>
  /** Stops listening and cuts every connection, hung ones included. */
  close (): Promise<void>
}

const MAX_BODY_BYTES = 10 * 1024 * 1024

interface Waiter {
  pred: (r: ReceivedWebhook[]) => boolean
  resolve: () => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout
}

export async function startSectorStub (opts: SectorStubOptions): Promise<SectorStub> {
  const path = opts.path ?? '/webhooks'
  const host = opts.host ?? '127.0.0.1'
  const verifier = opts.verify === false ? undefined : new Webhook(opts.secret)
  const received: ReceivedWebhook[] = []
  const waiters = new Set<Waiter>()
  // Delayed replies, so that close() can end them at once.
  const delays = new Map<NodeJS.Timeout, () => void>()
  let rejected = 0
  let behaviour: StubBehaviour = {}
  let remaining = Number.POSITIVE_INFINITY
  let closed = false

  /** The behaviour for this delivery, counting down `times`. */
  function next (): StubBehaviour {
    if (remaining <= 0) return {}
    remaining--
    const b = behaviour
    if (remaining <= 0) behaviour = {}
    return b
  }

  function settle (): void {
    for (const w of waiters) {
      if (!w.pred(received)) continue
      clearTimeout(w.timer)
      waiters.delete(w)
      w.resolve()
    }
  }

  function answer (res: ServerResponse, status: number, extra: Record<string, string> = {}, text = ''): void {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...extra }).end(text)
  }

  async function handle (req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const body = raw.toString('utf8')
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? '')
    }
    if (verifier !== undefined) {
      try {
        verifier.verify(body, headers, { jsonParse: false })
      } catch {
        rejected++
        answer(res, 401, {}, 'signature does not verify')
        return
      }
    }
    let envelope: { type?: unknown, data?: unknown }
    try {
      envelope = JSON.parse(body) as { type?: unknown, data?: unknown }
    } catch {
      answer(res, 400, {}, 'body is not JSON')
      return
    }
    if (typeof envelope !== 'object' || envelope === null || typeof envelope.type !== 'string') {
      answer(res, 400, {}, 'body has no "type"')
      return
    }

    const b = next()
    if (b.hang === true) return
    if (b.delayMs !== undefined && b.delayMs > 0) {
      await new Promise<void>(resolve => {
        const t = setTimeout(() => { delays.delete(t); resolve() }, b.delayMs)
        delays.set(t, resolve)
      })
    }
    // A sender that gave up during the delay never sees an answer: the delivery did not happen.
    if (closed || res.destroyed || req.socket.destroyed) return
    const status = b.status ?? 204
    const extra: Record<string, string> = b.retryAfterSeconds === undefined ? {} : { 'retry-after': String(b.retryAfterSeconds) }
    if (status >= 200 && status < 300) {
      received.push({
        id: headers['webhook-id'],
        timestamp: Number(headers['webhook-timestamp']),
        type: envelope.type,
        data: envelope.data,
        body,
        signature: headers['webhook-signature'],
        at: Date.now()
      })
      settle()
    }
    answer(res, status, extra)
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub')
    if (url.pathname !== path) {
      answer(res, 404, {}, 'not found')
      return
    }
    if (req.method !== 'POST') {
      answer(res, 405, { allow: 'POST' }, 'method not allowed')
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY_BYTES) {
        answer(res, 413, { connection: 'close' }, 'too large')
        req.destroy()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return
      handle(req, res, Buffer.concat(chunks)).catch(() => { if (!res.headersSent) answer(res, 500) })
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const hostInUrl = host.includes(':') ? `[${host}]` : host
  let closing: Promise<void> | undefined

  return {
    url: `http://${hostInUrl}:${port}${path}`,
    received,
    get rejected () { return rejected },
    setBehaviour (b) {
      behaviour = b
      remaining = b.times ?? Number.POSITIVE_INFINITY
    },
    waitFor (pred, timeoutMs = 5000) {
      if (pred(received)) return Promise.resolve()
      if (closed) return Promise.reject(new Error('sector stub is closed'))
      return new Promise<void>((resolve, reject) => {
        const w: Waiter = {
          pred,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(w)
            reject(new Error(`sector stub: condition not met after ${timeoutMs} ms (${received.length} received, ${rejected} rejected)`))
          }, timeoutMs)
        }
        waiters.add(w)
      })
    },
    close () {
      closing ??= new Promise<void>(resolve => {
        closed = true
        for (const [t, wake] of delays) {
          clearTimeout(t)
          wake()
        }
        delays.clear()
        for (const w of waiters) {
          clearTimeout(w.timer)
          w.reject(new Error('sector stub is closed'))
        }
        waiters.clear()
        server.close(() => { resolve() })
        // Hung and delayed replies never end by themselves.
        server.closeAllConnections()
      })
      return closing
    }
  }
}
