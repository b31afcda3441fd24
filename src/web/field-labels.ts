/**
 * Names of the canonical record's fields as an officer knows them, by path with list positions
 * taken out (`holder.ids.0.number` → `holder.ids.number`). A field without a name here is shown
 * by its path alone (sector details, new fields).
 */
import type { Lang } from './i18n.js'

const LABELS: Record<string, [string, string]> = {
  maHoSo: ['Mã hồ sơ', 'Dossier code'],
  sourceId: ['Số hồ sơ của hệ thống ngành', 'Sector system\'s number'],
  'procedure.code': ['Mã thủ tục', 'Procedure code'],
  'procedure.name': ['Tên thủ tục', 'Procedure'],
  'agency.code': ['Mã cơ quan', 'Agency code'],
  'agency.communeCode': ['Mã xã của cơ quan', 'Agency\'s commune'],
  'agency.name': ['Tên cơ quan', 'Agency'],
  channel: ['Kênh nộp', 'Channel'],
  'holder.kind': ['Loại chủ hồ sơ', 'Holder kind'],
  'holder.name': ['Họ tên chủ hồ sơ', 'Holder\'s name'],
  'holder.ids.type': ['Loại giấy tờ tùy thân', 'ID type'],
  'holder.ids.number': ['Số giấy tờ tùy thân', 'ID number'],
  'holder.birthDate': ['Ngày sinh', 'Birth date'],
  'holder.gender': ['Giới tính', 'Gender'],
  'holder.phone': ['Số điện thoại', 'Phone'],
  'holder.email': ['Thư điện tử', 'E-mail'],
  'holder.address.text': ['Địa chỉ', 'Address'],
  'holder.address.communeCode': ['Mã xã nơi ở', 'Address commune'],
  summary: ['Trích yếu hồ sơ', 'Summary'],
  receivedAt: ['Ngày tiếp nhận', 'Received'],
  dueAt: ['Ngày hẹn trả', 'Due'],
  returnedAt: ['Ngày trả kết quả', 'Returned'],
  status: ['Trạng thái (mã)', 'Status (code)'],
  handlingUnit: ['Đơn vị xử lý', 'Handling unit'],
  'documents.id': ['Giấy tờ kèm theo: mã', 'Document: id'],
  'documents.name': ['Giấy tờ kèm theo: tên', 'Document: name'],
  'documents.url': ['Giấy tờ kèm theo: địa chỉ tệp', 'Document: file address'],
  'documents.componentCode': ['Giấy tờ kèm theo: mã thành phần', 'Document: component code'],
  'documents.mimeType': ['Giấy tờ kèm theo: kiểu tệp', 'Document: file type'],
  'documents.size': ['Giấy tờ kèm theo: dung lượng (byte)', 'Document: size (bytes)'],
  'documents.digitised': ['Giấy tờ kèm theo: đã số hóa', 'Document: digitised'],
  'documents.reused': ['Giấy tờ kèm theo: tái sử dụng', 'Document: reused'],
  'fees.name': ['Lệ phí: tên', 'Fee: name'],
  'fees.code': ['Lệ phí: mã', 'Fee: code'],
  'fees.amount': ['Lệ phí: số tiền (đồng)', 'Fee: amount (VND)'],
  'fees.collectedAt': ['Lệ phí: thu khi', 'Fee: collected at'],
  'fees.paid': ['Lệ phí: đã thu', 'Fee: paid'],
  paidOnline: ['Thanh toán trực tuyến', 'Paid online'],
  note: ['Ghi chú', 'Note'],
  receiptNumber: ['Số biên nhận', 'Receipt number'],
  submittedAt: ['Ngày nộp', 'Submitted'],
  finishedAt: ['Ngày có kết quả', 'Finished'],
  refusedAt: ['Ngày từ chối', 'Refused'],
  digitised: ['Hồ sơ đã số hóa', 'Digitised']
}

export function fieldLabel (path: string, lang: Lang): string | undefined {
  return LABELS[path.replace(/\.\d+(?=\.|$)/g, '')]?.[lang === 'vi' ? 0 : 1]
}
