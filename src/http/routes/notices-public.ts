/**
 * What the notice providers and applicants call (applicant-notices.md): ZNS delivery events
 * (`X-ZEvent-Signature` checked, 401 otherwise), SMS delivery reports on each message's
 * unguessable URL (a MAC of its RequestId), and the apology letter by its signed, expiring link.
 * None takes an API key: each carries its own proof. Query strings of SMS reports may hold the
 * phone: the request log never prints them (logger.ts keeps the path only).
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { InputError } from '../../domain/errors.js'
import { ErrorReply, errorReplies, rateLimitOf } from '../schemas.js'
import { verifyZnsEvent } from '../../adapters/notices/zns-events.js'
import { parseSmsReport, verifySmsCallbackPath } from '../../adapters/notices/sms-reports.js'
import { verifyLetterLink } from '../../adapters/notices/letter/letter-link.js'
import { letterFileName } from '../../adapters/notices/letter/apology-letter.js'
import { applyReport } from '../../queue/notice-reports.js'
import { agencyOfNotice } from '../../services/notices/notice-admin.js'
import { LETTERS_PATH, SMS_REPORTS_PATH } from '../../queue/notice-senders.js'

const Ack = Type.Object({ ok: Type.Boolean(), result: Type.String({ description: 'applied, repeated, parked (the worker applies it), ignored or unknown' }) })
const NOTICE_ID = { type: 'string', pattern: '^ntc_[0-9A-Za-z._-]{1,60}$' } as const

function notFound (): InputError {
  return new InputError('NOT_FOUND', 404, { vi: 'Không tìm thấy', en: 'Not found' })
}

export default async function noticePublicRoutes (app: FastifyInstance): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const c = app.config

  // The signature covers the raw body: read as text here, parsed only after the check.
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers()
    raw.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => { done(null, body) })
    raw.withTypeProvider<TypeBoxTypeProvider>().post('/v1/notices/zns-events', {
      schema: {
        tags: ['notices'],
        summary: 'ZNS delivery events (Zalo calls this)',
        body: Type.String({ description: 'the event as Zalo sends it; signed with X-ZEvent-Signature' }),
        response: { 200: Ack, ...errorReplies }
      },
      config: { auth: false, rateLimit: rateLimitOf(app) }
    }, async (req) => {
      if (c.ZNS_APP_ID === undefined || c.ZNS_OA_SECRET_KEY === undefined) throw notFound()
      const check = verifyZnsEvent(req.body, req.headers['x-zevent-signature'] as string | undefined, { appId: c.ZNS_APP_ID, oaSecretKey: c.ZNS_OA_SECRET_KEY, now: Date.now() })
      if (!check.ok) {
        req.log.warn({ reason: check.reason }, 'ZNS event refused')
        throw new InputError('BAD_SIGNATURE', 401, { vi: `Chữ ký sự kiện ZNS không hợp lệ: ${check.reason}`, en: `The ZNS event's signature is not valid: ${check.reason}` }, { field: 'X-ZEvent-Signature' })
      }
      const e = check.event
      if (e.eventName !== 'user_received_message' || e.msgId === undefined) return { ok: true, result: 'ignored' }
      const at = await app.store.notices.znsMessage(e.msgId)
      if (at === undefined) return { ok: true, result: 'unknown' }
      const result = await applyReport(app.store.notices, at.agency, at.id, { channel: 'zns', state: 'delivered', ...(e.deliveryTime === undefined ? {} : { at: e.deliveryTime }) }, Date.now())
      return { ok: true, result }
    })
  })

  r.get(`${SMS_REPORTS_PATH}/:id/:mac`, {
    schema: {
      tags: ['notices'],
      summary: 'SMS delivery report (the SMS provider calls each message\'s own URL)',
      params: Type.Object({ id: Type.Unsafe<string>(NOTICE_ID), mac: Type.String({ maxLength: 64 }) }),
      querystring: Type.Object({
        SMSID: Type.Optional(Type.String({ maxLength: 100 })),
        SendStatus: Type.Optional(Type.String({ maxLength: 10 })),
        SendSuccess: Type.Optional(Type.String({ maxLength: 10 })),
        SendFailed: Type.Optional(Type.String({ maxLength: 10 })),
        telcoid: Type.Optional(Type.String({ maxLength: 10 })),
        error_info: Type.Optional(Type.String({ maxLength: 500 }))
      }, { additionalProperties: true, description: 'as the provider sends it; other parameters (the phone among them) are ignored and never logged' }),
      response: { 200: Ack, ...errorReplies }
    },
    config: { auth: false, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const secret = c.NOTICES_SECRET
    const agency = agencyOfNotice(req.params.id)
    if (secret === undefined || agency === undefined || verifySmsCallbackPath(req.params.id, req.params.mac, secret) === undefined) throw notFound()
    const rep = parseSmsReport(req.query)
    const result = await applyReport(app.store.notices, agency, req.params.id, {
      channel: 'sms', state: rep.state, ...(rep.state === 'failed' ? { reason: `SMS report: ${rep.errorInfo}` } : {})
    }, Date.now())
    return { ok: true, result }
  })

  r.get(`${LETTERS_PATH}/:id`, {
    schema: {
      tags: ['notices'],
      summary: 'The apology letter (PDF), by the signed link a notice carries',
      params: Type.Object({ id: Type.Unsafe<string>(NOTICE_ID) }),
      querystring: Type.Object({ exp: Type.Optional(Type.String({ maxLength: 20 })), sig: Type.Optional(Type.String({ maxLength: 100 })) }),
      response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'application/pdf' }), ...errorReplies, 410: { ...ErrorReply, description: 'the link has expired (LINK_EXPIRED)' } }
    },
    config: { auth: false, rateLimit: rateLimitOf(app) }
  }, async (req, reply) => {
    const secret = c.NOTICES_SECRET
    const agency = agencyOfNotice(req.params.id)
    if (secret === undefined || agency === undefined) throw notFound()
    const v = verifyLetterLink(req.params.id, req.query.exp, req.query.sig, secret)
    if (v === 'expired') throw new InputError('LINK_EXPIRED', 410, { vi: 'Liên kết đã hết hạn; hãy liên hệ Bộ phận Một cửa', en: 'The link has expired; contact the one-stop desk' })
    if (v !== 'ok') throw notFound()
    const pdf = await app.store.notices.letter(agency, req.params.id)
    const n = await app.store.notices.get(agency, req.params.id)
    if (pdf === undefined || n === undefined) throw notFound()
    const name = letterFileName(n.record.code)
    return await reply.type('application/pdf')
      .header('content-disposition', `inline; filename="${name.normalize('NFD').replace(/[^\x20-\x7e]/g, '')}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .header('cache-control', 'private, no-store')
      .send(pdf)
  })
}
