/**
 * What the gateway does with the sender's bytes before any mapping: UTF-8 or refused with the
 * offset (never U+FFFD), charset, empty bodies, XML that is not well-formed, canonical input
 * that only looks canonical, SOAP status codes, and refusals made by the HTTP layer itself.
 */
import t, { type Test } from 'tap'
import { connect } from 'node:net'
import { readFileSync } from 'node:fs'
import { civilStatus, post, sample } from '../../support/samples.js'
import { parseXml, type XElement } from '../../src/adapters/xml.js'
import { GATEWAY_FAULT_NS, SOAP11_NS } from '../../src/adapters/soap.js'
import { useStack } from '../helpers/fixture.js'

const { gw, db: client } = useStack(t, { simulator: false, env: { ROLE: 'api', BODY_LIMIT_BYTES: '65536' }, db: true, settled: true })

const canonicalFixture = (name: string): string => readFileSync(new URL(`../../fixtures/canonical/${name}`, import.meta.url), 'utf8')

async function dataKeys (): Promise<string[]> {
  return (await client.keys('*')).filter(k => !k.includes(':ratelimit:')).sort()
}

async function postBytes (system: string, body: Buffer, contentType: string): Promise<{ status: number, json: any, text: string }> {
  const res = await fetch(`${gw.url}/v1/inbound/${system}`, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-api-key': gw.keys[system] as string },
    body: new Uint8Array(body)
  })
  const text = await res.text()
  let json: any
  try { json = JSON.parse(text) } catch { json = undefined }
  return { status: res.status, json, text }
}

function child (node: XElement | undefined, name: string): XElement | undefined {
  return node?.children.find(c => c.name === name)
}

/** The gateway's error element of a SOAP fault reply, after checking it is one. */
async function soapError (t: Test, res: { status: number, text: string }, faultcode: string): Promise<XElement | undefined> {
  t.equal(res.status, 500, 'a SOAP fault travels with HTTP 500')
  const doc = await parseXml(res.text)
  t.equal(doc.root.ns, SOAP11_NS)
  const fault = child(child(doc.root, 'Body'), 'Fault')
  t.equal(child(fault, 'faultcode')?.text, faultcode)
  const error = child(child(fault, 'detail'), 'Error')
  t.equal(error?.ns, GATEWAY_FAULT_NS)
  t.same(error?.children.filter(c => c.name === 'Message').map(m => m.attrs.lang), ['vi', 'en'])
  return error
}

t.test('a body that is not UTF-8 is refused with the offset of its first bad byte, never decoded with U+FFFD', async t => {
  const before = await dataKeys()
  const json = JSON.stringify(civilStatus(900))
  const at = json.indexOf('Trần Văn Bình')
  // "Tr" then a lone 0xE1 (a Latin-1 á): what a sender exporting Windows-1258 or Latin-1 sends.
  const bytes = Buffer.concat([Buffer.from(json.slice(0, at + 2)), Buffer.from([0xe1]), Buffer.from(json.slice(at + 3))])
  const offset = Buffer.byteLength(json.slice(0, at + 2))
  const res = await postBytes('civil-status', bytes, 'application/json')
  t.equal(res.status, 400)
  t.equal(res.json.code, 'BAD_ENCODING')
  t.equal(res.json.offset, offset, 'the offset in the body')
  t.match(res.json.message.en, `offset ${offset} (0xE1)`)
  t.match(res.json.message.vi, `vị trí ${offset}`)

  const land = Buffer.from(sample('land-registration.xml'))
  const cut = land.indexOf('Nguyên')
  const broken = Buffer.concat([land.subarray(0, cut), Buffer.from([0xed, 0xa0, 0x80]), land.subarray(cut)]) // a UTF-8-encoded surrogate
  const xml = await postBytes('land', broken, 'application/xml')
  t.equal(xml.status, 400)
  t.equal(xml.json.code, 'BAD_ENCODING')
  t.equal(xml.json.offset, cut)

  const soap = Buffer.from(sample('social-insurance.xml'))
  const s = soap.indexOf('Phan')
  const res2 = await postBytes('social-insurance', Buffer.concat([soap.subarray(0, s), Buffer.from([0xff]), soap.subarray(s)]), 'text/xml')
  const error = await soapError(t, res2, 'soapenv:Client')
  t.equal(child(error, 'Code')?.text, 'BAD_ENCODING')
  t.equal(child(error, 'Status')?.text, '400')
  t.equal(child(error, 'Offset')?.text, String(s))
  t.same(await dataKeys(), before, 'nothing stored')
})

