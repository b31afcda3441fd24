/**
 * The logger production uses keeps no command arguments, bodies or data of the errors it is
 * given, and no personal value that their messages quote.
 */
import t from 'tap'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { ReplyError } from 'ioredis'
import { loggerOptions, safeText } from '../../src/logger.js'
import { Errors } from '../../src/domain/errors.js'
import { PortalTransportError } from '../../src/adapters/portal/portal-client.js'

const CCCD = '042186001234'
const NAME = 'Trần Văn Bình'
const MAIL = 'binh.tv@example.vn'
const PHONE = '+84 (0) 912-000-111'
const DOSSIER = JSON.stringify({ hoTen: NAME, giayTo: { so: CCCD }, email: MAIL, soDienThoai: PHONE })

function capture (): { log: pino.Logger, lines: () => Array<Record<string, any>>, text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({ write (c, _e, cb) { chunks.push(String(c)); cb() } })
  const log = pino(loggerOptions('trace'), stream)
  return { log, text: () => chunks.join(''), lines: () => chunks.join('').trim().split('\n').map(l => JSON.parse(l)) }
}

function leaks (text: string): string[] {
  return [CCCD, NAME, MAIL, '912-000-111', '0912000111', 'hoTen'].filter(v => text.includes(v))
}

t.test('an ioredis reply error loses its command and arguments, keeps type, message and stack', async t => {
  const { log, lines, text } = capture()
  const err = new ReplyError("OOM command not allowed when used memory > 'maxmemory'.") as Error & { command?: unknown }
  err.command = { name: 'evalsha', args: ['e226fb27', '9', 'lt:{000.00.31.H42}:d:civil-status:HT-1', DOSSIER] }
  log.error({ err }, 'request failed')
  log.warn(err, 'as the first argument')
  const [a, b] = lines()
  t.match(a?.err, { type: 'ReplyError', message: /^OOM command not allowed/, stack: /^ReplyError: OOM/ })
  t.notOk('command' in (a?.err ?? {}), 'no command')
  t.notOk('command' in (b?.err ?? {}), 'no command when the error is the first argument either')
  t.same(leaks(text()), [])
})

t.test('only an allow-list of properties survives: bodies, data, requests and options go', async t => {
  const { log, lines, text } = capture()
  const undiciLike = Object.assign(new Error('Response status code 500: Internal Server Error'), {
    code: 'UND_ERR_RESPONSE_STATUS_CODE', statusCode: 500, body: DOSSIER, headers: { 'x-echo': DOSSIER }
  })
  const ajvLike = Object.assign(new Error('validation failed'), {
    errors: undefined, validation: [{ instancePath: '/hoTen', data: NAME, params: { value: CCCD } }], data: { hoTen: NAME }
  })
  const misc = Object.assign(new Error('boom'), {
    args: [CCCD], request: { body: DOSSIER }, response: { body: DOSSIER }, options: { body: DOSSIER }, params: [MAIL], input: DOSSIER, custom: NAME
  })
  log.error({ err: undiciLike }, 'portal')
  log.error({ error: ajvLike }, 'ajv, under `error`')
  log.error({ err: misc }, 'misc')
  const [u, a, m] = lines()
  t.same(Object.keys(u?.err ?? {}).sort(), ['code', 'message', 'stack', 'statusCode', 'type'])
  t.equal(u?.err.code, 'UND_ERR_RESPONSE_STATUS_CODE')
  t.same(Object.keys(a?.error ?? {}).sort(), ['message', 'stack', 'type'])
  t.same(Object.keys(m?.err ?? {}).sort(), ['message', 'stack', 'type'])
  t.same(leaks(text()), [])
})

t.test('messages and causes are scrubbed of IDs, phones and e-mails; dossier codes stay', async t => {
  const { log, lines, text } = capture()
  const cause = new Error(`socket hang up while sending ${CCCD} to ${MAIL}`)
  const err = new PortalTransportError('portal unreachable', { cause })
  log.warn({ err }, 'with a cause')
  log.warn({ err: `refused ${CCCD}, phone ${PHONE}, full-width ０４２１８６００１２３４, dossier 000.00.31.H42-250702-00001` }, 'a message logged as a string')
  const [withCause, asString] = lines()
  t.match(withCause?.err.message, /^portal unreachable: socket hang up while sending \[redacted\] to \[redacted\]$/)
  t.match(withCause?.err.stack, /caused by: Error: socket hang up/)
  t.equal(asString?.err, 'refused [redacted], phone [redacted], full-width [redacted], dossier 000.00.31.H42-250702-00001')
  t.same(leaks(text()), [])
  t.notOk(text().includes('０４２１８６００１２３４'))
})

t.test('messages that quote their input lose the quote; long and multi-line messages are cut', async t => {
  let parseError: Error | undefined
  try { JSON.parse(`{"hoTen": ${NAME}}`) } catch (e) { parseError = e as Error }
  t.match(parseError?.message, /Trần/, 'V8 quotes the JSON it cannot parse')
  t.notMatch(safeText(parseError?.message ?? ''), /Tr/)
  t.match(safeText(parseError?.message ?? ''), /not valid JSON/)
  t.equal(safeText(`ERR unknown command 'HSETX', with args beginning with: 'lt:x' '${NAME}'`), "ERR unknown command 'HSETX', with args beginning with: [redacted]")
  t.equal(safeText('x'.repeat(1000)).length, 301)

  const { log, lines } = capture()
  const multi = new Error(`refused:\n${DOSSIER}\nsee above`)
  const xml = new Error(`portal HTTP 500: <html><body><HoTen>${NAME}</HoTen></body></html>`)
  const array = new Error(`data ${JSON.stringify([{ ChuHoSo: NAME }])} refused`)
  log.error({ err: multi }, 'multi-line')
  log.error({ err: xml }, 'xml')
  log.error({ err: array }, 'array')
  const [l, x, a] = lines()
  t.equal(l?.err.message, 'refused: {…} see above', 'a quoted document goes, lines are joined')
  t.notMatch(l?.err.stack, /Trần|hoTen/, 'the stack repeats no message line but the safe header')
  t.match(l?.err.stack, /^Error: refused: \{…\} see above\n\s+at /, 'frames are kept')
  t.equal(x?.err.message, 'portal HTTP 500: <…>')
  t.equal(a?.err.message, 'data [{…}] refused')
})

t.test('a gateway error keeps its code, status and field', async t => {
  const { log, lines } = capture()
  log.error({ err: Errors.unavailable() }, 'x')
  t.match(lines()[0]?.err, { type: 'GatewayError', code: 'UNAVAILABLE', statusCode: 503 })
})

t.test('aggregate errors are serialized the same way', async t => {
  const { log, lines, text } = capture()
  const inner = new ReplyError('READONLY You can\'t write against a read only replica.') as Error & { command?: unknown }
  inner.command = { name: 'eval', args: [DOSSIER] }
  log.error({ err: new AggregateError([inner, new Error(`x ${CCCD}`)], 'two failures') }, 'aggregate')
  const [l] = lines()
  t.equal(l?.err.aggregateErrors.length, 2)
  t.match(l?.err.aggregateErrors[0], { type: 'ReplyError', message: /^READONLY/ })
  t.same(leaks(text()), [])
})
