/**
 * The synchronous XML parse, run on the main thread for small bodies and in the worker pool for
 * large ones.
 *
 * Why hooks on xml2js's own sax parser rather than a sax pre-pass: xml2js is the parser of
 * record, and it drives sax (strict, xmlns) itself. A separate pre-pass would read every body
 * twice, and xml2js alone checks none of our limits. So we wrap the sax handlers that xml2js
 * installs: each guard runs on the same event, in the same single pass, and throws as soon as a
 * limit trips; the throw unwinds out of sax's write loop, so no more of the body is read. The
 * tree is still built by xml2js (`explicitChildren` + `preserveChildrenOrder` for document
 * order, `xmlns` for namespace URIs) and only reshaped into `XElement`s here.
 *
 * We write to that sax parser ourselves instead of calling parseString, which only strips a BOM
 * and writes the whole body at once (see the slicing below); xml2js's `async` mode slices too,
 * but loses any error thrown by a handler (it emits the error object as an event name). This
 * relies on xml2js 0.6 exposing `saxParser` and setting its handlers in the constructor; the
 * tests fail at once if a later version changes that.
 */
import xml2js from 'xml2js'
import { Errors, GatewayError } from '../domain/errors.js'
import type { SaxAttr, SaxParser, XElement, XmlDocument, XmlLimits } from './xml-types.js'
import { checkCharacters, installWellFormedness } from './xml-wellformed.js'
import { firstInvalidUtf8 } from './utf8.js'

/** An element as xml2js builds it with the options below. */
interface X2jNode {
  '#attrsns': { uri: unknown, local: string }
  '#text'?: string
  '#attrs'?: Record<string, SaxAttr>
  '#children'?: X2jNode[]
}

// Keys start with `#`, which no XML name can, so no element or attribute can collide with them.
const X2J_OPTIONS: xml2js.ParserOptions = {
  strict: true,
  xmlns: true,
  explicitRoot: false,
  explicitChildren: true,
  preserveChildrenOrder: true,
  charkey: '#text',
  attrkey: '#attrs',
  childkey: '#children'
}