t.test('a charset other than UTF-8 is refused with 415; utf-8 and utf8 in any case are fine', async t => {
  const refused: Array<[string, string]> = [['civil-status', 'application/json; charset=ISO-8859-1'], ['land', 'application/xml;charset="windows-1258"'], ['civil-status', 'application/json; charset=utf-16']]
  for (const [system, type] of refused) {
    const body = system === 'land' ? sample('land-registration.xml') : JSON.stringify(civilStatus(901))
    const res = await post(gw.url, gw.keys[system] as string, system, body, type)
    t.equal(res.status, 415, type)
    t.equal(res.json.code, 'UNSUPPORTED_CHARSET')
    t.equal(res.json.field, 'Content-Type')
    t.ok(res.json.message.vi.includes('UTF-8') && res.json.message.en.includes('UTF-8'))
  }
  for (const [n, type] of [[902, 'application/json; charset=UTF-8'], [903, 'application/json;charset="utf8"'], [904, 'application/json; Charset=Utf-8; foo=bar']] as const) {
    const res = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(n), type)
    t.equal(res.status, 202, type)
  }
})

t.test('an empty body is BAD_XML for an XML system and BAD_JSON for a JSON one', async t => {
  const land = await post(gw.url, gw.keys.land as string, 'land', '', 'application/xml')
  t.equal(land.status, 400)
  t.equal(land.json.code, 'BAD_XML')
  const json = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', '', 'application/json')
  t.equal(json.status, 400)
  t.equal(json.json.code, 'BAD_JSON')
  const soap = await post(gw.url, gw.keys['social-insurance'] as string, 'social-insurance', '', 'text/xml')
  t.equal(child(await soapError(t, soap, 'soapenv:Client'), 'Code')?.text, 'BAD_XML')
})

t.test('XML that sax tolerates but is not well-formed is refused at the door', async t => {
  const before = await dataKeys()
  const land = sample('land-registration.xml')
  const cases: Array<[string, string]> = [
    ['CDATA before the root', land.replace('<HoSoDangKyDatDai', '<![CDATA[x]]>\n<HoSoDangKyDatDai')],
    ['raw < in an attribute value', land.replace('ten="Đơn đăng ký biến động.pdf"', 'ten="Đơn <đăng ký> biến động.pdf"')],
    ['a control character', land.replace('Nguyên', 'Nguy\u0001ên')]
  ]
  for (const [name, body] of cases) {
    t.not(body, land, `${name}: the case changes the sample`)
    const res = await post(gw.url, gw.keys.land as string, 'land', body, 'application/xml')
    t.equal(res.status, 400, name)
    t.equal(res.json.code, 'BAD_XML', `${name}: ${String(res.json.message?.en)}`)
  }
  t.same(await dataKeys(), before, 'nothing stored')
})

t.test('a SOAP header value over its limit reaches the sender as a fault, not a silent drop', async t => {
  const body = sample('social-insurance.xml').replace('BHXH-42-CAMXUYEN', `BHXH-42-${'X'.repeat(120)}`)
  const res = await post(gw.url, gw.keys['social-insurance'] as string, 'social-insurance', body, 'text/xml')
  const error = await soapError(t, res, 'soapenv:Client')
  t.equal(child(error, 'Code')?.text, 'VALIDATION_FAILED')
  t.equal(child(error, 'Field')?.text, 'Header/DonViGui')
  t.equal(child(error, 'Status')?.text, '422')
})

t.test('SOAP: success is 200 with the response envelope', async t => {
  const res = await post(gw.url, gw.keys['social-insurance'] as string, 'social-insurance', sample('social-insurance.xml'), 'text/xml; charset=utf-8')
  t.equal(res.status, 200, res.text)
  const doc = await parseXml(res.text)
  t.match(child(child(child(doc.root, 'Body'), 'GuiHoSoResponse'), 'MaHoSo')?.text, /^000\.00\.45\.H42-250703-\d{5}$/)
  // A refusal made before the route runs its mapping (here, the key) is a fault too.
  const unauth = await post(gw.url, 'x'.repeat(43), 'social-insurance', sample('social-insurance.xml'), 'text/xml')
  const error = await soapError(t, unauth, 'soapenv:Client')
  t.equal(child(error, 'Code')?.text, 'UNAUTHENTICATED')
  t.equal(child(error, 'Status')?.text, '401')
})

