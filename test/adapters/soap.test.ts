import t, { type Test } from 'tap'
import { parseXml, type XElement } from '../../src/adapters/xml.js'
import {
  checkNamespace, GATEWAY_FAULT_NS, SOAP11_NS, SOAP_CONTENT_TYPE, soapFault, soapSuccess, unwrapSoap
} from '../../src/adapters/soap.js'
import { Errors, GatewayError, ValidationError, issue } from '../../src/domain/errors.js'
import { sample } from '../../support/samples.js'

const social = sample('social-insurance.xml')
const BHXH_NS = 'urn:vn:bhxh:tiepnhan:2.1'

function kids (node: XElement, name: string): XElement[] {
  return node.children.filter(c => c.name === name)
}
function kid (node: XElement, name: string): XElement {
  const k = kids(node, name)[0]
  if (k === undefined) throw new Error(`no ${name} under ${node.name}`)
  return k
}

async function unwrapFails (t: Test, xml: string, code: string, field: string): Promise<void> {
  const doc = await parseXml(xml)
  let err: unknown
  try { unwrapSoap(doc) } catch (e) { err = e }
  t.equal((err as GatewayError).code, code, (err as GatewayError).message)
  t.equal((err as GatewayError).field, field)
  t.equal((err as GatewayError).statusCode, 400)
}

const env = (body: string, header = ''): string =>
  `<s:Envelope xmlns:s="${SOAP11_NS}" xmlns:bh="${BHXH_NS}">${header}<s:Body>${body}</s:Body></s:Envelope>`

t.test('unwrapSoap finds header, operation and payload, whatever the prefixes', async t => {
  const variants = [
    social,
    social.replaceAll('bh:', 'ns2:').replace('xmlns:bh=', 'xmlns:ns2=').replaceAll('soapenv:', 'S:').replace('xmlns:soapenv=', 'xmlns:S='),
    social.replaceAll('bh:', '').replace(` xmlns:bh="${BHXH_NS}"`, '')
      .replace('<GuiHoSo>', `<GuiHoSo xmlns="${BHXH_NS}">`).replace('<DonViGui>', `<DonViGui xmlns="${BHXH_NS}">`)
  ]
  for (const xml of variants) {
    const { header, operation, payload } = unwrapSoap(await parseXml(xml))
    t.equal(kid(header!, 'DonViGui').text, 'BHXH-42-CAMXUYEN')
    t.equal(operation.name, 'GuiHoSo')
    t.equal(payload.name, 'HoSo')
    t.doesNotThrow(() => checkNamespace(operation, BHXH_NS, 'Envelope/Body/GuiHoSo'))
    t.doesNotThrow(() => checkNamespace(payload, BHXH_NS, 'Envelope/Body/GuiHoSo/HoSo'))
    t.equal(kid(payload, 'SoHoSo').text, '03706/2025/07906')
  }
  const bare = unwrapSoap(await parseXml(env('<bh:GuiHoSo>\n  <!-- c -->\n  <bh:HoSo/></bh:GuiHoSo>')))
  t.equal(bare.header, undefined, 'Header is optional')
  t.equal(bare.payload.name, 'HoSo', 'whitespace and comments around the payload are not elements')
})

t.test('checkNamespace refuses a wrong or missing namespace, bilingually', async t => {
  const doc = await parseXml(social.replace(`xmlns:bh="${BHXH_NS}"`, 'xmlns:bh="urn:vn:bhxh:tiepnhan:2.0"'))
  const { payload } = unwrapSoap(doc)
  t.throws(() => checkNamespace(payload, BHXH_NS, 'HoSo'), {
    code: 'WRONG_NAMESPACE',
    statusCode: 400,
    field: 'HoSo',
    messages: { vi: /không gian tên urn:vn:bhxh:tiepnhan:2\.1.*urn:vn:bhxh:tiepnhan:2\.0/, en: /namespace urn:vn:bhxh:tiepnhan:2\.1.*2\.0/ }
  })
  const none = await parseXml('<HoSoDangKyDatDai/>')
  t.throws(() => checkNamespace(none.root, 'urn:vn:datdai:hoso:1.2', 'HoSoDangKyDatDai'), {
    code: 'WRONG_NAMESPACE', messages: { en: /got: none/, vi: /không có/ }
  })
  t.type((() => { try { checkNamespace(none.root, 'urn:x', 'x') } catch (e) { return e } })(), GatewayError)
})

