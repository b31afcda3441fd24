/**
 * Refusals made below the routes: Node's HTTP parser (malformed request line, headers,
 * Content-Length or chunked framing, headers too large, a request not finished in time), the
 * router (a path that is not valid percent-encoding, a path segment too long) and a URL longer
 * than the gateway accepts. Each carries the gateway's body (`code`, bilingual `message`) like
 * every other refusal, instead of Fastify's or Node's own.
 *
 * What Node does not let us control, and how far this goes:
 * - Parser errors are answered on the raw socket (Fastify's `clientErrorHandler`, Node's
 *   `clientError`): no route, no hooks, no SOAP. The connection is closed after the reply.
 * - The request line counts towards Node's `maxHeaderSize` (16 KiB by default): a URL past it
 *   is a header overflow to Node. It is told apart by the length of the first line and answered
 *   414 like a URL over `MAX_URL_LENGTH`, which the onRequest hook refuses below that size.
 * - A parse error after the response has started (headers already sent) cannot be answered:
 *   the connection is dropped, as Node does. A client that closes first gets nothing.
 * - The raw packet Node attaches to parse errors may hold a whole request (keys, personal
 *   data): it is never logged, nor is the parser's position.
 */
import fp from 'fastify-plugin'
import type { Socket } from 'node:net'
import type { IncomingMessage, ServerOptions, ServerResponse } from 'node:http'
import { STATUS_CODES, maxHeaderSize } from 'node:http'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import { Errors, type GatewayError } from '../../domain/errors.js'

/** Longest URL taken (path and query), in characters: nothing the gateway serves comes close. */
export const MAX_URL_LENGTH = 8 * 1024
const PATH_SEGMENT_LIMIT = 100

type ParserError = Error & { code?: string, rawPacket?: unknown }

/** The refusal for an error of Node's HTTP parser (or its request timer). */
export function parserRefusal (err: ParserError, maxHeaderSize: number): GatewayError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW': {
      // The request line is in the count: a line that alone fills the limit is a URL too long.
      const raw = Buffer.isBuffer(err.rawPacket) ? err.rawPacket : undefined
      const lineEnd = raw === undefined ? -1 : raw.indexOf(0x0a)
      const line = lineEnd === -1 ? raw?.length ?? 0 : lineEnd
      return line >= MAX_URL_LENGTH ? Errors.uriTooLong(MAX_URL_LENGTH) : Errors.headersTooLarge(maxHeaderSize)
    }
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return Errors.badContentLength()
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return Errors.badFraming('Transfer-Encoding không hợp lệ, hoặc đi cùng Content-Length', 'invalid Transfer-Encoding, or Transfer-Encoding together with Content-Length', 'Transfer-Encoding')
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
    case 'HPE_INVALID_EOF_STATE':
      return Errors.badFraming('nội dung chia khối (chunked) sai cấu trúc', 'malformed chunked body', 'Transfer-Encoding')
    case 'HPE_INVALID_URL':
      return Errors.badUrl()
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return Errors.requestTimeout()
    default:
      // llhttp's messages are fixed texts ("Invalid method encountered"), never the sender's bytes.
      return Errors.badRequest(typeof err.code === 'string' && err.code.startsWith('HPE_') ? err.message.replace(/^Parse Error: /, '') : 'malformed request')
  }
}

/** A complete HTTP/1.1 response carrying the refusal, for a raw socket. */
export function rawResponse (e: GatewayError): string {
  const body = JSON.stringify(e.toJSON())
  return [
    `HTTP/1.1 ${e.statusCode} ${STATUS_CODES[e.statusCode] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body
  ].join('\r\n')
}

function clientErrorHandler (this: FastifyInstance, err: ParserError, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy()
    return
  }
  // The process-wide limit (`--max-http-header-size`): the app sets no per-server one.
  const e = parserRefusal(err, maxHeaderSize)
  this.log.info({ code: e.code, status: e.statusCode, parserCode: err.code }, 'request refused by the HTTP layer')
  socket.end(rawResponse(e), () => { socket.destroy() })
}

function frameworkErrors (error: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const e = error.code === 'FST_ERR_BAD_URL'
    ? Errors.badUrl()
    : error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? Errors.uriTooLong(MAX_URL_LENGTH, PATH_SEGMENT_LIMIT) : Errors.badRequest('malformed request')
  req.log.info({ code: e.code, status: e.statusCode }, 'request refused by the router')
  reply.code(e.statusCode).send(e.toJSON())
}

/** The Fastify server options that route these refusals here (spread into `Fastify({ … })`). */
export function httpRefusalOptions (): Pick<FastifyServerOptions, 'clientErrorHandler' | 'frameworkErrors'> & { http: ServerOptions } {
  return {
    // Node answers a missing Host with a bare 400 of its own: the onRequest hook below refuses it instead.
    http: { requireHostHeader: false },
    clientErrorHandler: clientErrorHandler as unknown as FastifyServerOptions['clientErrorHandler'],
    frameworkErrors: frameworkErrors as FastifyServerOptions['frameworkErrors']
  }
}

/** URLs that Node's parser lets through but no client of the gateway can mean. */
export default fp(async (app) => {
  app.addHook('onRequest', async (req) => {
    if (req.raw.url !== undefined && req.raw.url.length > MAX_URL_LENGTH) throw Errors.uriTooLong(MAX_URL_LENGTH)
    if (req.raw.httpVersion === '1.1' && (req.headers.host ?? '') === '') throw Errors.missingHost()
  })
  // An Expect other than 100-continue: Node would answer a bare 417; this one carries the gateway's body.
  app.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const e = Errors.expectationFailed(String(req.headers.expect ?? ''))
    app.log.info({ code: e.code, status: e.statusCode }, 'request refused by the HTTP layer')
    const body = JSON.stringify(e.toJSON())
    res.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' })
    res.end(body)
  })
}, { name: 'http-refusals', dependencies: ['error-handler'] })
