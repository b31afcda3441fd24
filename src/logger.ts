/**
 * Logger options. Bodies are never logged; redaction is the second line of defence for anything
 * personal (citizen IDs, phones, e-mails, names) or secret that ends up in a logged object.
 */
import type { BaseLogger, LoggerOptions } from 'pino'

export const redactPaths = [
  'req.headers["x-api-key"]', 'req.headers.authorization', 'req.headers.cookie',
  'req.headers["x-portal-signature"]',
  'password', '*.password', 'session', '*.session', 'apiKey', '*.apiKey', 'secret', '*.secret',
  'body', '*.body', 'holder', '*.holder', 'ChuHoSo', '*.ChuHoSo', 'DinhDanhCHS', '*.DinhDanhCHS',
  'SoDienThoai', '*.SoDienThoai', 'Email', '*.Email', 'DiaChiThuongTru', '*.DiaChiThuongTru', 'data', '*.data'
]

export function loggerOptions (level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      // The default request serializer logs the URL with its query; ours carry no personal data.
      req: (req: { method: string, url: string, id: string }) => ({ method: req.method, url: req.url, id: req.id })
    }
  }
}

/** The logger the domain code needs: pino's, or Fastify's wrapper of it. */
export interface Log extends Pick<BaseLogger, 'level' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'> {
  child: (bindings: Record<string, unknown>) => Log
}
