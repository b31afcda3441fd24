/**
 * The benchmark's baseline: bare Fastify that validates a body against a JSON schema and does
 * one BullMQ `add` per request on the same Redis. What the gateway adds on top of it (auth,
 * rate limit, parsing, mapping, the dossier store) is what the ratio measures.
 *
 * `/intake-xml` is a second reference, not the target's baseline: the same, but the body is
 * parsed by xml2js with the options the gateway needs (namespaces, document order). It shows how
 * much of the XML gap is the parser the project fixed, and how much is the gateway's own work.
 *
 * `/callback` is the baseline of signed portal callbacks: the least a receiver must do, i.e.
 * check the HMAC over the raw body, parse it, and record the event id once (SET NX) in Redis.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import Fastify from 'fastify'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import xml2js from 'xml2js'

const port = Number(process.env.PORT ?? 0)
const queue = new Queue('baseline', { connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }, prefix: '{bench-baseline}' })
const app = Fastify({ logger: false })

const person = { type: 'object', required: ['hoTen'], properties: { hoTen: { type: 'string', maxLength: 200 } } }
app.post('/intake', {
  schema: {
    body: {
      type: 'object',
      required: ['soBienNhan', 'maThuTuc', 'loaiViec', 'coQuanDangKy', 'kenhNop', 'ngayTiepNhan', 'ngayHenTra', 'trangThai', 'nguoiYeuCau'],
      properties: {
        soBienNhan: { type: 'string', maxLength: 100 },
        maThuTuc: { type: 'string', pattern: '^\\d\\.\\d{6}' },
        loaiViec: { enum: ['KHAI_SINH', 'KHAI_TU', 'KET_HON', 'XAC_NHAN_TTHN'] },
        coQuanDangKy: { type: 'object', required: ['maDinhDanh', 'maXa'], properties: { maDinhDanh: { type: 'string' }, maXa: { type: 'string', pattern: '^\\d{5}$' } } },
        kenhNop: { enum: ['TRUC_TIEP', 'TRUC_TUYEN', 'BUU_CHINH'] },
        ngayTiepNhan: { type: 'string', format: 'date-time' },
        ngayHenTra: { type: 'string' },
        trangThai: { type: 'string' },
        nguoiYeuCau: person,
        tepDinhKem: { type: 'array', maxItems: 100 }
      }
    }
  }
}, async (req, reply) => {
  await queue.add('intake', req.body)
  return reply.code(202).send({ ok: true })
})

const X2J: xml2js.ParserOptions = { strict: true, xmlns: true, explicitChildren: true, preserveChildrenOrder: true }
app.addContentTypeParser('application/xml', { parseAs: 'string' }, (_req, body, done) => {
  xml2js.parseString(body as string, X2J, (err: Error | null, doc: unknown) => { done(err, doc) })
})
app.post('/intake-xml', async (req, reply) => {
  await queue.add('intake', req.body)
  return reply.code(202).send({ ok: true })
})

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const secret = process.env.PORTAL_CALLBACK_SECRET ?? 'lienthong-callback-dev'
await app.register(async (scope) => {
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })
  scope.post('/callback', async (req, reply) => {
    const body = req.body as Buffer
    const ts = String(req.headers['x-portal-timestamp'] ?? '')
    const given = Buffer.from(String(req.headers['x-portal-signature'] ?? '').slice('sha256='.length), 'hex')
    const expected = createHmac('sha256', secret).update(`${ts}.`).update(body).digest()
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return await reply.code(401).send({ ok: false })
    const event = JSON.parse(body.toString('utf8')) as { MaSuKien: string }
    const fresh = await redis.set(`bench-baseline:evt:${event.MaSuKien}`, '1', 'PX', 86_400_000, 'NX')
    return await reply.code(200).send({ result: fresh === null ? 'duplicate' : 'applied' })
  })
})

await app.listen({ host: '127.0.0.1', port })
process.on('SIGTERM', () => {
  app.close().then(async () => { await queue.close(); redis.disconnect(); process.exit(0) }, () => { process.exit(1) })
})