t.test('unwrapSoap refuses broken envelopes with the path', async t => {
  await unwrapFails(t, `<bh:HoSo xmlns:bh="${BHXH_NS}"/>`, 'BAD_XML', 'HoSo')
  await unwrapFails(t, '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>', 'WRONG_NAMESPACE', 'Envelope')
  await unwrapFails(t, '<Envelope><Body/></Envelope>', 'WRONG_NAMESPACE', 'Envelope')
  await unwrapFails(t, `<s:Envelope xmlns:s="${SOAP11_NS}"/>`, 'BAD_XML', 'Envelope/Body')
  await unwrapFails(t, `<s:Envelope xmlns:s="${SOAP11_NS}"><s:Header/></s:Envelope>`, 'BAD_XML', 'Envelope/Body')
  await unwrapFails(t, `<s:Envelope xmlns:s="${SOAP11_NS}"><Body><GuiHoSo><HoSo/></GuiHoSo></Body></s:Envelope>`, 'WRONG_NAMESPACE', 'Envelope/Body')
  await unwrapFails(t, env('<bh:GuiHoSo><bh:HoSo/></bh:GuiHoSo>', '<s:Header/><s:Header/>'), 'BAD_XML', 'Envelope/Header')
  await unwrapFails(t, `<s:Envelope xmlns:s="${SOAP11_NS}"><s:Body/><s:Body/></s:Envelope>`, 'BAD_XML', 'Envelope/Body')
  await unwrapFails(t, env(''), 'BAD_XML', 'Envelope/Body')
  await unwrapFails(t, env('  text only  '), 'BAD_XML', 'Envelope/Body')
  await unwrapFails(t, env('<bh:GuiHoSo><bh:HoSo/></bh:GuiHoSo><bh:GuiHoSo><bh:HoSo/></bh:GuiHoSo>'), 'BAD_XML', 'Envelope/Body')
  await unwrapFails(t, env('<bh:GuiHoSo>no payload</bh:GuiHoSo>'), 'BAD_XML', 'Envelope/Body/GuiHoSo')
})

t.test('soapSuccess round-trips through parseXml', async t => {
  t.equal(SOAP_CONTENT_TYPE, 'text/xml; charset=utf-8')
  const xml = soapSuccess({ MaHoSo: 'H42.18601-250701-0001', KetQua: 'new', TrangThai: undefined, GhiChu: '<b>&"\'</b>\u0001' },
    { namespace: BHXH_NS, operation: 'GuiHoSo', prefix: 'bh' })
  t.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/)
  t.match(xml, '<bh:GuiHoSoResponse><bh:MaHoSo>H42.18601-250701-0001</bh:MaHoSo><bh:KetQua>new</bh:KetQua>')
  const doc = await parseXml(xml)
  const { header, operation } = unwrapSoapResponse(doc.root)
  t.equal(header, undefined)
  t.equal(operation.name, 'GuiHoSoResponse')
  t.equal(operation.ns, BHXH_NS)
  t.same(operation.children.map(c => [c.name, c.ns, c.text]), [
    ['MaHoSo', BHXH_NS, 'H42.18601-250701-0001'],
    ['KetQua', BHXH_NS, 'new'],
    ['GhiChu', BHXH_NS, '<b>&"\'</b>\uFFFD']
  ], 'undefined fields left out; markup escaped; a character XML cannot carry replaced')
  const plain = await parseXml(soapSuccess({ MaHoSo: 'x' }, { namespace: '', operation: 'GuiHoSo' }))
  t.equal(unwrapSoapResponse(plain.root).operation.ns, '', 'no namespace, no prefix')
  const defaultPrefix = soapSuccess({ MaHoSo: 'x' }, { namespace: BHXH_NS, operation: 'GuiHoSo' })
  t.equal(unwrapSoapResponse((await parseXml(defaultPrefix)).root).operation.ns, BHXH_NS)
  t.throws(() => soapSuccess({ 'a><b': 'x' }, { namespace: BHXH_NS, operation: 'GuiHoSo' }), TypeError)
})

