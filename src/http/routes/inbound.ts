/**
 * `POST /v1/inbound/:system`: sector software posts a dossier in its own format. The body is
 * kept as received (for audit and replay), so this scope parses nothing itself: the adapter
 * for the system does. It only reads the bytes: UTF-8 or refused (never decoded with U+FFFD).
 *
 * SOAP senders are answered as SOAP 1.1 clients expect (WS-I Basic Profile R1111, R1126):
 * 200 with the response envelope, and any fault with 500 (see the error handler).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Errors } from '../../domain/errors.js'
import { Candidate, Message, errorReplies, rateLimitOf } from '../schemas.js'
import { SOAP_CONTENT_TYPE, soapSuccess } from '../../adapters/soap.js'
import { charsetOf, firstInvalidUtf8, isUtf8Charset } from '../../adapters/utf8.js'
import type { SourceFormat } from '../../mappings/types.js'
import type { CanonicalDossier } from '../../domain/canonical-dossier.js'
import { toPortalHoSo } from '../../mappings/to-portal.js'
import { codeDay } from '../../services/intake/intake-service.js'
import { callerOf } from '../plugins/auth.js'

const JSON_TYPES = ['application/json']
const XML_TYPES = ['application/xml', 'text/xml', 'application/soap+xml']

export const IntakeReply = Type.Object({
  maHoSo: Type.String({ description: 'national dossier code assigned by the gateway' }),
  outcome: Type.Union([Type.Literal('new'), Type.Literal('updated'), Type.Literal('duplicate'), Type.Literal('stale')], { description: 'stale: a late resend of a state the dossier has moved past; recorded in its history, nothing changed' }),
  state: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed'), Type.Literal('needs-review'), Type.Literal('unrouted'), Type.Literal('discarded')]),
  linked: Type.Optional(Type.Boolean({ description: 'this request linked the sector\'s dossier to the online dossier named by X-Ma-Ho-So' })),
  review: Type.Optional(Type.Array(Type.Object({
    code: Type.String(),
    field: Type.String(),
    oldCode: Type.String(),
    candidates: Type.Array(Candidate),
    message: Message
  })))
})

const Params = Type.Object({ system: Type.String({ maxLength: 40 }) })

function mediaType (req: FastifyRequest): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

/** The body as text: present, and UTF-8 to its last byte. */
function bodyText (body: unknown, format: SourceFormat): string {
  const bytes = Buffer.isBuffer(body) ? body : undefined
  if (bytes === undefined || bytes.length === 0) {
    throw format === 'json' ? Errors.badJson('empty body') : Errors.badXml('empty document')
  }
  const bad = firstInvalidUtf8(bytes)
  if (bad >= 0) throw Errors.badEncoding(bad, bytes[bad])
  return bytes.toString('utf8')
}

