/**
 * Adding a sector is one mapping file plus its fixtures: `business-registration` was added that
 * way, and the running gateway (real Redis, the app as intake.test.ts starts it) serves it with
 * no other change. The two XML systems are served the same way, SOAP replies and faults included.
 */
import t, { type Test } from 'tap'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getDossier, post, sample } from '../../support/samples.js'
import { parseXml, type XElement } from '../../src/adapters/xml.js'
import { GATEWAY_FAULT_NS, SOAP11_NS } from '../../src/adapters/soap.js'
import businessRegistration from '../../src/mappings/sectors/business-registration.js'
import { useStack } from '../helpers/fixture.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const fixture = (system: string, name: string): string => readFileSync(join(ROOT, 'fixtures', system, name), 'utf8')
const BHXH_NS = 'urn:vn:bhxh:tiepnhan:2.1'

// API only: nothing is delivered, so what intake stored can be read back as it is.
const { gw } = useStack(t, { simulator: false, env: { ROLE: 'api' } })

function child (node: XElement | undefined, name: string): XElement | undefined {
  return node?.children.find(c => c.name === name)
}

function filesUnder (dir: string): string[] {
  return readdirSync(dir).flatMap(f => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? filesUnder(p) : [p]
  })
}

t.test('the new system is known to the registry and named in no other source file', async t => {
  t.ok(gw.app.registry.systems().includes('business-registration'), 'registry lists business-registration')
  t.equal(gw.app.registry.get('business-registration')?.format, 'json')
  // The API key comes from the clients file (test/helpers/gateway.ts writes one per system), not from code.
  const mentions = filesUnder(join(ROOT, 'src')).filter(f => readFileSync(f, 'utf8').includes('business-registration'))
  t.same(mentions.map(f => relative(ROOT, f)), ['src/mappings/sectors/business-registration.ts'])
})

t.test('a business-registration dossier is taken in and stored with the mapping version', async t => {
  const key = gw.keys['business-registration'] as string
  const res = await post(gw.url, key, 'business-registration', fixture('business-registration', 'sample.input.json'))
  t.equal(res.status, 202, res.text)
  t.equal(res.json.outcome, 'new')
  t.equal(res.json.state, 'pending')
  t.match(res.json.maHoSo, /^000\.00\.12\.H42-250704-\d{5}$/)
  const look = await getDossier(gw.url, key, res.json.maHoSo)
  t.equal(look.status, 200)
  const d = look.json.dossier
  t.equal(d.provenance.mappingVersion, `business-registration@${businessRegistration.version}`)
  t.equal(d.provenance.system, 'business-registration')
  t.equal(d.provenance.sourceId, 'DKKD-18601-2025-000318')
  t.equal(d.holder.kind, 'enterprise')
  t.equal(d.details['business-registration'].legalForm, 'HO_KINH_DOANH')
  const again = await post(gw.url, key, 'business-registration', fixture('business-registration', 'sample.input.json'))
  t.equal(again.json.outcome, 'duplicate', 'a resend is recognised')
  t.equal(again.json.maHoSo, res.json.maHoSo)
})

t.test('a refused business-registration dossier names the sender\'s fields in both languages', async t => {
  const res = await post(gw.url, gw.keys['business-registration'] as string, 'business-registration', fixture('business-registration', 'bad-cccd-and-email.input.json'))
  t.equal(res.status, 422)
  t.equal(res.json.code, 'VALIDATION_FAILED')
  t.same(res.json.errors.map((e: { field: string }) => e.field).sort(), ['nguoiDaiDien.cccd', 'nguoiDaiDien.email'])
  for (const e of res.json.errors) t.ok(e.message.vi.length > 0 && e.message.en.length > 0)
})

