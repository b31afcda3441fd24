/**
 * What a notice says, per kind and channel: the values its templates may name (ZNS parameters,
 * SMS placeholders), the e-mail's subject and body, and the apology letter's fields. Pure: the
 * dossier and the centre come in, text goes out. The sample templates (config/notices.sample.json)
 * name these values; a template naming one that is not here is refused before sending.
 */
import type { NoticeRecord } from '../domain/notices/record.js'
import type { AgencyNoticeConfig } from '../adapters/notices/notices-file.js'
import type { ApologyLetter } from '../adapters/notices/letter/apology-letter.js'
import { localDateVn } from '../adapters/notices/local-time.js'
import type { ZnsTemplate, ZnsValue } from '../adapters/notices/zns-template.js'

/** What the notice reads of its dossier when it is sent (never stored with the notice). */
export interface NoticeDossier {
  code: string
  procedureName: string
  receivedAt: number
  name?: string
  phone?: string
  email?: string
}

/** Every value a template may name; DATE values are dates, NUMBER values numbers. */
export function noticeValues (r: NoticeRecord, d: NoticeDossier, c: AgencyNoticeConfig, link?: string): Record<string, ZnsValue> {
  const early = r.data.earlyDays ?? 0
  const v: Record<string, ZnsValue> = {
    ma_ho_so: d.code,
    ten_thu_tuc: d.procedureName,
    ngay_tiep_nhan: new Date(d.receivedAt),
    ngay_hen_tra: new Date(r.data.dueAt),
    noi_nhan: c.centre.address,
    ten_co_quan: c.centre.name,
    so_ngay_som: early,
    som: early > 0 ? `, som ${early} ngay so voi ngay hen` : ', dung ngay hen',
    ngay_tra: new Date(r.data.at),
    noi_dung: r.data.text ?? 'theo hướng dẫn của Bộ phận Một cửa',
    ly_do: r.data.text ?? 'không nêu'
  }
  if (r.data.oldDueAt !== undefined) v.ngay_hen_cu = new Date(r.data.oldDueAt)
  if (r.kind === 'apology') v.ngay_hen_moi = new Date(r.data.dueAt)
  const l = r.kind === 'returned' ? c.ratingUrl : link
  if (l !== undefined) v.lien_ket = l
  return v
}

/** Exactly the parameters a ZNS template declares (a missing one is left out: the client refuses it). */
export function znsData (t: ZnsTemplate, values: Readonly<Record<string, ZnsValue>>): Record<string, ZnsValue> {
  const out: Record<string, ZnsValue> = {}
  for (const p of t.params) { const v = values[p.name]; if (v !== undefined) out[p.name] = v }
  return out
}

/** SMS placeholders take text: dates as dd/MM/yyyy. */
export function smsValues (values: Readonly<Record<string, ZnsValue>>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v instanceof Date ? localDateVn(v) : v]))
}

const SUBJECTS: Record<NoticeRecord['kind'], string> = {
  received: 'Đã tiếp nhận hồ sơ',
  'supplement-requested': 'Hồ sơ cần bổ sung',
  'result-ready': 'Hồ sơ đã có kết quả',
  apology: 'Thư xin lỗi và hẹn lại ngày trả kết quả',
  returned: 'Đã trả kết quả hồ sơ',
  refused: 'Hồ sơ không được giải quyết'
}

export function emailText (r: NoticeRecord, d: NoticeDossier, c: AgencyNoticeConfig, link?: string): { subject: string, text: string } {
  const due = localDateVn(r.data.dueAt)
  const lines: string[] = [`Kính gửi Ông/Bà${d.name === undefined ? '' : ` ${d.name}`},`, '']
  switch (r.kind) {
    case 'received':
      lines.push(`${c.centre.name} đã tiếp nhận hồ sơ ${d.code} (${d.procedureName}).`, `Ngày hẹn trả kết quả: ${due}.`, 'Ông/Bà có thể tra cứu hồ sơ tại dichvucong.gov.vn bằng mã hồ sơ trên.')
      break
    case 'supplement-requested':
      lines.push(`Hồ sơ ${d.code} (${d.procedureName}) cần bổ sung: ${r.data.text ?? 'theo hướng dẫn của Bộ phận Một cửa'}.`, `Mời Ông/Bà liên hệ ${c.centre.address}.`)
      break
    case 'result-ready': {
      const early = r.data.earlyDays ?? 0
      lines.push(`Hồ sơ ${d.code} (${d.procedureName}) đã có kết quả${early > 0 ? `, sớm ${early} ngày so với ngày hẹn ${due}` : ''}.`, `Mời Ông/Bà đến nhận tại ${c.centre.address}.`)
      break
    }
    case 'apology':
      lines.push(`${c.centre.name} xin lỗi Ông/Bà: hồ sơ ${d.code} (${d.procedureName}) hẹn trả ngày ${r.data.oldDueAt === undefined ? '' : localDateVn(r.data.oldDueAt)} chưa có kết quả.`,
        `Lý do: ${r.data.text ?? 'không nêu'}.`, `Ngày hẹn trả kết quả mới: ${due}.`, 'Phiếu xin lỗi và hẹn lại ngày trả kết quả được gửi kèm thư này.')
      if (link !== undefined) lines.push(`Xem phiếu: ${link}`)
      break
    case 'returned':
      lines.push(`Hồ sơ ${d.code} (${d.procedureName}) đã được trả kết quả ngày ${localDateVn(r.data.at)}.`, 'Cảm ơn Ông/Bà đã sử dụng dịch vụ.')
      if (c.ratingUrl !== undefined) lines.push(`Đánh giá mức độ hài lòng: ${c.ratingUrl}`)
      break
    case 'refused':
      lines.push(`Hồ sơ ${d.code} (${d.procedureName}) không được giải quyết.`, `Lý do: ${r.data.text ?? 'không nêu'}.`)
      break
  }
  lines.push('', c.centre.name, c.centre.address)
  return { subject: `${SUBJECTS[r.kind]} ${d.code}`, text: lines.join('\n') }
}

export function letterFields (r: NoticeRecord, d: NoticeDossier, c: AgencyNoticeConfig, issuedAt: number): ApologyLetter {
  return {
    ...(c.centre.parentAgency === undefined ? {} : { parentAgency: c.centre.parentAgency }),
    agency: c.centre.name,
    ...(c.centre.unit === undefined ? {} : { unit: c.centre.unit }),
    place: c.centre.place,
    address: c.centre.address,
    applicantName: d.name ?? 'Ông/Bà',
    dossierCode: d.code,
    procedureName: d.procedureName,
    receivedAt: new Date(d.receivedAt),
    dueAt: new Date(r.data.oldDueAt ?? r.data.dueAt),
    newDueAt: new Date(r.data.dueAt),
    reason: r.data.text ?? 'không nêu',
    issuedAt: new Date(issuedAt),
    signerTitle: c.centre.signerTitle,
    ...(c.centre.signerName === undefined ? {} : { signerName: c.centre.signerName })
  }
}