const SLICE = 16 * 1024
const DTD_KEYWORD = /^(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)\b/i
const ENCODING_DECL = /(?:^|\s)encoding\s*=\s*(["'])([^"']*)\1/
const utf8 = new TextDecoder('utf-8', { fatal: true })

export function parseXmlSync (input: string | Uint8Array, limits: XmlLimits): XmlDocument {
  const text = decode(input)
  if (text.trim() === '') throw Errors.badXml('empty document')
  rejectDoctypeInProlog(text)
  // A second pass, but a single regular expression: characters sax would let through anywhere.
  checkCharacters(text)

  const parser = new xml2js.Parser(X2J_OPTIONS)
  const sax = (parser as unknown as { saxParser: SaxParser }).saxParser
  const guard = installGuards(sax, limits)
  installWellFormedness(sax, text, guard.inRoot, guard.path)
  const out: { root: X2jNode | null } = { root: null }
  parser.on('end', (r: X2jNode | null) => { out.root = r })
  try {
    // What xml2js's parseString does, but in slices, as its own `async` mode does: sax checks its
    // token buffers (comments, names, attribute values) once per write, so one write of the whole
    // body would let a 2 MB comment grow char by char. Slices cap every token at 64 KiB + a slice.
    for (let i = 0; i < text.length; i += SLICE) sax.write(text.slice(i, i + SLICE))
    sax.close()
  } catch (err) {
    throw translate(err, guard.path())
  }
  if (out.root === null) throw Errors.badXml('no root element')
  const root = toElement(out.root)
  return { root, namespace: root.ns === '' ? undefined : root.ns }
}

function decode (input: string | Uint8Array): string {
  if (typeof input === 'string') return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  try {
    // The decoder drops a UTF-8 BOM; with `fatal` a UTF-16 body or Latin-1 bytes fail here.
    return utf8.decode(input)
  } catch {
    throw Errors.badXml(`body is not valid UTF-8 (first invalid byte at offset ${firstInvalidUtf8(input)})`)
  }
}

/**
 * Refuses a DOCTYPE by looking only at the prolog (declaration, comments, processing
 * instructions), before sax reads the internal subset that a billion-laughs or XXE payload
 * lives in. A DOCTYPE anywhere else is caught by the `ondoctype` guard.
 */
function rejectDoctypeInProlog (text: string): void {
  let i = 0
  for (;;) {
    while (i < text.length && ' \t\r\n'.includes(text.charAt(i))) i++
    const close = text.startsWith('<?', i) ? '?>' : text.startsWith('<!--', i) ? '-->' : undefined
    if (close !== undefined) {
      const end = text.indexOf(close, i + 2)
      if (end < 0) return
      i = end + close.length
      continue
    }
    if (text.startsWith('<!', i) && /^<!DOCTYPE/i.test(text.slice(i, i + 9))) {
      throw Errors.xmlForbidden('DOCTYPE')
    }
    return
  }
}

function installGuards (sax: SaxParser, limits: XmlLimits): { path: () => string | undefined, inRoot: () => boolean } {
  const names: string[] = []
  const textLengths: number[] = []
  let nodes = 0
  let attrs: Record<string, SaxAttr> = Object.create(null)
  const path = (): string => names.join('/')
  const localName = (qname: string): string => qname.slice(qname.indexOf(':') + 1)

  const { onopentag, onclosetag, ontext, oncdata } = sax
  sax.onopentagstart = (tag) => {
    // sax accepts a second root element and xml2js would silently return it instead.
    if (names.length === 0 && nodes > 0) throw Errors.badXml('more than one root element')
    names.push(localName(tag.name))
    textLengths.push(0)
    if (names.length > limits.maxDepth) throw Errors.xmlLimit(`nesting deeper than ${limits.maxDepth}`, clip(path()))
    if (++nodes > limits.maxNodes) throw Errors.xmlLimit(`more than ${limits.maxNodes} elements`, clip(path()))
    attrs = Object.create(null)
  }
  // In xmlns mode sax collects a tag's attributes in `attribList` and checks each new one for
  // duplicates with indexOf: quadratic. Counting at push time stops a 2 MB tag of attributes
  // before that bites; sax assigns this array once, so the override lasts the whole parse.
  const list = sax.attribList
  const push = list.push.bind(list)
  list.push = (...items: unknown[]): number => {
    if (list.length + items.length > limits.maxAttributes) {
      throw Errors.xmlLimit(`more than ${limits.maxAttributes} attributes on one element`, clip(path()))
    }
    return push(...items)
  }
  sax.onattribute = (a) => {
    if (a.value.length > limits.maxTextLength) {
      throw Errors.xmlLimit(`attribute longer than ${limits.maxTextLength} characters`, clip(`${path()}/@${a.local}`))
    }
    if (typeof a.uri !== 'string') throw Errors.badXml(`unbound namespace prefix "${clip(a.prefix)}"`, clip(path()))
    // sax in xmlns mode lets a repeated attribute through (the last one would win).
    if (Object.hasOwn(attrs, a.name)) throw Errors.badXml(`attribute "${clip(a.name)}" repeated`, clip(path()))
    // sax files attributes in a plain object, where one named `__proto__` would become its
    // prototype and vanish; a null-prototype map keeps it as data for xml2js to copy.
    attrs[a.name] = a
  }
  sax.onopentag = (tag) => {
    if (typeof tag.uri !== 'string') throw Errors.badXml(`unbound namespace prefix "${clip(tag.prefix)}"`, clip(path()))
    tag.attributes = attrs
    onopentag(tag)
  }
  sax.onclosetag = (name) => {
    onclosetag(name)
    names.pop()
    textLengths.pop()
  }
  const countText = (t: string): void => {
    const top = textLengths.length - 1
    if (top < 0) return
    const total = (textLengths[top] ?? 0) + t.length
    textLengths[top] = total
    if (total > limits.maxTextLength) throw Errors.xmlLimit(`text longer than ${limits.maxTextLength} characters`, clip(path()))
  }
  sax.ontext = (t) => { countText(t); ontext(t) }
  sax.oncdata = (t) => { countText(t); oncdata(t) }
  sax.ondoctype = (body) => {
    throw Errors.xmlForbidden(/<!ENTITY/i.test(body) ? 'DOCTYPE with ENTITY declarations' : 'DOCTYPE')
  }
  sax.onsgmldeclaration = (body) => {
    const keyword = DTD_KEYWORD.exec(body)?.[1]
    if (keyword !== undefined) throw Errors.xmlForbidden(`${keyword.toUpperCase()} declaration`)
    throw Errors.badXml('unexpected markup declaration', names.length > 0 ? clip(path()) : undefined)
  }
  sax.onprocessinginstruction = (pi) => {
    if (pi.name !== 'xml') throw Errors.xmlForbidden(`processing instruction <?${clip(pi.name)}?>`)
    // sax sets startTagPosition just past the `<`: 1 means the very first character.
    if (sax.startTagPosition !== 1) throw Errors.badXml('XML declaration not at the start of the document')
    const encoding = ENCODING_DECL.exec(pi.body)?.[2]
    if (encoding !== undefined && encoding.toLowerCase().replace(/[^a-z0-9]/g, '') !== 'utf8') {
      throw Errors.badXml(`encoding "${clip(encoding)}" is not supported, only UTF-8`)
    }
  }
  // Stop at the first error: xml2js's own handler resumes sax and would read on to the end.
  sax.onerror = (err) => { throw err }
  return { path: () => names.length > 0 ? clip(path()) : undefined, inRoot: () => names.length > 0 }
}

function translate (err: unknown, field: string | undefined): GatewayError {
  if (err instanceof GatewayError) return err
  const message = err instanceof Error ? err.message : String(err)
  const [what = 'unreadable document', ...rest] = message.split('\n')
  if (what.startsWith('Max buffer length exceeded')) {
    // sax caps any single token (name, comment, attribute value) at 64 KiB.
    return Errors.xmlLimit('a name, comment or value longer than 65536 characters', field)
  }
  // Every sax error ends with its position; anything else is not the sender's syntax, and its
  // message (an internal detail) is not echoed.
  const pos = /Line: (\d+)\s+Column: (\d+)/.exec(rest.join('\n'))
  if (pos === null) return Errors.badXml('unreadable document', field)
  // sax counts lines from 0 and columns from 1.
  return Errors.badXml(`${clip(what.replace(/\.$/, ''))} at line ${Number(pos[1]) + 1}, column ${pos[2]}`, field)
}

function toElement (node: X2jNode): XElement {
  const attrs: Record<string, string> = Object.create(null)
  const source = node['#attrs']
  if (source !== undefined) {
    for (const key of Object.keys(source)) {
      const a = source[key]
      if (a === undefined || a.prefix === 'xmlns' || a.name === 'xmlns') continue
      if (!Object.hasOwn(attrs, a.local)) attrs[a.local] = a.value
    }
  }
  const children = node['#children']
  return {
    name: node['#attrsns'].local,
    ns: String(node['#attrsns'].uri),
    attrs,
    text: node['#text'] ?? '',
    children: children === undefined ? [] : children.map(toElement)
  }
}

/** Error fields are echoed to the sender: a hostile 64 KiB name must not bloat them. */
function clip (s: string): string {
  return s.length > 200 ? `…${s.slice(-199)}` : s
}

export type { SaxAttr, SaxParser } from './xml-types.js'
