/**
 * The one place where errors become HTTP replies. GatewayErrors carry their own code and
 * bilingual message; Fastify's own 4xx errors are translated; anything else is a 500 whose
 * details stay in the log. Senders that speak SOAP get a SOAP Fault with the same content, always
 * with HTTP 500 as SOAP 1.1 over HTTP wants (the status a JSON sender would get is in its detail).
 */
import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { Errors, GatewayError, InputError, ValidationError, issue, type ErrorBody } from '../../domain/errors.js'
import { SOAP_CONTENT_TYPE, SOAP_FAULT_STATUS, soapFault } from '../../adapters/soap.js'
import { isRedisUnavailable, REDIS_RETRY_AFTER_SECONDS } from '../../adapters/redis-errors.js'

declare module 'fastify' {
  interface FastifyRequest { speaksSoap: boolean }
}

function translate (err: FastifyError & { validation?: Array<{ instancePath: string, message?: string, params?: Record<string, unknown> }> }, req: FastifyRequest): GatewayError {
  if (err instanceof GatewayError) return err
  if (err.validation !== undefined) {
    const where = err.validationContext ?? 'body'
    return new ValidationError(err.validation.map(v => {
      const missing = v.params?.missingProperty
      const field = [where, ...v.instancePath.split('/').slice(1), ...(typeof missing === 'string' ? [missing] : [])].join('.')
      return issue('INVALID_FIELD', field, `${field} không hợp lệ`, `${field} ${v.message ?? 'is invalid'}`)
    }))
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return Errors.payloadTooLarge(req.routeOptions.bodyLimit ?? 0)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return Errors.unsupportedMediaType(req.headers['content-type'], 'application/json, application/xml, text/xml')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return Errors.badJson('empty body')
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return Errors.badJson(err.message)
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return Errors.badContentLength()
  }
  if (err.statusCode === 429) return Errors.rateLimited(Math.ceil(Number(err.message.match(/\d+/)?.[0] ?? 60)))
  if (err instanceof SyntaxError) return Errors.badJson(err.message)
  // Not necessarily JSON (XML bodies, GET requests): a 400 Fastify raised is said as such.
  if (err.statusCode === 400) return Errors.badRequest(err.message)
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new InputError(`HTTP_${err.statusCode}`, err.statusCode, { vi: 'Yêu cầu không hợp lệ', en: err.message })
  }
  if (isRedisUnavailable(err)) return Errors.unavailable()
  return Errors.internal()
}

export function send (reply: FastifyReply, req: FastifyRequest, status: number, body: ErrorBody): FastifyReply {
  if (req.speaksSoap) {
    // A fault is HTTP 500 whoever is at fault (WS-I BP R1126); faultcode and gw:Status tell which.
    return reply.code(SOAP_FAULT_STATUS).type(SOAP_CONTENT_TYPE).send(soapFault(body, status))
  }
  return reply.code(status).send(body)
}

export default fp(async (app) => {
  app.decorateRequest('speaksSoap', false)
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const e = translate(err, req)
    // The logger's err serializer keeps no command arguments, bodies or data (src/logger.ts).
    if (e.code === 'UNAVAILABLE') req.log.warn({ err }, 'request refused: Redis unavailable')
    else if (e.code === 'NOT_REPLICATED') req.log.warn('request refused: the write was not confirmed by enough Redis replicas in time')
    else if (e.statusCode >= 500) req.log.error({ err }, 'request failed')
    else req.log.info({ code: e.code, field: e.field, status: e.statusCode }, 'request refused')
    if (e.code === 'RATE_LIMITED' && reply.getHeader('retry-after') === undefined) reply.header('retry-after', 60)
    if ((e.code === 'UNAVAILABLE' || e.code === 'NOT_REPLICATED') && reply.getHeader('retry-after') === undefined) reply.header('retry-after', REDIS_RETRY_AFTER_SECONDS)
    return send(reply, req, e.statusCode, e.toJSON())
  })
  app.setNotFoundHandler((req, reply) => {
    return send(reply, req, 404, Errors.notFound(`${req.method} ${req.url.split('?')[0] ?? ''}`).toJSON())
  })
}, { name: 'error-handler' })
