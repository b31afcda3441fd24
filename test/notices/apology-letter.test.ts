/**
 * The apology letter: one A4 page, its Vietnamese text extractable (poppler's pdftotext reads
 * it through the embedded fonts' ToUnicode maps), one page whatever the data; and the signed,
 * expiring link to it.
 */
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { letterFileName, renderApologyLetter } from '../../src/adapters/notices/letter/apology-letter.js'
import { letterLink, verifyLetterLink } from '../../src/adapters/notices/letter/letter-link.js'
import { SAMPLE_LETTER } from '../../scripts/apology-letter.js'

const dir = mkdtempSync(join(tmpdir(), 'lt-letter-'))

function pdfFacts (pdf: Buffer, name: string): { text: string, info: string, fonts: string } {
  const file = join(dir, name)
  writeFileSync(file, pdf)
  return {
    text: execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).normalize('NFC'),
    info: execFileSync('pdfinfo', [file], { encoding: 'utf8' }),
    fonts: execFileSync('pdffonts', [file], { encoding: 'utf8' })
  }
}

t.test('one A4 page, the Vietnamese text extractable from embedded fonts', async t => {
  const pdf = await renderApologyLetter(SAMPLE_LETTER)
  t.equal(pdf.subarray(0, 5).toString(), '%PDF-')
  const { text, info, fonts } = pdfFacts(pdf, 'sample.pdf')
  t.match(info, /^Pages:\s+1$/m)
  t.match(info, /^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m)
  for (const s of [
    'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'UBND XÃ KỲ LỢI',
    'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ', 'Kính gửi: Ông/Bà Nguyễn Thị Hồng Nhung',
    '000.00.31.H42-250702-00017', 'Kỳ Lợi, ngày 05 tháng 7 năm 2025', 'ngày 05/07/2025', 'ngày 12/07/2025',
    'Ngày 02/07/2025', 'TRƯỞNG BỘ PHẬN MỘT CỬA', 'Lê Văn Hùng', 'Nơi nhận:', 'Văn phòng Đăng ký đất'
  ]) t.ok(text.replace(/\s+/g, ' ').includes(s), s)
  // Every font embedded (a subset) and mapped back to Unicode.
  const rows = fonts.split('\n').slice(2).filter(l => l.trim() !== '')
  t.ok(rows.length >= 3)
  for (const r of rows) t.match(r, /yes\s+yes\s+yes\s+\d+\s+\d+\s*$/, r.split(' ')[0] ?? r)
})

t.test('the longest data still fits on one page', async t => {
  const long = 'Chờ ý kiến của cơ quan chuyên môn cấp trên về việc xác minh nguồn gốc đất; '.repeat(20)
  const pdf = await renderApologyLetter({ ...SAMPLE_LETTER, reason: long, procedureName: long, address: long, applicantName: 'Nguyễn '.repeat(40), agency: 'UBND xã '.repeat(30), unit: 'Bộ phận '.repeat(30) })
  t.match(pdfFacts(pdf, 'long.pdf').info, /^Pages:\s+1$/m)
})

t.test('the attachment\'s file name', async t => {
  t.equal(letterFileName('000.00.31.H42-250702-00017'), 'Phiếu xin lỗi 000.00.31.H42-250702-00017.pdf')
})

t.test('the signed link: valid 30 days, refused when changed, expired after', async t => {
  const key = 'letter-link-key-0123456789abcdef'
  const now = Date.UTC(2025, 6, 5)
  const link = letterLink('https://gw.example/v1/letters', '000.00.31.H42-250702-00017', key, { now })
  const u = new URL(link)
  t.equal(u.pathname, '/v1/letters/000.00.31.H42-250702-00017')
  const exp = u.searchParams.get('exp') ?? undefined
  const sig = u.searchParams.get('sig') ?? undefined
  t.equal(Number(exp), now / 1000 + 30 * 86_400)
  t.equal(verifyLetterLink('000.00.31.H42-250702-00017', exp, sig, key, now), 'ok')
  t.equal(verifyLetterLink('000.00.31.H42-250702-00017', exp, sig, key, now + 30 * 86_400_000 + 1000), 'expired')
  t.equal(verifyLetterLink('000.00.31.H42-250702-00018', exp, sig, key, now), 'bad-signature')
  t.equal(verifyLetterLink('000.00.31.H42-250702-00017', String(Number(exp) + 86_400), sig, key, now), 'bad-signature')
  t.equal(verifyLetterLink('000.00.31.H42-250702-00017', exp, sig, 'another-key-0123456789abcdef', now), 'bad-signature')
  t.equal(verifyLetterLink('000.00.31.H42-250702-00017', exp, undefined, key, now), 'bad-signature')
  t.equal(verifyLetterLink('000.00.31.H42-250702-00017', exp, 'x', key, now), 'bad-signature')
})
