/**
 * The apology letter (Phiếu xin lỗi và hẹn lại ngày trả kết quả): one A4 page in Vietnamese, laid
 * out as an administrative document (Nghị định 30/2020/NĐ-CP): the agency top left, the national
 * motto top right, place and date, the title, the body, "Nơi nhận" and the signature block.
 * Made with pdfkit in Noto Serif (full Vietnamese coverage, SIL OFL, from the npm package
 * `@expo-google-fonts/noto-serif`, so `npm ci` brings it), embedded with a ToUnicode map: the
 * text can be extracted, read aloud and archived.
 */
import { createRequire } from 'node:module'
import PDFDocument from 'pdfkit'
import { localDateVn } from '../local-time.js'

const require = createRequire(import.meta.url)
const FONT_DIR = '@expo-google-fonts/noto-serif'
export const LETTER_FONTS = {
  regular: require.resolve(`${FONT_DIR}/400Regular/NotoSerif_400Regular.ttf`),
  bold: require.resolve(`${FONT_DIR}/700Bold/NotoSerif_700Bold.ttf`),
  italic: require.resolve(`${FONT_DIR}/400Regular_Italic/NotoSerif_400Regular_Italic.ttf`),
  boldItalic: require.resolve(`${FONT_DIR}/700Bold_Italic/NotoSerif_700Bold_Italic.ttf`)
}

export interface ApologyLetter {
  /** The agency above the centre, upper case (`UBND HUYỆN KỲ ANH`); optional. */
  parentAgency?: string
  /** The issuing agency (`UBND XÃ KỲ LỢI`). */
  agency: string
  /** The unit that signs (`BỘ PHẬN MỘT CỬA`); optional. */
  unit?: string
  /** The place in "<place>, ngày … tháng … năm …" (`Kỳ Lợi`). */
  place: string
  /** Where the result is collected (the centre's address). */
  address: string
  /** The document's number, when the centre numbers them. */
  number?: string
  applicantName: string
  dossierCode: string
  procedureName: string
  receivedAt: Date
  dueAt: Date
  newDueAt: Date
  reason: string
  issuedAt: Date
  signerTitle: string
  signerName?: string
}

/** Limits that keep the letter on one page, whatever the data. */
const MAX = { name: 50, procedure: 160, reason: 240, address: 120, agency: 48 }

function cut (s: string, n: number): string {
  const t = s.normalize('NFC').replace(/\s+/g, ' ').trim()
  return [...t].length > n ? `${[...t].slice(0, n - 1).join('')}…` : t
}

/** "ngày 05 tháng 7 năm 2025" as administrative documents write it (the month without a leading zero, days 1–9 with one). */
function longDate (d: Date): string {
  const [dd, mm, yyyy] = localDateVn(d).split('/')
  return `ngày ${dd ?? ''} tháng ${Number(mm)} năm ${yyyy ?? ''}`
}

/**
 * The letter as a PDF. The body is set at 13 pt, as administrative documents are; data long
 * enough to push it onto a second page is set again at 12, then 11 pt (limits on every field
 * make 11 pt always fit).
 */
export async function renderApologyLetter (l: ApologyLetter): Promise<Buffer> {
  for (const size of [13, 12]) {
    const r = await renderAt(l, size)
    if (r.pages === 1) return r.pdf
  }
  return (await renderAt(l, 11)).pdf
}

