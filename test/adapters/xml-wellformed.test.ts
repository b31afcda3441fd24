/**
 * XML that is not well-formed is refused, whatever sax tolerates: these inputs were accepted
 * (and their odd parts stored or silently dropped) before the explicit checks in xml-parse.ts.
 */
import t from 'tap'
import { defaultXmlLimits, parseXml, type XmlLimits } from '../../src/adapters/xml.js'
import { GatewayError } from '../../src/domain/errors.js'

const onMain: XmlLimits = { ...defaultXmlLimits, offloadAboveBytes: undefined }
const inPool: XmlLimits = { ...defaultXmlLimits, offloadAboveBytes: 0 }

t.test('not well-formed: refused with BAD_XML and where', async t => {
  const cases: Array<[string, string, RegExp]> = [
    ['CDATA before the root', '<![CDATA[x]]><a/>', /CDATA section outside the root element/],
    ['CDATA before the root, after a declaration', '<?xml version="1.0"?>\n<![CDATA[<b>]]>\n<a/>', /CDATA section outside the root element/],
    ['CDATA after the root', '<a/><![CDATA[x]]>', /CDATA section outside the root element/],
    ['empty CDATA before the root', '<![CDATA[]]><a/>', /CDATA section outside the root element/],
    ['raw < in an attribute value', '<a b="x<y"/>', /"<" in an attribute value at line 1, column 8/],
    ['raw < in a single-quoted attribute value', "<a>\n <b c='1<2'/></a>", /"<" in an attribute value at line 2, column 9/],
    ['raw < after an entity in an attribute', '<a b="&amp;<"/>', /"<" in an attribute value/],
    [']]> in text', '<a>x ]]> y</a>', /"]]>" in text at line 1, column 6/],
    [']]> in text after a CDATA section', '<a><![CDATA[x]]>]]></a>', /"]]>" in text/],
    ['control character in text', '<a>x\u0001y</a>', /character U\+0001 is not allowed in XML at line 1, column 5/],
    ['control character in an attribute', '<a b="\u001f"/>', /character U\+001F/],
    ['U+FFFE', '<a>\uFFFE</a>', /character U\+FFFE/],
    ['lone surrogate', '<a>\uD800</a>', /character U\+D800/],
    ['space after <', '< a/>', /space after "<" at line 1, column 2/],
    ['space after </', '<a></ a>', /space after "<\/" at line 1, column 6/],
    ['XML declaration with version 2.0', '<?xml version="2.0"?><a/>', /XML declaration/],
    ['XML declaration without a version', '<?xml encoding="UTF-8"?><a/>', /XML declaration/],
    ['XML declaration with junk', '<?xml version="1.0" foo="bar"?><a/>', /XML declaration/],
    ['empty namespace for a prefix', '<a xmlns:p=""/>', /prefix "p" bound to an empty namespace/],
    ['one attribute twice under two prefixes', '<a xmlns:p="urn:u" xmlns:q="urn:u" p:x="1" q:x="2"/>', /attribute \{urn:u\}x repeated/]
  ]
  for (const limits of [onMain, inPool]) {
    for (const [name, xml, detail] of cases) {
      const err = await parseXml(xml, limits).then(() => undefined, (e: unknown) => e)
      if (!(err instanceof GatewayError)) {
        t.fail(`${name}: refused`)
        continue
      }
      const g = err
      t.equal(g.code, 'BAD_XML', `${name}: ${g.messages.en}`)
      t.equal(g.statusCode, 400)
      t.match(g.messages.en, detail, `${name}: says what and where`)
      t.ok(g.messages.vi.length > 0, `${name}: Vietnamese message`)
    }
  }
})

t.test('well-formed look-alikes stay accepted', async t => {
  const cases: Array<[string, string]> = [
    ['escaped < and ]]> in text and attributes', '<a b="&lt;x&gt;" c="]]>">x ]]&gt; y &lt; z</a>'],
    ['> in an attribute', '<a b="x>y"/>'],
    [']]> in a comment', '<a><!-- ]]> --></a>'],
    ['CDATA ending in brackets', '<a><![CDATA[x]]]]><![CDATA[>]]></a>'],
    ['CDATA inside the root', '<a>x<![CDATA[<b>]]>y</a>'],
    ['space before /> and before > of an end tag', '<a ><b /></a >'],
    ['comments and whitespace around the root', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!-- c -->\n<a/>\n<!-- d -->\n'],
    ['declaration with single quotes', "<?xml version='1.0' encoding='utf-8'?><a/>"],
    ['tab, line feed, carriage return', '<a b="\t">\r\n\t</a>'],
    ['characters outside the BMP and U+FFFD as data', '<a>𝕏 \uFFFD</a>'],
    ['the same local name under two namespaces', '<a xmlns:p="urn:p" xmlns:q="urn:q" p:x="1" q:x="2" x="3"/>'],
    ['undeclaring the default namespace', '<a xmlns="urn:a"><b xmlns=""/></a>']
  ]
  for (const [name, xml] of cases) {
    await t.resolves(parseXml(xml, onMain), name)
  }
  const doc = await parseXml('<a b="&lt;x&gt;">x ]]&gt; y<![CDATA[<b>]]></a>', onMain)
  t.equal(doc.root.attrs.b, '<x>')
  t.equal(doc.root.text, 'x ]]> y<b>')
})

t.test('the checks stay linear on large bodies', async t => {
  const limits: XmlLimits = { ...onMain, maxNodes: 200_000, maxBytes: 4 * 1024 * 1024 }
  const cases: Array<[string, string]> = [
    ['many escaped ]]> texts', `<r>${'<a>]]&gt;</a>'.repeat(50_000)}</r>`],
    ['many attributes with escaped <', `<r>${'<a b="&lt;&lt;"/>'.repeat(50_000)}</r>`],
    ['one long text', `<r>${'x'.repeat(60_000)}</r>`]
  ]
  for (const [name, xml] of cases) {
    const started = performance.now()
    await t.resolves(parseXml(xml, limits), name)
    t.ok(performance.now() - started < 4000, `${name}: parsed in ${Math.round(performance.now() - started)} ms`)
  }
})