export default async function inboundRoutes (app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers()
  // Refusals by system and status; the label is a known system or `unknown` (a bounded set).
  app.addHook('onResponse', async (req, reply) => {
    if (reply.statusCode < 400 || req.routeOptions.url !== '/v1/inbound/:system') return
    const system = (req.params as { system?: string }).system
    app.metrics.intakeRefused.inc({ system: system !== undefined && app.registry.get(system) !== undefined ? system : 'unknown', status: String(reply.statusCode) })
  })
  // Bytes, not a string: Fastify's string decoding would replace invalid UTF-8 with U+FFFD unseen.
  app.addContentTypeParser([...JSON_TYPES, ...XML_TYPES], { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })

  await validateRoute(app)

  app.withTypeProvider<TypeBoxTypeProvider>().post('/v1/inbound/:system', {
    schema: {
      tags: ['intake'],
      summary: 'Submit a dossier from sector software (JSON, XML or SOAP, per system)',
      params: Params,
      response: { 202: IntakeReply, ...errorReplies }
    },
    onRequest: async (req) => {
      req.speaksSoap = app.registry.get(req.params.system)?.format === 'soap'
      // Before the key's system is compared with it (config.auth.system): an unknown system is
      // 404 for every caller, as the systems are public (GET /docs/json lists them).
      if (app.registry.get(req.params.system) === undefined) throw Errors.unknownSystem(req.params.system, app.registry.systems())
    },
    // After auth (src/http/plugins/auth.ts), before the body is read: strangers do not get to make us parse.
    preParsing: async (req) => {
      const mapping = app.registry.get(req.params.system)
      if (mapping === undefined) throw Errors.unknownSystem(req.params.system, app.registry.systems())
      const type = mediaType(req)
      const accepted = mapping.format === 'json' ? JSON_TYPES : XML_TYPES
      if (!accepted.includes(type)) throw Errors.unsupportedMediaType(type === '' ? undefined : type, accepted.join(', '))
      const charset = charsetOf(req.headers['content-type'])
      if (charset !== undefined && !isUtf8Charset(charset)) throw Errors.unsupportedCharset(charset)
    },
    config: { auth: { roles: ['sector'], system: 'system' }, rateLimit: rateLimitOf(app) }
  }, async (req, reply) => {
    const client = callerOf(req)
    const body = bodyText(req.body, app.registry.get(req.params.system)?.format ?? 'json')
    const link = req.headers['x-ma-ho-so']
    const result = await app.intake.submit({
      system: req.params.system,
      clientId: client.id,
      agencies: client.agencies,
      contentType: mediaType(req),
      body,
      webhookClient: client.webhook === undefined ? '' : client.id,
      ...(typeof link === 'string' && link !== '' ? { linkCode: link.trim() } : {})
    })
    app.metrics.intake.inc({ system: req.params.system, outcome: result.outcome })
    req.log.info({ maHoSo: result.maHoSo, outcome: result.outcome, state: result.state, system: req.params.system, linked: result.linked }, 'dossier taken in')
    if (req.speaksSoap) {
      const mapping = app.registry.get(req.params.system)
      const xml = soapSuccess({ MaHoSo: result.maHoSo, KetQua: result.outcome, TrangThai: result.state }, {
        namespace: mapping?.xml?.namespace ?? '', operation: mapping?.soapOperation ?? 'GuiHoSo'
      })
      // SOAP 1.1 over HTTP answers a non-fault envelope with 200 (WS-I BP R1111), not 202. The
      // 202 schema describes the JSON reply; a SOAP reply bypasses its serializer.
      return reply.code(200).type(SOAP_CONTENT_TYPE).serializer((s: string) => s).send(xml as never)
    }
    return reply.code(202).send(result)
  })
}

/** What a payload would become: the canonical record and the portal's HoSo (the code is assigned at intake). */
export const ValidateReply = Type.Object({
  canonical: Type.Unknown({ description: 'the canonical dossier (schema v1); maHoSo shows the sequence as 00000' }),
  hoSo: Type.Unknown({ description: 'the HoSo the portal would receive' }),
  review: Type.Optional(Type.Array(Type.Unknown(), { description: 'what would hold the dossier for an admin (a split commune)' }))
})

/**
 * `POST /v1/validate/:system`: the intake check alone, for sector vendors: the field errors, or
 * what the payload would become. Nothing is stored, nothing is sent.
 */
export async function validateRoute (app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/v1/validate/:system', {
    schema: {
      tags: ['intake'],
      summary: 'Check a payload as intake would, without storing or sending it',
      params: Params,
      response: { 200: ValidateReply, ...errorReplies }
    },
    preParsing: async (req) => {
      const mapping = app.registry.get(req.params.system)
      if (mapping === undefined) throw Errors.unknownSystem(req.params.system, app.registry.systems())
      const type = mediaType(req)
      const accepted = mapping.format === 'json' ? JSON_TYPES : XML_TYPES
      if (!accepted.includes(type)) throw Errors.unsupportedMediaType(type === '' ? undefined : type, accepted.join(', '))
    },
    config: { auth: { roles: ['sector', 'viewer'] }, rateLimit: rateLimitOf(app) }
  }, async (req) => {
    const mapping = app.registry.get(req.params.system)
    if (mapping === undefined) throw Errors.unknownSystem(req.params.system, app.registry.systems())
    const { dossier, review } = await app.intake.normalize(mapping, bodyText(req.body, mapping.format))
    const { sourceId: _s, ...rest } = dossier
    const maHoSo = `${dossier.agency.code}-${codeDay(dossier.receivedAt)}-00000`
    const canonical: CanonicalDossier = {
      schemaVersion: 1,
      maHoSo,
      ...rest,
      provenance: {
        system: mapping.system,
        clientId: callerOf(req).id,
        sourceId: dossier.sourceId,
        payloadSha256: '0'.repeat(64),
        mappingVersion: `${mapping.system}@${mapping.version}`,
        contentType: mediaType(req),
        receivedAt: dossier.receivedAt
      }
    }
    return { canonical, hoSo: toPortalHoSo(canonical), ...(review.length > 0 ? { review } : {}) }
  })
}