t.test('the land sample is taken in as application/xml', async t => {
  const res = await post(gw.url, gw.keys.land as string, 'land', sample('land-registration.xml'), 'application/xml')
  t.equal(res.status, 202, res.text)
  t.equal(res.json.state, 'pending')
  t.match(res.json.maHoSo, /^000\.00\.12\.H42-250701-\d{5}$/)
  const look = await getDossier(gw.url, gw.keys.land as string, res.json.maHoSo)
  t.equal(look.json.dossier.details.land.parcel.communeCode, '18601', 'old 18625 (Thạch Ngọc) is now 18601 (Việt Xuyên)')
})

t.test('a land dossier whose split commune the address cannot settle is accepted and held for review', async t => {
  const res = await post(gw.url, gw.keys.land as string, 'land', fixture('land', 'split-commune-review.input.xml'), 'application/xml')
  t.equal(res.status, 202, res.text)
  t.equal(res.json.state, 'needs-review')
  t.match(res.json.review, [{ code: 'COMMUNE_SPLIT', field: 'HoSoDangKyDatDai/ThuaDat/DiaChi/@maXaCu', oldCode: '18796' }])
})

t.test('the social-insurance sample as text/xml gets a SOAP success envelope, with 200 as SOAP clients expect', async t => {
  const res = await post(gw.url, gw.keys['social-insurance'] as string, 'social-insurance', sample('social-insurance.xml'), 'text/xml; charset=utf-8')
  t.equal(res.status, 200, res.text)
  const doc = await parseXml(res.text)
  t.equal(doc.root.name, 'Envelope')
  t.equal(doc.root.ns, SOAP11_NS)
  const reply = child(child(doc.root, 'Body'), 'GuiHoSoResponse')
  t.equal(reply?.ns, BHXH_NS)
  t.match(child(reply, 'MaHoSo')?.text, /^000\.00\.45\.H42-250703-\d{5}$/)
  t.equal(child(reply, 'KetQua')?.text, 'new')
  t.equal(child(reply, 'TrangThai')?.text, 'pending')
})

async function fault (t: Test, body: string, status: number, code: string, field: string): Promise<XElement | undefined> {
  const res = await post(gw.url, gw.keys['social-insurance'] as string, 'social-insurance', body, 'text/xml')
  // Every SOAP fault is HTTP 500 (WS-I BP R1126); the status a JSON sender would get is in the detail.
  t.equal(res.status, 500, res.text)
  const doc = await parseXml(res.text)
  const f = child(child(doc.root, 'Body'), 'Fault')
  t.equal(f?.ns, SOAP11_NS, 'a soapenv:Fault')
  t.equal(child(f, 'faultcode')?.text, 'soapenv:Client')
  const error = child(child(f, 'detail'), 'Error')
  t.equal(error?.ns, GATEWAY_FAULT_NS)
  t.equal(child(error, 'Code')?.text, code)
  t.equal(child(error, 'Field')?.text, field)
  t.equal(child(error, 'Status')?.text, String(status))
  const messages = error?.children.filter(c => c.name === 'Message') ?? []
  t.same(messages.map(m => m.attrs.lang), ['vi', 'en'], 'the message in Vietnamese and in English')
  t.ok(messages.every(m => m.text.length > 0))
  return error
}

t.test('a malformed SOAP request gets a soapenv:Fault with a bilingual detail', async t => {
  await fault(t, fixture('social-insurance', 'malformed-soap.input.xml'), 400, 'BAD_XML', 'Envelope/Body')
  await fault(t, '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>', 400, 'BAD_XML', 'Envelope/Body')
})

t.test('a SOAP dossier that fails validation gets a fault listing each field', async t => {
  const error = await fault(t, fixture('social-insurance', 'bad-cccd.input.xml'), 422, 'VALIDATION_FAILED', 'HoSo/NguoiThamGia/SoCCCD')
  const issues = error?.children.filter(c => c.name === 'Issue') ?? []
  t.same(issues.map(i => child(i, 'Field')?.text), ['HoSo/NguoiThamGia/SoCCCD'])
})
