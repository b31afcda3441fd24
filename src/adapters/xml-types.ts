/**
 * The XML adapter's types, apart from the modules that use them so that xml.ts, the parser, the
 * well-formedness checks and the pool do not import each other.
 */
import type { XNode } from '../mappings/xnode.js'

export interface XmlLimits {
  /** Size of the body in UTF-8 bytes. */
  maxBytes: number
  /** Nesting of elements; the root is depth 1. */
  maxDepth: number
  /** Elements in the whole document. */
  maxNodes: number
  /** Attributes on one element, namespace declarations included. */
  maxAttributes: number
  /** Characters of text (text and CDATA together) directly in one element, and of one attribute value. */
  maxTextLength: number
  /** Bodies larger than this many bytes are parsed in a worker thread; absent: never. */
  offloadAboveBytes?: number
}

/** An element with its namespace URI kept (`''` when it has none), so adapters can check it. */
export interface XElement extends XNode {
  ns: string
  children: XElement[]
}

export interface XmlDocument {
  root: XElement
  /** Namespace URI of the root element; undefined when it has none. */
  namespace: string | undefined
}

/** A sax attribute in xmlns mode. `uri` is whatever sax's prefix lookup found, not always a string. */
export interface SaxAttr { name: string, value: string, prefix: string, local: string, uri: unknown }
export interface SaxTag { name: string, prefix: string, local: string, uri: unknown, attributes: Record<string, SaxAttr> }

/** The parts of sax's parser that xml2js 0.6 drives and that we hook. */
export interface SaxParser {
  write: (chunk: string) => SaxParser
  close: () => SaxParser
  attribList: unknown[]
  /** Offset in the document just past the `<` of the markup being read or just read. */
  startTagPosition: number
  /** Offset in the document just past the last character read. */
  position: number
  onopentagstart?: (tag: { name: string }) => void
  onattribute?: (attr: SaxAttr) => void
  onopentag: (tag: SaxTag) => void
  onclosetag: (name: string) => void
  ontext: (text: string) => void
  oncdata: (text: string) => void
  onopencdata?: () => void
  onclosecdata?: () => void
  oncomment?: (text: string) => void
  ondoctype?: (body: string) => void
  onprocessinginstruction?: (pi: { name: string, body: string }) => void
  onsgmldeclaration?: (body: string) => void
  onerror: (err: Error) => void
}
