/**
 * SOAP 1.1 for sector systems that speak it (social insurance): unwrapping the request envelope
 * and writing the reply envelope, success or fault. Replies are built with xml2js's Builder so
 * that every value from a sender is escaped by the library, never spliced into a string.
 */
import xml2js from 'xml2js'
import { Errors, InputError, type ErrorBody, type FieldIssue } from '../domain/errors.js'
import type { XElement, XmlDocument } from './xml.js'

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/'
export const SOAP_CONTENT_TYPE = 'text/xml; charset=utf-8'
/** Namespace of the gateway's own elements inside a fault's `detail` (SOAP 1.1 wants them qualified). */
export const GATEWAY_FAULT_NS = 'urn:vn:lienthong:gateway:loi:1.0'

export interface SoapRequest {
  header: XElement | undefined
  /** The single element in Body, e.g. `GuiHoSo`. */
  operation: XElement
  /** The operation's first element child, e.g. `HoSo`. */
  payload: XElement
}

export function unwrapSoap (doc: XmlDocument): SoapRequest {
  const env = doc.root
  if (env.name !== 'Envelope') throw Errors.badXml(`expected a SOAP Envelope, found <${env.name}>`, env.name)
  checkNamespace(env, SOAP11_NS, 'Envelope')
  const headers = env.children.filter(c => c.name === 'Header')
  const bodies = env.children.filter(c => c.name === 'Body')
  for (const h of headers) checkNamespace(h, SOAP11_NS, 'Envelope/Header')
  for (const b of bodies) checkNamespace(b, SOAP11_NS, 'Envelope/Body')
  if (headers.length > 1) throw Errors.badXml('more than one SOAP Header', 'Envelope/Header')
  const body = bodies[0]
  if (body === undefined) throw Errors.badXml('SOAP Body missing', 'Envelope/Body')
  if (bodies.length > 1) throw Errors.badXml('more than one SOAP Body', 'Envelope/Body')
  const operation = body.children[0]
  if (operation === undefined) throw Errors.badXml('SOAP Body is empty', 'Envelope/Body')
  if (body.children.length > 1) throw Errors.badXml('SOAP Body must hold exactly one operation', 'Envelope/Body')
  const payload = operation.children[0]
  if (payload === undefined) {
    throw Errors.badXml(`operation <${operation.name}> carries no document`, `Envelope/Body/${operation.name}`)
  }
  return { header: headers[0], operation, payload }
}

/** Refuses an element outside the namespace the sender's format is defined in (any prefix will do). */
export function checkNamespace (node: XElement, expectedUri: string, path: string): void {
  if (node.ns === expectedUri) return
  const none = node.ns === ''
  throw new InputError('WRONG_NAMESPACE', 400, {
    vi: `Phần tử ${node.name} phải thuộc không gian tên ${expectedUri} (nhận được: ${none ? 'không có' : node.ns})`,
    en: `Element ${node.name} must be in namespace ${expectedUri} (got: ${none ? 'none' : node.ns})`
  }, { field: path })
}

const NCNAME = /^[A-Za-z_][\w.-]*$/
// Characters XML 1.0 cannot carry at all, lone surrogates included; the Builder would throw on them.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

function xmlText (s: string): string {
  return s.replace(NOT_XML_CHAR, '\uFFFD')
}

function build (body: Record<string, unknown>, namespaces: Record<string, string>): string {
  const builder = new xml2js.Builder({
    xmldec: { version: '1.0', encoding: 'UTF-8' },
    renderOpts: { pretty: false }
  })
  return builder.buildObject({
    'soapenv:Envelope': { $: { 'xmlns:soapenv': SOAP11_NS, ...namespaces }, 'soapenv:Body': body }
  })
}

/**
 * The reply to a SOAP operation: `<op>Response` holding one element per defined field.
 * `prefix` only names the namespace in the reply; readers must go by the URI.
 */
export function soapSuccess (
  result: Record<string, string | undefined>,
  opts: { namespace: string, operation: string, prefix?: string }
): string {
  // An empty namespace cannot be bound to a prefix: the reply is then unqualified.
  const q = opts.namespace === '' ? '' : `${opts.prefix ?? 'ns'}:`
  const names = [opts.operation, ...Object.keys(result), opts.prefix ?? 'ns']
  for (const n of names) {
    // Field names come from our code, but a bad one would be markup, not text: fail loudly.
    if (!NCNAME.test(n)) throw new TypeError(`not an XML name: ${n}`)
  }
  const fields: Record<string, string> = {}
  for (const [key, value] of Object.entries(result)) {
    if (value !== undefined) fields[`${q}${key}`] = xmlText(value)
  }
  const namespaces: Record<string, string> = q === '' ? {} : { [`xmlns:${opts.prefix ?? 'ns'}`]: opts.namespace }
  return build({ [`${q}${opts.operation}Response`]: fields }, namespaces)
}

function messages (m: { vi: string, en: string }): Array<{ _: string, $: Record<string, string> }> {
  return [
    { _: xmlText(m.vi), $: { 'xml:lang': 'vi' } },
    { _: xmlText(m.en), $: { 'xml:lang': 'en' } }
  ]
}

function issueEntry (i: FieldIssue): Record<string, unknown> {
  return { 'gw:Code': xmlText(i.code), 'gw:Field': xmlText(i.field), 'gw:Message': messages(i.message) }
}

/** Every fault travels with this HTTP status (SOAP 1.1 §6.2, WS-I Basic Profile R1126). */
export const SOAP_FAULT_STATUS = 500

/**
 * A SOAP 1.1 fault for a refused or failed request. `faultcode` says whose fault it is (Client
 * for 4xx, Server otherwise), `faultstring` carries the English message, and `detail` the machine
 * code, the field and both messages, the status a JSON sender would have got (`gw:Status`: the
 * fault itself is always sent with HTTP 500), the byte offset when there is one, plus one
 * `gw:Issue` per nested error.
 */
export function soapFault (err: ErrorBody, statusCode: number): string {
  const error: Record<string, unknown> = { $: { 'xmlns:gw': GATEWAY_FAULT_NS }, 'gw:Code': xmlText(err.code) }
  if (err.field !== undefined) error['gw:Field'] = xmlText(err.field)
  error['gw:Message'] = messages(err.message)
  error['gw:Status'] = String(statusCode)
  if (err.offset !== undefined) error['gw:Offset'] = String(err.offset)
  if (err.errors !== undefined && err.errors.length > 0) error['gw:Issue'] = err.errors.map(issueEntry)
  return build({
    'soapenv:Fault': {
      faultcode: statusCode >= 400 && statusCode < 500 ? 'soapenv:Client' : 'soapenv:Server',
      faultstring: { _: xmlText(err.message.en), $: { 'xml:lang': 'en' } },
      detail: { 'gw:Error': error }
    }
  }, {})
}
