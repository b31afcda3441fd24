import t from 'tap'
import { parseXml, type XElement } from '../../src/adapters/xml.js'
import { Reader } from '../../src/mappings/reader.js'
import { sample } from '../../support/samples.js'

const land = sample('land-registration.xml')
const social = sample('social-insurance.xml')
const LAND_NS = 'urn:vn:datdai:hoso:1.2'
const BHXH_NS = 'urn:vn:bhxh:tiepnhan:2.1'
const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/'

function child (node: XElement, ...path: string[]): XElement {
  let n = node
  for (const name of path) {
    const next = n.children.find(c => c.name === name)
    if (next === undefined) throw new Error(`no ${name} under ${n.name}`)
    n = next
  }
  return n
}

/** Every element's namespace URI, as a flat list in document order. */
function namespaces (node: XElement): string[] {
  return [node.ns, ...node.children.flatMap(namespaces)]
}

t.test('land sample', async t => {
  const doc = await parseXml(land)
  t.equal(doc.namespace, LAND_NS)
  t.equal(doc.root.name, 'HoSoDangKyDatDai')
  t.same({ ...doc.root.attrs }, { phienBan: '1.2' }, 'xmlns is not an attribute')
  t.equal(child(doc.root, 'DonViTiepNhan').attrs.maDinhDanh, '000.00.12.H42')
  t.equal(child(doc.root, 'NguoiNop', 'HoTen').text, 'Lê Thị Hồng Nguyên', 'UTF-8 text')
  t.ok(namespaces(doc.root).every(ns => ns === LAND_NS), 'the default namespace reaches every element')

  const r = Reader.xml(doc.root)
  t.equal(r.raw('NguoiNop/GiayTo/@so'), '042186001234')
  t.equal(r.raw('ThuaDat/DienTich'), '200,5')
  t.same(r.all('ThuaDat/MucDichSuDung').map(m => m.raw('')), ['ONT', 'CLN'])
  t.same(r.all('GiayToKemTheo/TepTin').map(f => f.raw('@ma')), ['TP01', 'TP02'])
  t.same(r.all('GiayToKemTheo/TepTin').map(f => f.field('@ten')),
    ['HoSoDangKyDatDai/GiayToKemTheo/TepTin[1]/@ten', 'HoSoDangKyDatDai/GiayToKemTheo/TepTin[2]/@ten'])
  t.same(r.issues, [])
})

t.test('land with a prefix gives the same tree as with the default namespace', async t => {
  const prefixed = land
    .replace('xmlns="urn:vn:datdai:hoso:1.2"', 'xmlns:dd="urn:vn:datdai:hoso:1.2"')
    .replace(/<(\/?)(?=[A-Z])/g, '<$1dd:')
  t.match(prefixed, '<dd:HoSoDangKyDatDai xmlns:dd=')
  t.same(await parseXml(prefixed), await parseXml(land))
})

t.test('social insurance sample under bh:, ns2: and the default namespace', async t => {
  const variants: Record<string, string> = {
    'bh:': social,
    'ns2:': social.replaceAll('bh:', 'ns2:').replace('xmlns:bh=', 'xmlns:ns2='),
    default: social.replaceAll('bh:', '').replace(` xmlns:bh="${BHXH_NS}"`, '')
      .replace('<GuiHoSo>', `<GuiHoSo xmlns="${BHXH_NS}">`).replace('<DonViGui>', `<DonViGui xmlns="${BHXH_NS}">`)
  }
  const trees = []
  for (const [name, xml] of Object.entries(variants)) {
    const doc = await parseXml(xml)
    t.equal(doc.namespace, SOAP_NS, `${name} root is the SOAP envelope`)
    const hoSo = child(doc.root, 'Body', 'GuiHoSo', 'HoSo')
    t.ok(namespaces(hoSo).every(ns => ns === BHXH_NS), `${name} every payload element in ${BHXH_NS}`)
    t.equal(child(hoSo, 'NguoiThamGia', 'MaSoBHXH').text, '4201234567')
    trees.push(doc)
  }
  t.same(trees[1], trees[0])
  t.same(trees[2], trees[0])
})

t.test('a prefix bound to another URI is not mistaken for the right one', async t => {
  const doc = await parseXml(social.replace(`xmlns:bh="${BHXH_NS}"`, 'xmlns:bh="urn:vn:bhxh:tiepnhan:2.0"'))
  t.equal(child(doc.root, 'Body', 'GuiHoSo').ns, 'urn:vn:bhxh:tiepnhan:2.0')
})

t.test('BOM, string or bytes', async t => {
  const plain = await parseXml(land)
  t.same(await parseXml(`\uFEFF${land}`), plain)
  t.same(await parseXml(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(land)])), plain)
  t.same(await parseXml(Buffer.from(land)), plain)
})

