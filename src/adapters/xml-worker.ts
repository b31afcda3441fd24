/**
 * Piscina worker: parses one body off the main thread. Errors are returned as data, because a
 * thrown GatewayError loses its class and fields when it crosses the thread boundary.
 */
import { GatewayError } from '../domain/errors.js'
import type { XmlLimits } from './xml.js'
import { parseXmlSync } from './xml-parse.js'
import type { WorkerReply } from './xml-pool.js'

export default function parse ({ input, limits }: { input: string | Uint8Array, limits: XmlLimits }): WorkerReply {
  try {
    return { ok: true, doc: parseXmlSync(input, limits) }
  } catch (err) {
    if (err instanceof GatewayError) {
      return { ok: false, code: err.code, statusCode: err.statusCode, message: err.messages, field: err.field }
    }
    throw err
  }
}