async function renderAt (l: ApologyLetter, bodySize: number): Promise<{ pdf: Buffer, pages: number }> {
  const doc = new PDFDocument({
    size: 'A4',
    // 20 mm top and bottom, 30 mm left, 15 mm right (Nghị định 30/2020, Phụ lục I).
    margins: { top: 56.69, bottom: 56.69, left: 85.04, right: 42.52 },
    lang: 'vi-VN',
    displayTitle: true,
    info: {
      Title: `Phiếu xin lỗi và hẹn lại ngày trả kết quả – hồ sơ ${l.dossierCode}`,
      Author: cut(l.agency, MAX.agency),
      Subject: `Hồ sơ ${l.dossierCode}`,
      Creator: 'lienthong',
      CreationDate: l.issuedAt
    }
  })
  doc.registerFont('R', LETTER_FONTS.regular)
  doc.registerFont('B', LETTER_FONTS.bold)
  doc.registerFont('I', LETTER_FONTS.italic)
  doc.registerFont('BI', LETTER_FONTS.boldItalic)
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<void>(resolve => doc.on('end', resolve))
  let pages = 1
  doc.on('pageAdded', () => { pages++ })

  const left = doc.page.margins.left
  const width = doc.page.width - left - doc.page.margins.right
  const top = doc.page.margins.top
  const leftW = width * 0.42
  const rightX = left + width * 0.40
  const rightW = width * 0.60

  // The agency, top left: the parent agency, then the centre in bold, a short rule under it.
  let y = top
  if (l.parentAgency !== undefined) {
    doc.font('R').fontSize(12).text(cut(l.parentAgency, MAX.agency).toUpperCase(), left, y, { width: leftW, align: 'center' })
    y = doc.y
  }
  doc.font('B').fontSize(12).text(cut(l.agency, MAX.agency).toUpperCase(), left, y, { width: leftW, align: 'center' })
  if (l.unit !== undefined) doc.text(cut(l.unit, MAX.agency).toUpperCase(), left, doc.y, { width: leftW, align: 'center' })
  y = doc.y + 3
  doc.moveTo(left + leftW / 2 - 30, y).lineTo(left + leftW / 2 + 30, y).lineWidth(0.6).stroke()
  doc.font('R').fontSize(13).text(`Số: ${l.number ?? '……'}/PXL`, left, y + 8, { width: leftW, align: 'center' })
  const leftBottom = doc.y

  // The national motto, top right, the motto underlined by a rule as long as itself.
  doc.font('B').fontSize(12).text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', rightX, top, { width: rightW, align: 'center' })
  doc.font('B').fontSize(13).text('Độc lập - Tự do - Hạnh phúc', rightX, doc.y, { width: rightW, align: 'center' })
  const mottoW = doc.widthOfString('Độc lập - Tự do - Hạnh phúc')
  y = doc.y + 2
  doc.moveTo(rightX + (rightW - mottoW) / 2, y).lineTo(rightX + (rightW + mottoW) / 2, y).lineWidth(0.6).stroke()
  doc.font('I').fontSize(13).text(`${cut(l.place, 60)}, ${longDate(l.issuedAt)}`, rightX, y + 8, { width: rightW, align: 'center' })

  // The title.
  y = Math.max(leftBottom, doc.y) + 30
  doc.font('B').fontSize(14).text('PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ', left, y, { width, align: 'center' })
  doc.moveDown(1.2)

  const agency = cut(l.agency, MAX.agency)
  const who = l.unit === undefined ? agency : `${cut(l.unit, MAX.agency)} – ${agency}`
  doc.font('R').fontSize(bodySize)
  const para = (text: string, opts: { indent?: boolean } = {}): void => {
    doc.text(text, left, doc.y, { width, align: 'justify', indent: opts.indent === false ? 0 : 28, paragraphGap: 5, lineGap: 1.5 })
  }
  doc.font('B').text(`Kính gửi: Ông/Bà ${cut(l.applicantName, MAX.name)}`, left, doc.y, { width, align: 'center', paragraphGap: 8 })
  doc.font('R')
  para(`Ngày ${localDateVn(l.receivedAt)}, ${who} tiếp nhận hồ sơ của Ông/Bà đề nghị giải quyết thủ tục hành chính: ${cut(l.procedureName, MAX.procedure)}.`)
  para(`Mã hồ sơ: ${l.dossierCode}. Thời hạn trả kết quả theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả: ngày ${localDateVn(l.dueAt)}.`)
  para(`Tuy nhiên, đến nay hồ sơ của Ông/Bà chưa được giải quyết xong. Lý do: ${cut(l.reason, MAX.reason)}`)
  para(`Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. ${who} xin lỗi Ông/Bà và hẹn trả kết quả vào ngày ${localDateVn(l.newDueAt)}, tại ${cut(l.address, MAX.address)}.`)
  para('Mong nhận được sự thông cảm của Ông/Bà.')
  para('Trân trọng./.')

  // "Nơi nhận" bottom left, the signature block bottom right, side by side.
  y = doc.y + 14
  doc.font('BI').fontSize(12).text('Nơi nhận:', left, y, { width: leftW })
  doc.font('R').fontSize(11).text('- Như trên;', left, doc.y, { width: leftW })
  doc.text('- Lưu: VT.', left, doc.y, { width: leftW })
  doc.font('B').fontSize(bodySize).text(cut(l.signerTitle, 48).toUpperCase(), rightX, y, { width: rightW, align: 'center' })
  doc.font('I').fontSize(bodySize).text('(Ký, ghi rõ họ tên)', rightX, doc.y, { width: rightW, align: 'center' })
  if (l.signerName !== undefined) doc.font('B').text(cut(l.signerName, MAX.name), rightX, doc.y + 60, { width: rightW, align: 'center' })

  doc.end()
  await done
  return { pdf: Buffer.concat(chunks), pages }
}

/** The attachment's file name: Vietnamese, with the dossier code (sent per RFC 2231). */
export function letterFileName (dossierCode: string): string {
  return `Phiếu xin lỗi ${dossierCode.replace(/[^0-9A-Za-z.-]/g, '_')}.pdf`
}