function unwrapSoapResponse (root: XElement): { header: XElement | undefined, operation: XElement } {
  const { header, operation } = unwrapSoap({ root, namespace: root.ns })
  return { header, operation }
}

t.test('soapFault round-trips, Client for 4xx, Server for 5xx', async t => {
  const v = new ValidationError([
    issue('REQUIRED', 'HoSo/SoHoSo', 'HoSo/SoHoSo là trường bắt buộc', 'HoSo/SoHoSo is required'),
    issue('INVALID_DATE', 'HoSo/NgayNhan', 'sai ngày <&>', 'bad date <&>')
  ])
  const doc = await parseXml(soapFault(v.toJSON(), v.statusCode))
  t.equal(doc.namespace, SOAP11_NS)
  const fault = kid(kid(doc.root, 'Body'), 'Fault')
  t.equal(fault.ns, SOAP11_NS)
  t.equal(kid(fault, 'faultcode').text, 'soapenv:Client')
  t.equal(kid(fault, 'faultstring').text, v.messages.en)
  t.equal(kid(fault, 'faultstring').attrs.lang, 'en')
  const error = kid(kid(fault, 'detail'), 'Error')
  t.equal(error.ns, GATEWAY_FAULT_NS)
  t.equal(kid(error, 'Code').text, 'VALIDATION_FAILED')
  t.equal(kid(error, 'Field').text, 'HoSo/SoHoSo')
  t.same(kids(error, 'Message').map(m => [m.attrs.lang, m.text]), [['vi', v.messages.vi], ['en', v.messages.en]])
  t.same(kids(error, 'Issue').map(i => [kid(i, 'Code').text, kid(i, 'Field').text, ...kids(i, 'Message').map(m => m.text)]), [
    ['REQUIRED', 'HoSo/SoHoSo', 'HoSo/SoHoSo là trường bắt buộc', 'HoSo/SoHoSo is required'],
    ['INVALID_DATE', 'HoSo/NgayNhan', 'sai ngày <&>', 'bad date <&>']
  ])

  t.equal(kid(error, 'Status').text, '422', 'the status a JSON sender would get')
  t.same(kids(error, 'Offset'), [], 'no offset, no element')
  t.same(error.children.map(c => c.name), ['Code', 'Field', 'Message', 'Message', 'Status', 'Issue', 'Issue'], 'detail in a fixed order')

  const internal = await parseXml(soapFault(Errors.internal().toJSON(), 500))
  const f2 = kid(kid(internal.root, 'Body'), 'Fault')
  t.equal(kid(f2, 'faultcode').text, 'soapenv:Server')
  t.same(kids(kid(f2, 'detail'), 'Error').flatMap(e => kids(e, 'Field')), [], 'no field, no element')
  const unavailable = (await parseXml(soapFault(Errors.unavailable().toJSON(), 503))).root
  t.equal(kid(kid(kid(unavailable, 'Body'), 'Fault'), 'faultcode').text, 'soapenv:Server')
})

t.test('a fault for a body that is not UTF-8 carries the byte offset', async t => {
  const doc = await parseXml(soapFault(Errors.badEncoding(1234, 0xe1).toJSON(), 400))
  const error = kid(kid(kid(kid(doc.root, 'Body'), 'Fault'), 'detail'), 'Error')
  t.equal(kid(error, 'Code').text, 'BAD_ENCODING')
  t.equal(kid(error, 'Offset').text, '1234')
  t.equal(kid(error, 'Status').text, '400')
  t.match(kids(error, 'Message').map(m => m.text), [/vị trí 1234 \(0xE1\)/, /offset 1234 \(0xE1\)/])
})

t.test('a fault echoing hostile input is still well-formed', async t => {
  const err = Errors.badXml('Unexpected "]]></faultstring><x>" \u0000\uD800 at line 1', '</detail>')
  const doc = await parseXml(soapFault(err.toJSON(), 400))
  const fault = kid(kid(doc.root, 'Body'), 'Fault')
  t.equal(kid(kid(kid(fault, 'detail'), 'Error'), 'Field').text, '</detail>')
  t.match(kid(fault, 'faultstring').text, 'Unexpected "]]></faultstring><x>" \uFFFD\uFFFD at line 1')
})
