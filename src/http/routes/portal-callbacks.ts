/**
 * `POST /v1/portal/callbacks`: the portal tells the gateway what happened on its side
 * (portal-protocol.md, "Callbacks"). The signature is checked on the raw bytes before anything
 * else; only then is the body read. The portal retries until it gets a 2xx, so a duplicate
 * answers 200 too, and a callback for a code nobody here knows is kept (200) for admins.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import sjson from 'secure-json-parse'
import { Errors, InputError } from '../../domain/errors.js'
import { errorReplies } from '../schemas.js'
import { firstInvalidUtf8 } from '../../adapters/utf8.js'
import { parseCallback } from '../../mappings/schemas/portal-callback.js'
import { callbacksNotConfigured, verifyPortalSignature } from '../../services/callbacks/callback-auth.js'

export const CallbackReply = Type.Object({
  maSuKien: Type.String(),
  maHoSo: Type.String(),
  result: Type.String({ description: 'applied, duplicate, unmatched; for HoSoMoi created, known, conflict, incomplete (kept for admins as sent: a field missing or invalid)' }),
  state: Type.Optional(Type.String({ description: 'HoSoMoi: delivered (routed to a sector system) or unrouted' }))
})

export default async function portalCallbackRoutes (app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers()
  // Bytes, whatever the declared type: the signature covers the exact body.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })
  const service = app.callbacks

  app.post('/v1/portal/callbacks', {
    schema: {
      tags: ['portal'],
      summary: 'Callback from the national portal',
      description: 'No API key: the portal signs each callback with `X-Portal-Timestamp` (Unix seconds, within 300 s of the gateway clock) and ' +
        '`X-Portal-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the shared secret>`, checked before the body is read; ' +
        'missing, wrong or stale answers 401. / Không dùng khóa API: Cổng ký từng lời gọi bằng hai tiêu đề trên; thiếu, sai hoặc quá hạn trả về 401.',
      response: { 200: CallbackReply, ...errorReplies }
    },
    config: { auth: 'portal-signature', rateLimit: { max: app.config.CALLBACK_RATE_LIMIT_MAX, timeWindow: app.config.RATE_LIMIT_WINDOW_MS } }
  }, async (req, reply) => {
    const secret = app.config.PORTAL_CALLBACK_SECRET
    if (secret === undefined) throw callbacksNotConfigured()
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
    const v = verifyPortalSignature({
      secret, timestamp: req.headers['x-portal-timestamp'], signature: req.headers['x-portal-signature'], body, nowMs: Date.now()
    })
    if (!v.ok) {
      app.metrics.callbacksRefused.inc({ reason: v.reason })
      req.log.warn({ reason: v.reason }, 'portal callback refused')
      throw v.error
    }
    const bad = firstInvalidUtf8(body)
    if (bad >= 0) throw Errors.badEncoding(bad, body[bad])
    const text = body.toString('utf8')
    let doc: unknown
    try {
      doc = sjson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' })
    } catch (err) {
      throw Errors.badJson((err as Error).message)
    }
    const parsed = parseCallback(doc)
    if (!parsed.ok && parsed.envelope !== undefined) {
      // Signed by the portal, which will not send it otherwise: kept for admins, never lost.
      const out = await service.keepIncomplete(parsed.envelope, parsed.issues, text)
      app.metrics.callbacks.inc({ type: parsed.envelope.LoaiSuKien, result: out.result })
      // Field paths only: the values are the applicant's personal data.
      req.log.warn({ maSuKien: out.maSuKien, type: parsed.envelope.LoaiSuKien, maHoSo: out.maHoSo, result: out.result, fields: parsed.issues.map(i => i.field) }, 'portal callback kept: incomplete dossier')
      return await reply.code(200).send(out)
    }
    if (!parsed.ok) {
      const first = parsed.issues[0]
      throw new InputError('INVALID_CALLBACK', 400, {
        vi: `Nội dung lời gọi không hợp lệ${first === undefined ? '' : `: ${first.message.vi}`}`,
        en: `Invalid callback body${first === undefined ? '' : `: ${first.message.en}`}`
      }, { ...(first === undefined ? {} : { field: first.field }), issues: parsed.issues })
    }
    const ev = parsed.event
    const out = await service.handle(ev, text)
    app.metrics.callbacks.inc({ type: ev.LoaiSuKien, result: out.result })
    req.log.info({ maSuKien: ev.MaSuKien, type: ev.LoaiSuKien, maHoSo: ev.MaHoSo, result: out.result, state: out.state }, 'portal callback')
    return await reply.code(200).send(out)
  })
}
