/**
 * Logger options, used by production and by the tests that scan the log. Bodies are never
 * logged. Errors are the dangerous part: libraries hang what they were given on them (ioredis
 * the command and its arguments, i.e. the whole dossier; undici a reply body; ajv the data), so
 * the error serializers keep an allow-list of properties and scrub the message. Redaction by path
 * is the second line of defence for anything personal or secret that ends up in a logged object.
 */
import { stdSerializers, type BaseLogger, type LoggerOptions } from 'pino'

export const redactPaths = [
  'req.headers["x-api-key"]', 'req.headers.authorization', 'req.headers.cookie',
  'req.headers["x-portal-signature"]',
  'password', '*.password', 'session', '*.session', 'apiKey', '*.apiKey', 'secret', '*.secret',
  'body', '*.body', 'holder', '*.holder', 'ChuHoSo', '*.ChuHoSo', 'DinhDanhCHS', '*.DinhDanhCHS',
  'SoDienThoai', '*.SoDienThoai', 'Email', '*.Email', 'DiaChiThuongTru', '*.DiaChiThuongTru', 'data', '*.data',
  'command', '*.command', 'args', '*.args', 'input', '*.input', 'payload', '*.payload', 'rawEntry', '*.rawEntry'
]

const CENSOR = '[redacted]'
const MAX_TEXT = 300
const MAX_STACK_LINES = 30

/**
 * Dossier codes (`000.00.12.H42-250701-00001`) are kept: they are not personal and are what an
 * operator searches for. E-mail addresses and anything with nine digits or more (citizen, old ID
 * and insurance numbers, phones however punctuated, in any script's digits) are cut.
 */
const SCRUB = /(?<code>\b[\w.]+-\d{6}-\d{5}\b)|(?<email>[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)|(?<number>[+(]{0,2}\p{Nd}(?:[\s.()/-]{0,3}\p{Nd}){8,})/gu

/**
 * A message safe to log, on one line: personal values cut, quoted documents and the parts of
 * library messages known to quote their input dropped, and bounded in length.
 */
export function safeText (text: string, max = MAX_TEXT): string {
  let out = text.length > 8 * max ? text.slice(0, 8 * max) : text
  // Redis quotes the arguments of a command it refuses: "…, with args beginning with: 'a' 'b'".
  out = out.replace(/(with args beginning with:)[\s\S]*/, `$1 ${CENSOR}`)
  // V8 quotes the JSON it could not parse: `Unexpected token 'T', ..."{"hoTen": Trần"... is not valid JSON`.
  if (out.includes('is not valid JSON')) out = out.replace(/(?:, )?(?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON/, ' (not valid JSON)')
  // A message quoting a document (a portal or proxy echoing the request) loses the document:
  // names cannot be recognised, so JSON objects or arrays with strings, and XML, go whole.
  out = out.replace(/\{[^{]*"[\s\S]*\}/, '{…}').replace(/\[[^[]*"[\s\S]*\]/, '[…]').replace(/<[\w:.-]+[\s>][\s\S]*>/, '<…>')
  out = out.replace(SCRUB, (m: string, code?: string) => code ?? CENSOR).replace(/\s*\n\s*/g, ' ')
  return out.length > max ? `${out.slice(0, max)}…` : out
}

/**
 * The stack's frames under a header made of the safe message. The message lines of the stack
 * (a multi-line message repeats there whole) are dropped, a cause's first line is scrubbed.
 */
function safeStack (stack: unknown, header: string): string | undefined {
  if (typeof stack !== 'string') return undefined
  const lines = [header]
  for (const line of stack.split('\n').slice(1)) {
    if (lines.length >= MAX_STACK_LINES) break
    if (/^\s+at /.test(line)) lines.push(line)
    else if (line.startsWith('caused by: ')) lines.push(safeText(line))
  }
  return lines.join('\n')
}

/** Properties of an error that say what went wrong without carrying what was being done. */
const SAFE_ERROR_KEYS = ['code', 'errno', 'syscall', 'statusCode', 'httpStatus', 'status', 'retryAfterMs', 'field', 'portalCode'] as const

export interface SafeError {
  type: string
  message: string
  stack?: string
  aggregateErrors?: SafeError[]
  [key: string]: unknown
}

function safeError (err: unknown, depth = 0): SafeError | string | undefined {
  if (err === undefined || err === null) return undefined
  if (typeof err === 'string') return safeText(err)
  if (typeof err !== 'object') return safeText(String(err))
  // pino's own serializer gathers type, message and stack with their causes; only an
  // allow-list of what it returns is kept, every string of it scrubbed.
  const std = stdSerializers.err(err as Error) as unknown as Record<string, unknown>
  const out: SafeError = {
    type: typeof std.type === 'string' ? std.type : 'Object',
    message: safeText(typeof std.message === 'string' ? std.message : '')
  }
  const stack = safeStack(std.stack, `${out.type}: ${out.message}`)
  if (stack !== undefined) out.stack = stack
  for (const key of SAFE_ERROR_KEYS) {
    const v = std[key]
    if (typeof v === 'number' || typeof v === 'boolean') out[key] = v
    else if (typeof v === 'string') out[key] = safeText(v, 100)
  }
  if (Array.isArray(std.aggregateErrors) && depth < 2) {
    out.aggregateErrors = (err as AggregateError).errors.slice(0, 10)
      .map(e => safeError(e, depth + 1))
      .filter((e): e is SafeError => typeof e === 'object')
  }
  return out
}

/** The serializer of every key errors are logged under (`err`, `error`, `cause`). */
export function errSerializer (err: unknown): SafeError | string | undefined {
  return safeError(err)
}

/** A request's URL without its query (`?…` marks that one was there). */
export function pathOnly (url: string): string {
  const q = url.indexOf('?')
  return q < 0 ? url : `${url.slice(0, q)}?…`
}

export function loggerOptions (level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: CENSOR },
    serializers: {
      // The path only: an SMS delivery report's query may carry the phone (applicant-notices.md),
      // and a query is the sender's to fill, so none is ever logged.
      req: (req: { method: string, url: string, id: string }) => ({ method: req.method, url: pathOnly(req.url), id: req.id }),
      err: errSerializer,
      error: errSerializer,
      cause: errSerializer
    }
  }
}

/** The logger the domain code needs: pino's, or Fastify's wrapper of it. */
export interface Log extends Pick<BaseLogger, 'level' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'> {
  child: (bindings: Record<string, unknown>) => Log
}
