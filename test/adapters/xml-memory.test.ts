/**
 * Hostile payloads parsed over and over must leave the heap where it was, and must not even
 * swell it while they are being refused. Without the limits this fails by hundreds of MB: one
 * parse of the 1,000,000-element payload alone holds ~700 MB (measured when writing this test).
 */
import t from 'tap'
import { getHeapStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { defaultXmlLimits, parseXml, type XmlLimits } from '../../src/adapters/xml.js'

// `gc` is only on the global object when node starts with --expose-gc; a fresh context created
// after setting the flag gets one, without changing how tap starts the process.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const MB = 1024 * 1024
const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
${Array.from({ length: 9 }, (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('\n')}
]>
<lolz>&lol9;</lolz>`
// maxBytes is raised so that the structural limits, not the size check, have to stop these.
const limits: XmlLimits = { ...defaultXmlLimits, maxBytes: 16 * MB, offloadAboveBytes: undefined }

const payloads: Array<[string, string, string]> = [
  ['billion laughs', billionLaughs, 'XML_FORBIDDEN_CONSTRUCT'],
  ['1,000,000 nested elements', '<a>'.repeat(1_000_000) + '</a>'.repeat(1_000_000), 'XML_LIMIT_EXCEEDED'],
  ['1,000,000 sibling elements', `<r>${'<a/>'.repeat(1_000_000)}</r>`, 'XML_LIMIT_EXCEEDED'],
  ['one 8 MB text', `<r>${'x'.repeat(8 * MB)}</r>`, 'XML_LIMIT_EXCEEDED'],
  ['one 8 MB comment', `<r><!--${'x'.repeat(8 * MB)}--></r>`, 'XML_LIMIT_EXCEEDED'],
  ['one 8 MB attribute value', `<r a="${'x'.repeat(8 * MB)}"/>`, 'XML_LIMIT_EXCEEDED'],
  ['200,000 attributes', `<r ${Array.from({ length: 200_000 }, (_, i) => `a${i}=""`).join(' ')}/>`, 'XML_LIMIT_EXCEEDED']
]

t.test('heap stays bounded while hostile payloads are refused again and again', async t => {
  // One round first: V8 flattens the concatenated payload strings on first use, and that memory
  // belongs to the test, not to the parser.
  for (const [, xml, code] of payloads) await t.rejects(parseXml(xml, limits), { code })
  gc()
  const base = process.memoryUsage().heapUsed
  const baseTotal = getHeapStatistics().total_heap_size
  let worstParse = 0
  let peakTotal = 0
  for (const [name, xml, code] of payloads) {
    for (let i = 0; i < 10; i++) {
      gc()
      const before = process.memoryUsage().heapUsed
      await t.rejects(parseXml(xml, limits), { code }, `${name} #${i + 1}`)
      // Read before any forced GC: all that this one parse allocated, garbage included.
      worstParse = Math.max(worstParse, process.memoryUsage().heapUsed - before)
      peakTotal = Math.max(peakTotal, getHeapStatistics().total_heap_size - baseTotal)
    }
  }
  gc()
  const retained = process.memoryUsage().heapUsed - base
  t.comment(`worst parse +${(worstParse / MB).toFixed(1)} MB, heap size +${(peakTotal / MB).toFixed(1)} MB, ` +
    `retained +${(retained / MB).toFixed(1)} MB`)
  t.ok(worstParse < 48 * MB, 'no refused parse allocates 48 MB')
  t.ok(peakTotal < 96 * MB, 'the heap never grows by 96 MB')
  t.ok(retained < 4 * MB, 'nothing is retained')
})
