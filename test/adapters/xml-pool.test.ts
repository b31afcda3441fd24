import t from 'tap'
import { closeXmlPool, defaultXmlLimits, parseXml, parseXmlSync, xmlPoolThreads, type XmlLimits } from '../../src/adapters/xml.js'
import { GatewayError, InputError } from '../../src/domain/errors.js'
import { bigLandDossier, sample } from '../../support/samples.js'

const land = sample('land-registration.xml')
const pooled: XmlLimits = { ...defaultXmlLimits, offloadAboveBytes: 0 }

t.teardown(closeXmlPool)

t.test('small bodies stay on the main thread, large ones go to the pool', async t => {
  await closeXmlPool()
  const small = await parseXml(land)
  t.equal(xmlPoolThreads(), 0, `a ${land.length}-byte body starts no thread`)
  const big = bigLandDossier(land, 200 * 1024)
  t.ok(Buffer.byteLength(big) > (defaultXmlLimits.offloadAboveBytes ?? Infinity))
  const doc = await parseXml(big)
  t.ok(xmlPoolThreads() > 0, 'a 200 KiB body is parsed in a worker')
  t.ok((doc.root.children.find(c => c.name === 'GiayToKemTheo')?.children.length ?? 0) > 800, 'all attachments there')
  t.same(doc, parseXmlSync(big, defaultXmlLimits), 'same tree either way')
  t.same(small, parseXmlSync(land, defaultXmlLimits))
})

t.test('the worker gives the same tree, null-prototype attributes included', async t => {
  for (const input of [land, Buffer.from(land), `\uFEFF${land}`]) {
    t.same(await parseXml(input, pooled), await parseXml(input, defaultXmlLimits))
  }
  const doc = await parseXml('<a __proto__="x" constructor="c"><constructor/></a>', pooled)
  t.equal(Object.getPrototypeOf(doc.root.attrs), null)
  t.ok(Object.hasOwn(doc.root.attrs, '__proto__'))
  t.equal(doc.root.attrs.constructor as unknown, 'c')
  t.equal(({} as Record<string, unknown>).x, undefined)
})

t.test('refusals come back from the worker as the same InputError', async t => {
  const bad = ['<!DOCTYPE a><a/>', '<a><b></a>', '', '<a>'.repeat(40), '<a x="1" x="2"/>',
    '<?xml version="1.0" encoding="latin1"?><a/>', Buffer.from([0xff, 0xfe, 0x00])]
  for (const xml of bad) {
    const inline = await parseXml(xml, defaultXmlLimits).then(() => undefined, (e: unknown) => e)
    const worker = await parseXml(xml, pooled).then(() => undefined, (e: unknown) => e)
    t.type(worker, InputError)
    t.same((worker as GatewayError).toJSON(), (inline as GatewayError).toJSON(), String(xml).slice(0, 40))
    t.equal((worker as GatewayError).statusCode, 400)
  }
})

t.test('parallel large parses', async t => {
  const big = bigLandDossier(land, 300 * 1024)
  const expected = parseXmlSync(big, defaultXmlLimits)
  const docs = await Promise.all(Array.from({ length: 6 }, () => parseXml(big)))
  for (const d of docs) t.same(d, expected)
})

t.test('a flood of large bodies is pushed back with 503, not queued without end', async t => {
  const body = bigLandDossier(land, 100 * 1024)
  const outcomes = await Promise.allSettled(Array.from({ length: 100 }, () => parseXml(body)))
  const refused = outcomes.filter(o => o.status === 'rejected').map(o => (o.reason as GatewayError))
  t.ok(outcomes.filter(o => o.status === 'fulfilled').length >= 64, 'the queue is served')
  t.ok(refused.length > 0, `${refused.length} refused`)
  t.ok(refused.every(e => e.code === 'UNAVAILABLE' && e.statusCode === 503), 'as UNAVAILABLE')
})

t.test('a worker that runs out of memory costs the request, not the process', async t => {
  // Limits lifted on purpose: only the worker's heap cap stands between this and ~700 MB.
  const lifted: XmlLimits = { maxBytes: 8e6, maxDepth: 1e9, maxNodes: 1e9, maxAttributes: 64, maxTextLength: 1e9, offloadAboveBytes: 0 }
  const err = await parseXml(`<r>${'<a/>'.repeat(1_000_000)}</r>`, lifted).then(() => undefined, (e: unknown) => e)
  t.type(err, GatewayError)
  t.equal((err as GatewayError).code, 'INTERNAL')
  t.equal((err as GatewayError).statusCode, 500)
  t.ok(await parseXml(land, pooled), 'the pool still serves')
})
