import t, { type Test } from 'tap'
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createNetServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { freePort } from '../../support/redis-server.js'
import {
  checkWebhookSecret, parseRetryAfterMs, RESPONSE_SNIPPET_CHARS, WebhookSender, type WebhookRequest
} from '../../src/adapters/webhooks/webhook-sender.js'

const SECRET = `whsec_${randomBytes(32).toString('base64')}`

interface Seen { method: string, url: string, headers: IncomingHttpHeaders, body: string }
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void

/** A receiver whose answer each test scripts; it records every request it gets. */
async function receiver (t: Test, handler: Handler) {
  const seen: Seen[] = []
  let connections = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
      handler(req, res, body)
    })
  })
  server.on('connection', () => { connections++ })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise(resolve => server.close(resolve))
  })
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { base, url: `${base}/hooks`, seen, connections: () => connections }
}

function sender (t: Test, timeoutMs = 2000): WebhookSender {
  const s = new WebhookSender({ timeoutMs })
  t.teardown(() => s.close())
  return s
}

function event (url: string, over: Partial<WebhookRequest> = {}): WebhookRequest {
  const body = JSON.stringify({
    type: 'dossier.submitted-online',
    timestamp: '2025-07-01T01:15:00.000Z',
    data: { maHoSo: '000.00.12.H42-250701-50001', hoSo: { ChuHoSo: 'Nguyễn Văn An', SoDienThoai: '0912345678' } }
  })
  return { url, secret: SECRET, id: 'msg_2x9Kq', timestamp: new Date(), body, ...over }
}

