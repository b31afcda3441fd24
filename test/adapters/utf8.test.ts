import t from 'tap'
import { charsetOf, firstInvalidUtf8, isUtf8Charset } from '../../src/adapters/utf8.js'

t.test('firstInvalidUtf8 finds the first byte of the first ill-formed sequence', async t => {
  const b = (...bytes: number[]): Buffer => Buffer.from(bytes)
  t.equal(firstInvalidUtf8(Buffer.from('Trần Văn Bình 𝕏 \uFFFD')), -1, 'valid, U+FFFD itself included')
  t.equal(firstInvalidUtf8(Buffer.alloc(0)), -1)
  t.equal(firstInvalidUtf8(Buffer.from([0xef, 0xbb, 0xbf, 0x41])), -1, 'a BOM is UTF-8')
  const cases: Array<[string, Buffer, number]> = [
    ['Latin-1 á', b(0x54, 0x72, 0xe1, 0x6e), 2],
    ['lone continuation byte', b(0x41, 0x80), 1],
    ['overlong /', b(0x41, 0xc0, 0xaf), 1],
    ['overlong 3-byte', b(0xe0, 0x80, 0xaf), 0],
    ['surrogate D800', b(0x41, 0x42, 0xed, 0xa0, 0x80), 2],
    ['above U+10FFFF', b(0xf4, 0x90, 0x80, 0x80), 0],
    ['F5 lead', b(0xf5, 0x80, 0x80, 0x80), 0],
    ['FF', b(0x7b, 0xff), 1],
    ['cut short at the end', Buffer.concat([Buffer.from('ab'), b(0xe1, 0xba)]), 2],
    ['second byte not a continuation', b(0xc3, 0x28), 0],
    ['third byte not a continuation', b(0xe1, 0xba, 0x41), 0],
    ['UTF-16 BOM', b(0xff, 0xfe, 0x3c, 0x00), 0],
    ['after a valid 4-byte sequence', Buffer.concat([Buffer.from('𝕏'), b(0x80)]), 4]
  ]
  for (const [name, buf, at] of cases) t.equal(firstInvalidUtf8(buf), at, name)
})

t.test('charsetOf reads the charset parameter, quoted or not, in any case', async t => {
  t.equal(charsetOf('application/json'), undefined)
  t.equal(charsetOf(undefined), undefined)
  t.equal(charsetOf('application/json; charset=UTF-8'), 'utf-8')
  t.equal(charsetOf('text/xml;Charset="utf8"; action="x"'), 'utf8')
  t.equal(charsetOf('application/xml; foo=bar; charset = ISO-8859-1 '), 'iso-8859-1')
  t.ok(isUtf8Charset('utf-8') && isUtf8Charset('utf8'))
  t.notOk(isUtf8Charset('utf-16') || isUtf8Charset('latin1') || isUtf8Charset(''))
})
