/**
 * `node --import tsx scripts/apology-letter.ts [out.pdf]`: writes a sample apology letter (the
 * one in docs/screenshots/13-apology-letter.png), to look at the layout after a change.
 */
import { writeFileSync } from 'node:fs'
import { renderApologyLetter, type ApologyLetter } from '../src/adapters/notices/letter/apology-letter.js'

export const SAMPLE_LETTER: ApologyLetter = {
  parentAgency: 'UBND thị xã Kỳ Anh',
  agency: 'UBND xã Kỳ Lợi',
  unit: 'Bộ phận Một cửa',
  place: 'Kỳ Lợi',
  address: 'Bộ phận Một cửa UBND xã Kỳ Lợi, thôn Đông Yên, xã Kỳ Lợi, tỉnh Hà Tĩnh',
  number: '17',
  applicantName: 'Nguyễn Thị Hồng Nhung',
  dossierCode: '000.00.31.H42-250702-00017',
  procedureName: 'Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất',
  receivedAt: new Date('2025-07-02T01:30:00Z'),
  dueAt: new Date('2025-07-05T10:00:00Z'),
  newDueAt: new Date('2025-07-12T10:00:00Z'),
  reason: 'Hồ sơ cần xác minh nguồn gốc sử dụng đất với Văn phòng Đăng ký đất đai; kết quả xác minh chưa được gửi về đúng hạn.',
  issuedAt: new Date('2025-07-05T03:00:00Z'),
  signerTitle: 'Trưởng Bộ phận Một cửa',
  signerName: 'Lê Văn Hùng'
}

if (process.argv[1]?.endsWith('apology-letter.ts') === true) {
  const out = process.argv[2] ?? 'apology-letter.pdf'
  writeFileSync(out, await renderApologyLetter(SAMPLE_LETTER))
  process.stdout.write(`${out}\n`)
}