/** The check of the Standard Webhooks spec, written out without the library. */
function verifyByHand (secret: string, headers: IncomingHttpHeaders, body: string, nowSeconds = Date.now() / 1000): boolean {
  const id = String(headers['webhook-id'])
  const ts = String(headers['webhook-timestamp'])
  if (!/^\d+$/.test(ts) || Math.abs(nowSeconds - Number(ts)) > 300) return false
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`, 'utf8').digest()
  return String(headers['webhook-signature']).split(' ').some(entry => {
    const [version, sig] = entry.split(',')
    if (version !== 'v1' || sig === undefined) return false
    const given = Buffer.from(sig, 'base64')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}

t.test('2xx: delivered, signed per Standard Webhooks', async t => {
  const rx = await receiver(t, (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok, thanks'))
  const s = sender(t)
  const req = event(rx.url, { timestamp: new Date('2025-07-01T01:15:00.900Z') })
  const r = await s.send(req)
  t.match(r, { outcome: 'delivered', status: 200, responseSnippet: 'ok, thanks' })
  t.equal(r.error, undefined)
  t.type(r.durationMs, 'number')
  const got = rx.seen[0]
  t.ok(got)
  if (got === undefined) return
  t.equal(got.method, 'POST')
  t.equal(got.url, '/hooks')
  t.equal(got.body, req.body, 'the exact bytes')
  t.equal(got.headers['content-type'], 'application/json')
  t.match(got.headers['user-agent'], /^lienthong-webhooks/)
  t.equal(got.headers['webhook-id'], 'msg_2x9Kq')
  t.equal(got.headers['webhook-timestamp'], '1751332500', 'Unix seconds of the timestamp given')
  t.match(got.headers['webhook-signature'], /^v1,[A-Za-z0-9+/]{43}=$/)
  t.ok(verifyByHand(SECRET, got.headers, got.body, 1751332500 + 10), 'an independent verifier accepts it')
  t.notOk(verifyByHand(`whsec_${randomBytes(32).toString('base64')}`, got.headers, got.body, 1751332500), 'and refuses another key')
  t.notOk(verifyByHand(SECRET, got.headers, got.body.replace('An', 'Ân'), 1751332500), 'and another body')
  t.notOk(JSON.stringify(r).includes('Nguyễn'), 'the request body is not in the result')

  // The library checks the timestamp against the clock: sign now for it.
  const fresh = event(rx.url)
  t.equal((await s.send(fresh)).outcome, 'delivered')
  const last = rx.seen[1]
  t.ok(last)
  if (last === undefined) return
  const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map(h => [h, String(last.headers[h])]))
  t.same(new Webhook(SECRET).verify(last.body, headers), JSON.parse(fresh.body), 'standardwebhooks verifies it')
  t.ok(verifyByHand(SECRET, last.headers, last.body))
  for (let i = 0; i < 4; i++) await s.send(event(rx.url))
  // undici may open a second socket when a send follows the previous reply at once.
  t.ok(rx.connections() <= 2, `keep-alive: ${rx.connections()} connections for 6 sends`)
})

t.test('204 and other 2xx: delivered without a snippet', async t => {
  const rx = await receiver(t, (_req, res) => res.writeHead(204).end())
  const r = await sender(t).send(event(rx.url))
  t.match(r, { outcome: 'delivered', status: 204 })
  t.notOk('responseSnippet' in r)
})

t.test('410: gone, at once', async t => {
  const rx = await receiver(t, (_req, res) => res.writeHead(410, { 'retry-after': '60' }).end('endpoint removed'))
  const r = await sender(t).send(event(rx.url))
  t.match(r, { outcome: 'gone', status: 410, error: 'HTTP 410', responseSnippet: 'endpoint removed' })
  t.notOk('retryAfterMs' in r, 'nothing to wait for')
})

t.test('503 and 429 with Retry-After (seconds, HTTP date, capped, invalid)', async t => {
  let retryAfter = '120'
  let status = 503
  const rx = await receiver(t, (_req, res) => res.writeHead(status, { 'retry-after': retryAfter }).end())
  const s = sender(t)
  t.match(await s.send(event(rx.url)), { outcome: 'retry', status: 503, retryAfterMs: 120_000, error: 'HTTP 503' })

  retryAfter = new Date(Date.now() + 90_000).toUTCString()
  const dated = await s.send(event(rx.url))
  t.equal(dated.outcome, 'retry')
  t.ok(dated.retryAfterMs !== undefined && dated.retryAfterMs > 85_000 && dated.retryAfterMs <= 90_000, `HTTP date: ${dated.retryAfterMs} ms`)

  status = 429
  retryAfter = '999999'
  t.match(await s.send(event(rx.url)), { outcome: 'retry', status: 429, retryAfterMs: 86_400_000, error: 'HTTP 429' })

  for (const bad of ['soon', '1.5', '-3', 'Sun, 99 Nov 1994 08:49:37 GMT']) {
    retryAfter = bad
    const r = await s.send(event(rx.url))
    t.equal(r.outcome, 'retry')
    t.notOk('retryAfterMs' in r, `"${bad}" ignored`)
  }
})

t.test('parseRetryAfterMs reads the three HTTP date forms', async t => {
  const now = Date.parse('1994-11-06T08:49:00Z')
  t.equal(parseRetryAfterMs('Sun, 06 Nov 1994 08:49:37 GMT', now), 37_000)
  t.equal(parseRetryAfterMs('Sunday, 06-Nov-94 08:49:37 GMT', now), 37_000)
  t.equal(parseRetryAfterMs('Sun Nov  6 08:49:37 1994', now), 37_000, 'asctime is GMT')
  t.equal(parseRetryAfterMs('Sun, 06 Nov 1994 08:48:00 GMT', now), 0, 'a date passed: no wait')
  t.equal(parseRetryAfterMs(['7', '9'], now), 7000)
  t.equal(parseRetryAfterMs(undefined, now), undefined)
  t.equal(parseRetryAfterMs('  ', now), undefined)
})

t.test('a receiver that never answers: timeout within the bound', async t => {
  const rx = await receiver(t, () => {})
  const r = await sender(t, 300).send(event(rx.url))
  t.match(r, { outcome: 'retry', error: 'timeout after 300 ms' })
  t.notOk('status' in r)
  t.ok(r.durationMs >= 250 && r.durationMs < 1500, `${r.durationMs} ms`)
})

t.test('a receiver that trickles its reply cannot hold the sender beyond timeoutMs', async t => {
  // A byte every 50 ms: undici's per-phase timeouts (idle time between bytes) would never fire.
  const timers = new Set<NodeJS.Timeout>()
  t.teardown(() => { for (const i of timers) clearInterval(i) })
  const rx = await receiver(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    const i = setInterval(() => res.write('.'), 50)
    timers.add(i)
    res.on('close', () => clearInterval(i))
  })
  const r = await sender(t, 400).send(event(rx.url))
  t.equal(r.outcome, 'delivered', 'the status had come: the receiver accepted the event')
  t.ok(r.durationMs >= 350 && r.durationMs < 1500, `${r.durationMs} ms`)
  t.match(r.responseSnippet, /^\.+$/, 'what came is kept')

  // Headers trickled byte by byte, on a raw socket.
  const sockets = new Set<Socket>()
  const raw = createNetServer(socket => {
    sockets.add(socket)
    socket.on('error', () => {})
    const head = 'HTTP/1.1 200 OK\r\nX-Slow: ' + 'a'.repeat(1000)
    let n = 0
    const i = setInterval(() => { if (!socket.destroyed) socket.write(head[n++ % head.length] ?? 'a') }, 50)
    timers.add(i)
    socket.on('close', () => clearInterval(i))
  })
  await new Promise<void>(resolve => raw.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    for (const s of sockets) s.destroy()
    return new Promise(resolve => raw.close(resolve))
  })
  const slow = await sender(t, 400).send(event(`http://127.0.0.1:${(raw.address() as AddressInfo).port}/hooks`))
  t.match(slow, { outcome: 'retry', error: 'timeout after 400 ms' })
  t.ok(slow.durationMs >= 350 && slow.durationMs < 1500, `${slow.durationMs} ms`)
})

