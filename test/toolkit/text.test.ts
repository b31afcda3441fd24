import t from 'tap'
import { email, normalizeText, personName, text, truncate } from '../../src/domain/toolkit/text.js'

t.test('text: NFC, one space, trimmed', async t => {
  const conv = text()
  const decomposed = '  Tra\u0302\u0300n   Minh\tKho\u0302i \n'
  const r = conv(decomposed)
  t.same(r, { ok: true, value: 'Trần Minh Khôi' })
  if (r.ok) {
    t.equal(r.value, r.value.normalize('NFC'))
    t.equal(r.value.length, 'Trần Minh Khôi'.length, 'precomposed, not decomposed')
  }
  t.same(conv('Nguyễn\u00A0Thị\u2003Lan'), { ok: true, value: 'Nguyễn Thị Lan' }, 'no-break and em spaces')
  t.same(conv('Lê\u200B Thị'), { ok: true, value: 'Lê Thị' }, 'zero-width space removed')
  t.same(conv('dòng 1\r\ndòng 2'), { ok: true, value: 'dòng 1 dòng 2' })
  t.equal(normalizeText('  a \t b  '), 'a b')
})

t.test('text refuses control characters and over-long values', async t => {
  const conv = text({ max: 10 })
  t.match(conv('abc\u0000def'), { ok: false, code: 'INVALID_TEXT' })
  t.match(conv('abc\u0007'), { ok: false, code: 'INVALID_TEXT' })
  t.match(conv('abc\u202Edef'), { ok: false, code: 'INVALID_TEXT' }, 'direction override')
  t.match(conv('abc\uFFFD'), { ok: false, code: 'INVALID_TEXT' }, 'replacement character')
  t.match(conv('abc\uD800'), { ok: false, code: 'INVALID_TEXT' }, 'lone surrogate')
  t.same(conv('0123456789'), { ok: true, value: '0123456789' })
  t.match(conv('01234567890'), { ok: false, code: 'TOO_LONG', vi: /10 ký tự/, en: 'is longer than 10 characters' })
  t.match(conv('  01234   56789  '), { ok: false, code: 'TOO_LONG' }, 'measured after collapsing spaces')
  t.same(conv('  01234   5678  '), { ok: true, value: '01234 5678' })
  t.same(text({ max: 3 })('e\u0301e\u0301e\u0301'), { ok: true, value: 'ééé' }, 'length counted after NFC')
  t.match(text({ min: 3 })('ab'), { ok: false, code: 'TOO_SHORT', en: /at least 3/ })
  t.match(text()('\u200B'), { ok: false, code: 'TOO_SHORT' })
})

t.test('personName', async t => {
  const conv = personName()
  t.same(conv(' Lê  Thị Hồng   Nguyên '), { ok: true, value: 'Lê Thị Hồng Nguyên' })
  t.same(conv('Tra\u0302\u0300n Va\u0306n Bi\u0300nh'), { ok: true, value: 'Trần Văn Bình' })
  t.same(conv("H'Hen Niê"), { ok: true, value: "H'Hen Niê" })
  t.same(conv('Y-Moan Ênuôl'), { ok: true, value: 'Y-Moan Ênuôl' })
  t.match(conv('Nguyễn Văn 2'), { ok: false, code: 'INVALID_NAME', en: 'must not contain digits' })
  t.match(conv('...'), { ok: false, code: 'INVALID_NAME' })
  t.match(conv('a'.repeat(201)), { ok: false, code: 'TOO_LONG', en: /200/ })
})

t.test('email', async t => {
  const conv = email()
  t.same(conv('binh.tv@example.vn'), { ok: true, value: 'binh.tv@example.vn' })
  t.same(conv(' Binh.TV@Example.VN '), { ok: true, value: 'Binh.TV@example.vn' }, 'domain lower-cased only')
  t.same(conv('a+tag@sub.example.com.vn'), { ok: true, value: 'a+tag@sub.example.com.vn' })
  for (const raw of ['binh.tv', '@example.vn', 'binh@', 'binh@example', 'binh@@example.vn', 'bi nh@example.vn',
    'binh..tv@example.vn', '.binh@example.vn', 'binh@-example.vn', 'binh@example..vn', 'bình@example.vn',
    'binh@example.vn.', 'binh@example.1', `${'a'.repeat(65)}@example.vn`, `a@${'b'.repeat(250)}.vn`]) {
    t.match(conv(raw), { ok: false, code: 'INVALID_EMAIL' }, raw)
  }
})

t.test('lengths are UTF-16 code units, as the portal counts them', async t => {
  const extB = '\u{20000}'
  t.match(text({ max: 4 })(extB.repeat(3)), { ok: false, code: 'TOO_LONG' }, 'three characters outside the BMP are six units')
  t.same(text({ max: 4 })(extB.repeat(2)), { ok: true, value: extB.repeat(2) })
  t.equal(truncate('abcdef', 4), 'abc…')
  t.equal(truncate(`ab${extB}cd`, 4), 'ab…', 'never half a pair')
  t.equal(truncate(`ab${extB}cd`, 4).length <= 4, true)
  t.equal(truncate('abc', 3), 'abc')
})
