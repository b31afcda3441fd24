/**
 * Well-formedness rules that sax 1.6 does not enforce even in strict mode, checked here so that
 * nothing not well-formed is taken in (a sender whose software writes broken XML must hear it,
 * and the stored payload must be something any XML tool can read back):
 * - characters XML 1.0 excludes (controls, U+FFFE/U+FFFF, lone surrogates): sax passes them on;
 * - a CDATA section outside the root element: sax reads it, xml2js drops it;
 * - a raw `<` in an attribute value: sax stores it verbatim;
 * - `]]>` in character data;
 * - white space right after `<` or `</`;
 * - an XML declaration other than `version`, `encoding`, `standalone` in that order;
 * - a prefix bound to the empty namespace (XML Namespaces 1.0) and one attribute given twice
 *   under two prefixes of the same namespace.
 *
 * The raw checks need the document as written (sax hands values over with entities already
 * replaced, so `&lt;` and `<` look alike): they look at the span of the document sax has just
 * read, using the position sax keeps, so each character is looked at a bounded number of times.
 */
import { Errors } from '../domain/errors.js'
import type { SaxAttr, SaxParser } from './xml-types.js'

// Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u
const XML_DECLARATION = /^version\s*=\s*(["'])1\.[0-9]+\1(?:\s+encoding\s*=\s*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:\s+standalone\s*=\s*(["'])(?:yes|no)\3)?\s*$/
const SPACE = /^[ \t\r\n]$/

/** `line L, column C` of a 0-based index, counted as sax counts (columns from 1, in UTF-16 units). */
export function where (text: string, index: number): string {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++
  return `line ${line}, column ${index - lineStart + 1}`
}

/** One pass over the whole document: any character XML 1.0 cannot carry, wherever it is. */
export function checkCharacters (text: string): void {
  const m = NOT_XML_CHAR.exec(text)
  if (m === null) return
  const code = (m[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')
  throw Errors.badXml(`character U+${code} is not allowed in XML at ${where(text, m.index)}`)
}

/** The body of `<?xml …?>` as sax gives it (leading white space removed). */
export function checkDeclaration (body: string): void {
  if (!XML_DECLARATION.test(body)) {
    throw Errors.badXml('malformed XML declaration (expected <?xml version="1.0" encoding="UTF-8"?>)')
  }
}

/**
 * Hooks the raw checks onto sax's events; `text` is the whole document sax is being fed (its
 * positions are offsets into it). Installed after the limit guards, whose handlers it wraps.
 */
export function installWellFormedness (sax: SaxParser, text: string, inRoot: () => boolean, path: () => string | undefined): void {
  // Where the last piece of markup ended: character data runs from there to the next `<`.
  let markupEnd = 0
  let expanded = new Set<string>()
  const tagStart = (): number => sax.startTagPosition - 1
  const outsideRoot = (): never => { throw Errors.badXml('CDATA section outside the root element', path()) }

  const { onopentagstart, onattribute, onopentag, onclosetag, ontext, onprocessinginstruction } = sax
  sax.onopentagstart = (tag) => {
    if (SPACE.test(text.charAt(sax.startTagPosition))) {
      throw Errors.badXml(`space after "<" at ${where(text, sax.startTagPosition)}`, path())
    }
    expanded = new Set()
    onopentagstart?.(tag)
  }
  sax.onattribute = (a: SaxAttr) => {
    if (a.name.startsWith('xmlns:') && a.value === '') {
      throw Errors.badXml(`namespace prefix "${clip(a.local)}" bound to an empty namespace`, path())
    }
    if (a.prefix !== '' && a.prefix !== 'xmlns' && typeof a.uri === 'string') {
      const key = `{${a.uri}}${a.local}`
      if (expanded.has(key)) throw Errors.badXml(`attribute ${clip(key)} repeated`, path())
      expanded.add(key)
    }
    onattribute?.(a)
  }
  sax.onopentag = (tag) => {
    // sax calls this on the `>` that ends the tag: any `<` since the tag's own is in a value.
    const lt = text.indexOf('<', sax.startTagPosition)
    if (lt !== -1 && lt < sax.position) throw Errors.badXml(`"<" in an attribute value at ${where(text, lt)}`, path())
    onopentag(tag)
    markupEnd = sax.position
  }
  sax.onclosetag = (name) => {
    const start = tagStart()
    if (text.charAt(start + 1) === '/' && SPACE.test(text.charAt(start + 2))) {
      throw Errors.badXml(`space after "</" at ${where(text, start + 2)}`, path())
    }
    onclosetag(name)
    markupEnd = sax.position
  }
  sax.ontext = (t) => {
    // The decoded text holds `]]>` whenever the raw text does (not conversely: `]]&gt;`).
    if (t.includes(']]>')) {
      // Only this text's own span: a search to the end of the document, once per text, could be quadratic.
      const at = text.slice(markupEnd, tagStart()).indexOf(']]>')
      if (at !== -1) throw Errors.badXml(`"]]>" in text at ${where(text, markupEnd + at)}`, path())
    }
    ontext(t)
  }
  sax.onopencdata = () => { if (!inRoot()) outsideRoot() }
  sax.onclosecdata = () => { markupEnd = sax.position }
  sax.oncomment = () => { markupEnd = sax.position }
  sax.onprocessinginstruction = (pi) => {
    onprocessinginstruction?.(pi)
    if (pi.name === 'xml') checkDeclaration(pi.body)
    markupEnd = sax.position
  }
}

function clip (s: string): string {
  return s.length > 200 ? `…${s.slice(-199)}` : s
}