t.test('refused connection and reset: retry, with a short reason free of the URL', async t => {
  const port = await freePort()
  const r = await sender(t).send(event(`http://127.0.0.1:${port}/hooks?token=QUERYSECRET`))
  t.match(r, { outcome: 'retry', error: 'ECONNREFUSED' })
  t.notOk('status' in r)
  const text = JSON.stringify(r)
  t.notOk(text.includes('QUERYSECRET'), 'no query string')
  t.notOk(text.includes(SECRET.slice(6, 20)), 'no secret')
  t.notOk(text.includes(String(port)), 'no address')

  const rx = await receiver(t, (req) => req.socket.destroy())
  const reset = await sender(t).send(event(`${rx.url}?token=QUERYSECRET`))
  t.equal(reset.outcome, 'retry')
  t.match(reset.error, /^(connection closed by the receiver|ECONNRESET|EPIPE)$/)
  t.notOk(JSON.stringify(reset).includes('QUERYSECRET'))
})

t.test('3xx: not followed, retried', async t => {
  const rx = await receiver(t, (req, res) => {
    if (req.url === '/hooks') res.writeHead(307, { location: '/elsewhere' }).end()
    else res.writeHead(200).end()
  })
  const r = await sender(t).send(event(rx.url))
  t.match(r, { outcome: 'retry', status: 307, error: 'HTTP 307 (redirects are not followed)' })
  t.same(rx.seen.map(s => s.url), ['/hooks'], 'the target of the redirect got nothing')
})