t.test('CDATA, comments, entities and whitespace', async t => {
  const doc = await parseXml(`<?xml version="1.0" encoding="utf-8"?>
<!-- before the root -->
<a>
  <!-- a comment <b>not an element</b> -->
  <b>x &amp; y<![CDATA[ <z>&amp;</z> ]]>&#x41;&#66;</b>
  <c><![CDATA[]]></c>
  <d>  spaced  </d>
</a>
<!-- after the root -->`)
  t.same(doc.root.children.map(c => c.name), ['b', 'c', 'd'], 'comments are dropped')
  t.equal(child(doc.root, 'b').text, 'x & y <z>&amp;</z> AB', 'text and CDATA concatenated, CDATA verbatim')
  t.equal(child(doc.root, 'c').text, '')
  t.equal(child(doc.root, 'd').text, '  spaced  ', 'text is not trimmed')
  t.equal(doc.namespace, undefined, 'no namespace')
  t.equal(doc.root.ns, '')
})

t.test('empty elements, attribute order and attribute namespaces', async t => {
  const doc = await parseXml('<r xmlns:x="urn:x"><a/><b></b><c z="1" a="2" x:lang="vi" xml:lang="en"/></r>')
  t.same(child(doc.root, 'a'), { name: 'a', ns: '', attrs: {}, text: '', children: [] })
  t.same({ ...child(doc.root, 'b'), name: 'a' }, child(doc.root, 'a'), '<b></b> reads like <b/>')
  t.same(Object.keys(child(doc.root, 'c').attrs), ['z', 'a', 'lang'], 'local names, document order, first wins')
  t.equal(child(doc.root, 'c').attrs.lang, 'vi')
  t.same({ ...doc.root.attrs }, {}, 'namespace declarations are not attributes')
})

t.test('text directly in an element, not in its children', async t => {
  const doc = await parseXml('<a>one<b>two</b>three<c/>four</a>')
  t.equal(doc.root.text, 'onethreefour')
  t.equal(child(doc.root, 'b').text, 'two')
})

t.test('unknown elements are kept as data; mappings just do not ask for them', async t => {
  const extra = land.replace('<TrangThai>', '<GhiChuNoiBo loai="x"><Dong>ghi chú</Dong></GhiChuNoiBo><TrangThai>')
  const doc = await parseXml(extra)
  t.equal(child(doc.root, 'GhiChuNoiBo', 'Dong').text, 'ghi chú')
  t.equal(Reader.xml(doc.root).raw('TrangThai'), 'DA_TIEP_NHAN')
})

t.test('repeated elements once or many times', async t => {
  const once = land.replace('<MucDichSuDung>CLN</MucDichSuDung>', '')
    .replace(/<TepTin ma="TP02"[^>]*\/>/, '')
  const r1 = Reader.xml((await parseXml(once)).root)
  t.same(r1.all('ThuaDat/MucDichSuDung').map(m => m.raw('')), ['ONT'])
  t.same(r1.all('GiayToKemTheo/TepTin').map(f => f.field('@ma')), ['HoSoDangKyDatDai/GiayToKemTheo/TepTin/@ma'])
  const files = Array.from({ length: 50 }, (_, i) => `<TepTin ma="TP${i}"/>`).join('')
  const many = land.replace(/<GiayToKemTheo>[\s\S]*<\/GiayToKemTheo>/, `<GiayToKemTheo>${files}</GiayToKemTheo>`)
  const r2 = Reader.xml((await parseXml(many)).root)
  t.same(r2.all('GiayToKemTheo/TepTin').map(f => f.raw('@ma')), Array.from({ length: 50 }, (_, i) => `TP${i}`))
})

t.test('element and attribute names that are Object.prototype keys stay data', async t => {
  const doc = await parseXml('<a __proto__="x" constructor="c" prototype="p" toString="s" hasOwnProperty="h">' +
    '<constructor/><__proto__ x="1">p</__proto__><prototype/><hasOwnProperty>h</hasOwnProperty><_>u</_><cdata>c</cdata></a>')
  t.equal(({} as Record<string, unknown>).x, undefined, 'Object.prototype untouched')
  t.equal(Object.getPrototypeOf({}), Object.prototype)
  t.equal(Object.getPrototypeOf(doc.root.attrs), null, 'attribute maps have no prototype')
  t.ok(Object.hasOwn(doc.root.attrs, '__proto__'))
  t.equal(Object.getOwnPropertyDescriptor(doc.root.attrs, '__proto__')?.value, 'x')
  t.same(Object.keys(doc.root.attrs), ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'])
  t.same(doc.root.children.map(c => c.name), ['constructor', '__proto__', 'prototype', 'hasOwnProperty', '_', 'cdata'])
  t.same(doc.root.children.map(c => c.text), ['', 'p', '', 'h', 'u', 'c'])
  t.equal(child(doc.root, '__proto__').attrs.x, '1')
  t.equal(Reader.xml(doc.root).raw('@__proto__'), 'x')
  t.equal(Reader.xml(doc.root).raw('@valueOf'), undefined, 'inherited names are not attributes')
})

t.test('a document built with a namespace prefix per element', async t => {
  const doc = await parseXml('<p:a xmlns:p="urn:p" xmlns:q="urn:q"><q:b><c xmlns="urn:d"><p:e/></c></q:b></p:a>')
  t.same(namespaces(doc.root), ['urn:p', 'urn:q', 'urn:d', 'urn:p'])
  t.same([doc.root.name, child(doc.root, 'b', 'c', 'e').name], ['a', 'e'])
})