t.test('canonical input is checked like the sectors\': an impossible date is a 422, never a 202', async t => {
  const before = await dataKeys()
  const key = gw.keys.canonical as string
  const res = await post(gw.url, key, 'canonical', canonicalFixture('impossible-dates.input.json'))
  t.equal(res.status, 422, res.text)
  t.equal(res.json.code, 'VALIDATION_FAILED')
  t.same(res.json.errors.map((e: { field: string }) => e.field).sort(), ['dueAt', 'receivedAt', 'returnedAt', 'step.at'])
  const ids = await post(gw.url, key, 'canonical', canonicalFixture('bad-ids.input.json'))
  t.equal(ids.status, 422)
  t.equal(ids.json.field, 'holder.ids[0].number')
  const commune = await post(gw.url, key, 'canonical', canonicalFixture('unknown-commune.input.json'))
  t.equal(commune.status, 422)
  t.match(commune.json.errors, [{ field: 'agency.communeCode', code: 'UNKNOWN_COMMUNE' }, { field: 'holder.address.communeCode' }])
  t.same(await dataKeys(), before, 'nothing stored')
  const ok = await post(gw.url, key, 'canonical', canonicalFixture('decomposed-text.input.json'))
  t.equal(ok.status, 202, ok.text)
  const look = await fetch(`${gw.url}/v1/dossiers/${encodeURIComponent(ok.json.maHoSo as string)}`, { headers: { 'x-api-key': key } })
  const stored = (await look.json() as { dossier: { holder: { name: string, phone: string } } }).dossier
  t.equal(stored.holder.name, 'Trần Văn Bình', 'stored as NFC with single spaces')
  t.equal(stored.holder.phone, '0912000111')
})

/** One request written as is on a fresh connection; the reply read until the server closes. */
async function raw (request: string): Promise<{ status: number, head: string, json: any }> {
  const port = new URL(gw.url).port
  return await new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (d: Buffer) => chunks.push(d))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const [head = '', body = ''] = text.split('\r\n\r\n', 2)
      let json: any
      try { json = JSON.parse(body) } catch { json = undefined }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, json })
    })
    socket.end(request)
  })
}

t.test('refusals by the HTTP layer carry the gateway\'s code and bilingual message', async t => {
  const key = gw.keys['civil-status'] as string
  const post = (headers: string, body: string): string =>
    `POST /v1/inbound/civil-status HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${key}\r\nContent-Type: application/json\r\n${headers}\r\n${body}`
  const cases: Array<[string, string, number, string]> = [
    ['URL over 8 KiB', `GET /v1/dossiers/${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414, 'URI_TOO_LONG'],
    ['URL over Node\'s header limit', `GET /v1/dossiers/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414, 'URI_TOO_LONG'],
    ['query over 8 KiB', `GET /health/live?x=${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414, 'URI_TOO_LONG'],
    ['path segment over the router\'s limit', `GET /v1/dossiers/${'a'.repeat(200)} HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${key}\r\n\r\n`, 414, 'URI_TOO_LONG'],
    ['headers over 16 KiB', `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Note: 042186001234 ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
    ['malformed percent-encoding in the path', `GET /v1/dossiers/%zz HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${key}\r\n\r\n`, 400, 'BAD_URL'],
    ['Content-Length not a number', post('Content-Length: abc\r\n', '{}'), 400, 'BAD_CONTENT_LENGTH'],
    ['two Content-Lengths', post('Content-Length: 2\r\nContent-Length: 3\r\n', '{}'), 400, 'BAD_CONTENT_LENGTH'],
    ['Content-Length with chunked', post('Content-Length: 2\r\nTransfer-Encoding: chunked\r\n', '2\r\n{}\r\n0\r\n\r\n'), 400, 'BAD_FRAMING'],
    ['a chunk size that is not hex', post('Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n'), 400, 'BAD_FRAMING'],
    ['a method that is no token', 'G@T /health/live HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'BAD_REQUEST'],
    ['a header name with a space', 'GET /health/live HTTP/1.1\r\nHost: x\r\nX Bad: 1\r\n\r\n', 400, 'BAD_REQUEST'],
    ['HTTP/1.1 without Host', 'GET /health/live HTTP/1.1\r\n\r\n', 400, 'MISSING_HOST'],
    ['an Expect other than 100-continue', post('Expect: 200-ok\r\nContent-Length: 2\r\n', '{}'), 417, 'EXPECTATION_FAILED']
  ]
  for (const [name, request, status, code] of cases) {
    const res = await raw(request)
    t.equal(res.status, status, `${name}: status`)
    t.equal(res.json?.code, code, `${name}: code`)
    t.type(res.json?.message?.vi, 'string', `${name}: Vietnamese message`)
    t.type(res.json?.message?.en, 'string', `${name}: English message`)
    t.match(res.head, /content-type: application\/json/i, `${name}: JSON`)
  }
  t.notOk(gw.logs().includes('042186001234'), 'the raw request Node attaches to parse errors is never logged')
  t.notMatch(gw.logs(), /"level":(50|60)/, 'no refusal in this file was an error on the gateway\'s side')
  // The server is still fine for the next client.
  t.equal((await fetch(`${gw.url}/health/live`)).status, 200)
})