t.test('a large reply: 4 KiB read, a bounded one-line snippet kept', async t => {
  const big = 'Lỗi máy chủ\r\n\u001b[31m' + 'x'.repeat(5_000_000)
  const rx = await receiver(t, (_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end(big))
  const r = await sender(t).send(event(rx.url))
  t.match(r, { outcome: 'retry', status: 500, error: 'HTTP 500' })
  const snip = r.responseSnippet ?? ''
  t.ok(snip.startsWith('Lỗi máy chủ [31mxxx'), 'control characters gone, text kept')
  t.equal(snip.length, RESPONSE_SNIPPET_CHARS + 1, 'truncated, marked with …')
  t.ok(snip.endsWith('…'))
  t.ok(r.durationMs < 2000)
})

t.test('the snippet keeps no personal data, nor a reply quoting the event', async t => {
  let reply = ''
  const rx = await receiver(t, (_req, res) => res.writeHead(422).end(reply))
  const s = sender(t)
  reply = '{"error":"holder 042186001234 unknown, call 0912 345 678 or write to an.nguyen@example.vn","maHoSo":"000.00.12.H42-250701-50001"}'
  const r = await s.send(event(rx.url))
  t.equal(r.responseSnippet, '{"error":"holder [redacted] unknown, call [redacted] or write to [redacted]","maHoSo":"000.00.12.H42-250701-50001"}')

  const req = event(rx.url)
  reply = `invalid payload: ${req.body}`
  t.equal((await s.send(req)).responseSnippet, '[the reply quotes the delivered event: not kept]')
  reply = 'unknown holder Nguyễn Văn An'
  t.equal((await s.send(req)).responseSnippet, '[the reply quotes the delivered event: not kept]', 'a name from the event')
})

t.test('credentials in the URL become Basic auth', async t => {
  const rx = await receiver(t, (_req, res) => res.writeHead(204).end())
  const url = rx.url.replace('http://', 'http://sector:p%40ss@')
  t.match(await sender(t).send(event(url)), { outcome: 'delivered' })
  t.equal(rx.seen[0]?.headers.authorization, `Basic ${Buffer.from('sector:p@ss').toString('base64')}`)
})

t.test('a bad URL or secret is a retry with a reason, and nothing is sent', async t => {
  const rx = await receiver(t, (_req, res) => res.writeHead(204).end())
  const s = sender(t)
  t.match(await s.send(event('not a url')), { outcome: 'retry', error: 'invalid webhook URL' })
  t.match(await s.send(event('ftp://127.0.0.1/x')), { outcome: 'retry', error: 'invalid webhook URL' })
  const r = await s.send(event(rx.url, { secret: 'whsec_short' }))
  t.match(r, { outcome: 'retry', error: 'invalid webhook secret' })
  t.notOk(JSON.stringify(r).includes('short'))
  t.equal(rx.seen.length, 0)
})

t.test('close(): later sends are not attempted', async t => {
  const rx = await receiver(t, (_req, res) => res.writeHead(204).end())
  const s = new WebhookSender({ timeoutMs: 1000 })
  t.equal((await s.send(event(rx.url))).outcome, 'delivered')
  await s.close()
  t.match(await s.send(event(rx.url)), { outcome: 'retry', error: 'sender closed' })
  t.equal(rx.seen.length, 1)
})

t.test('checkWebhookSecret', async t => {
  for (const n of [24, 32, 64]) {
    const secret = `whsec_${randomBytes(n).toString('base64')}`
    t.equal(checkWebhookSecret(secret), undefined, `${n} bytes`)
    t.doesNotThrow(() => new Webhook(secret).sign('id', new Date(), '{}'), 'the library takes it')
  }
  t.match(checkWebhookSecret(randomBytes(32).toString('base64')), /whsec_/)
  t.match(checkWebhookSecret(`whsec_${randomBytes(23).toString('base64')}`), /23 bytes/)
  t.match(checkWebhookSecret(`whsec_${randomBytes(65).toString('base64')}`), /65 bytes/)
  t.match(checkWebhookSecret(`whsec_-_${randomBytes(30).toString('base64').slice(2)}`), /base64/, 'base64url is not accepted')
  t.match(checkWebhookSecret(`whsec_${randomBytes(32).toString('base64').replace(/=+$/, '')}`), /padded base64/)
  t.match(checkWebhookSecret('whsec_'), /base64|bytes/)
  t.match(checkWebhookSecret(`whsec_ ${randomBytes(32).toString('base64')}`), /base64/)
})
