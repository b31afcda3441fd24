/**
 * XML intake for sector formats: turns a request body into `XNode` trees for the mappings,
 * refusing DTDs, entity tricks and oversized documents before they cost anything.
 *
 * The parse itself lives in xml-parse.ts (synchronous, shared with the worker thread). Large
 * bodies are parsed in a worker pool because xml2js needs roughly 120 ms for 1 MB, which would
 * otherwise stall every other request on the event loop (see bench/xml-parse.ts).
 */
import { Errors } from '../domain/errors.js'
import type { XmlDocument, XmlLimits } from './xml-types.js'
import { parseXmlSync } from './xml-parse.js'
import { parseInPool } from './xml-pool.js'

export const defaultXmlLimits: Readonly<XmlLimits> = Object.freeze({
  maxBytes: 2 * 1024 * 1024,
  maxDepth: 32,
  maxNodes: 20_000,
  maxAttributes: 32,
  maxTextLength: 64 * 1024,
  // Measured (bench/xml-parse.ts): ~6 ms inline at 64 KiB, ~100 ms at 1 MB; through the pool
  // the main thread spends ~1 ms and ~13 ms (the clone of the tree back).
  offloadAboveBytes: 64 * 1024
})

/** The configured limits (BODY_LIMIT_BYTES and the XML_* variables) over the defaults. */
export function xmlLimitsFrom (c: { BODY_LIMIT_BYTES: number, XML_MAX_DEPTH: number, XML_MAX_NODES: number, XML_MAX_TEXT_CHARS: number, XML_OFFLOAD_ABOVE_BYTES: number }): XmlLimits {
  return {
    ...defaultXmlLimits,
    maxBytes: c.BODY_LIMIT_BYTES,
    maxDepth: c.XML_MAX_DEPTH,
    maxNodes: c.XML_MAX_NODES,
    maxTextLength: c.XML_MAX_TEXT_CHARS,
    offloadAboveBytes: c.XML_OFFLOAD_ABOVE_BYTES
  }
}

/**
 * Parses a UTF-8 XML body. Every refusal is an `InputError` (400): `BAD_XML`,
 * `XML_FORBIDDEN_CONSTRUCT` or `XML_LIMIT_EXCEEDED`. Through the pool, a full queue is
 * `UNAVAILABLE` (503) and a dead worker `INTERNAL` (500).
 */
export async function parseXml (input: string | Uint8Array, limits: XmlLimits = defaultXmlLimits): Promise<XmlDocument> {
  // Counted before anything else so that an oversized body never reaches a decoder or a thread.
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength
  if (size > limits.maxBytes) throw Errors.xmlLimit(`body larger than ${limits.maxBytes} bytes`)
  if (limits.offloadAboveBytes !== undefined && size > limits.offloadAboveBytes) {
    return await parseInPool(input, limits)
  }
  return parseXmlSync(input, limits)
}

export { parseXmlSync } from './xml-parse.js'
export type { XElement, XmlDocument, XmlLimits } from './xml-types.js'
export { closeXmlPool, xmlPoolThreads } from './xml-pool.js'
