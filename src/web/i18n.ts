/**
 * The admin page's words, in Vietnamese (the default) and English, and its date format: local
 * time in Asia/Ho_Chi_Minh as dd/MM/yyyy HH:mm, whatever the server's own time zone.
 */
import { STATUS_LABELS } from '../mappings/to-portal.js'
import { REASONS } from '../routes/failure-reasons.js'

export type Lang = 'vi' | 'en'

const W = {
  title: ['Cổng liên thông — Quản trị', 'Liên Thông gateway — Admin'],
  overview: ['Tổng quan', 'Overview'],
  failed: ['Đồng bộ lỗi', 'Failed syncs'],
  review: ['Chờ quyết định', 'Needs a decision'],
  bulk: ['Gửi lại hàng loạt', 'Bulk replay'],
  audit: ['Nhật ký thao tác', 'Audit log'],
  queues: ['Hàng đợi (bull-board)', 'Queues (bull-board)'],
  signIn: ['Đăng nhập', 'Sign in'],
  signOut: ['Đăng xuất', 'Sign out'],
  adminKey: ['Khóa quản trị', 'Admin key'],
  signInHelp: ['Dán khóa quản trị được cấp cho bạn. Khóa không được lưu; phiên đăng nhập hết hạn sau', 'Paste the admin key you were given. The key is not kept; the session expires after'],
  hours: ['giờ', 'hours'],
  badKey: ['Khóa không đúng hoặc đã bị thu hồi', 'The key is wrong or was revoked'],
  notAdmin: ['Khóa này thuộc một hệ thống ngành, không phải khóa quản trị', 'This key belongs to a sector system, not an admin'],
  signedInAs: ['Đăng nhập:', 'Signed in as'],
  role_viewer: ['chỉ xem', 'viewer'],
  role_operator: ['vận hành', 'operator'],
  scopeAll: ['mọi cơ quan, mọi hệ thống', 'every agency and system'],
  today: ['Hôm nay', 'Today'],
  received: ['Hồ sơ tiếp nhận', 'Dossiers received'],
  receivedOnline: ['trong đó trực tuyến', 'of which online'],
  deliveredToday: ['Hồ sơ đã đồng bộ đủ lên Cổng', 'Dossiers fully on the portal'],
  outbox: ['Đang chờ gửi lên Cổng', 'Waiting for the portal'],
  oldest: ['Cũ nhất từ', 'Oldest since'],
  none: ['Không có', 'None'],
  breaker: ['Kết nối Cổng DVC quốc gia', 'National portal connection'],
  breaker_closed: ['Bình thường', 'Normal'],
  breaker_open: ['Tạm ngắt (Cổng lỗi liên tục, đang chờ thử lại)', 'Open (the portal keeps failing; waiting to retry)'],
  'breaker_half-open': ['Đang thử lại', 'Probing'],
  receivers: ['Hệ thống ngành không nhận webhook', 'Sector systems failing webhooks'],
  waiting: ['Đang chờ cán bộ xử lý', 'Waiting for an officer'],
  figures: ['Chỉ số của trung tâm (30 ngày)', 'Centre figures (30 days)'],
  onTimeRate: ['Tỷ lệ đúng hạn', 'On time'],
  onlineShare: ['Tỷ lệ nộp trực tuyến', 'Submitted online'],
  digitisedShare: ['Tỷ lệ số hóa', 'Digitised'],
  paidOnlineShare: ['Thanh toán trực tuyến', 'Paid online'],
  meanRating: ['Điểm đánh giá trung bình', 'Mean rating'],
  overdueOpen: ['Đang quá hạn', 'Overdue now'],
  notAvailable: ['Không có số liệu', 'Not available'],
  kind: ['Loại', 'Kind'],
  kind_delivery: ['Gửi lên Cổng thất bại', 'Portal delivery failed'],
  kind_webhook: ['Webhook thất bại', 'Webhook failed'],
  kind_review: ['Chờ chọn xã', 'Commune to choose'],
  kind_unrouted: ['Chưa giao hệ thống', 'Not routed'],
  kind_callback: ['Sự kiện không khớp', 'Unmatched callback'],
  all: ['Tất cả', 'All'],
  system: ['Hệ thống', 'System'],
  province: ['Tỉnh (mã)', 'Province (code)'],
  agency: ['Cơ quan', 'Agency'],
  commune: ['Xã (mã)', 'Commune (code)'],
  procedure: ['Thủ tục', 'Procedure'],
  reason: ['Lý do', 'Reason'],
  fromDay: ['Từ ngày', 'From'],
  toDay: ['Đến ngày', 'To'],
  filter: ['Lọc', 'Filter'],
  clear: ['Bỏ lọc', 'Clear'],
  code: ['Mã hồ sơ', 'Dossier code'],
  at: ['Thời điểm', 'When'],
  reply: ['Trả lời', 'Reply'],
  portalReply: ['Trả lời của Cổng', 'The portal\'s reply'],
  receiverReply: ['Trả lời của hệ thống ngành', 'The sector system\'s reply'],
  results: ['kết quả', 'results'],
  nextPage: ['Trang sau →', 'Next page →'],
  firstPage: ['← Trang đầu', '← First page'],
  empty: ['Không có gì cần xử lý.', 'Nothing waits.'],
  status: ['Trạng thái hồ sơ', 'Dossier status'],
  syncState: ['Tình trạng đồng bộ', 'Sync state'],
  state_pending: ['Đang chờ gửi', 'Waiting to be sent'],
  state_delivered: ['Đã đồng bộ lên Cổng', 'On the portal'],
  state_failed: ['Gửi thất bại', 'Failed'],
  'state_needs-review': ['Chờ chọn xã', 'Needs review'],
  state_unrouted: ['Chưa giao hệ thống', 'Not routed'],
  state_discarded: ['Đã bỏ qua', 'Discarded'],
  revision: ['Phiên bản', 'Revision'],
  failure: ['Lỗi', 'Failure'],
  record: ['Bản ghi chuẩn hóa', 'Canonical record'],
  field: ['Trường', 'Field'],
  value: ['Giá trị', 'Value'],
  attempts: ['Các lần gửi', 'Delivery attempts'],
  operation: ['Thao tác', 'Operation'],
  outcome: ['Kết quả', 'Outcome'],
  history: ['Lịch sử', 'History'],
  callbacks: ['Hoạt động trên Cổng', 'On the portal'],
  payment: ['Thanh toán', 'Payment'],
  withdrawal: ['Yêu cầu rút hồ sơ', 'Withdrawal request'],
  rating: ['Đánh giá', 'Rating'],
  supplements: ['Lần nộp bổ sung', 'Supplements'],
  webhooks: ['Webhook tới hệ thống ngành', 'Webhooks to the sector system'],
  queued: ['Đang chờ', 'Queued'],
  payloads: ['Dữ liệu gốc đã nhận (các phiên bản)', 'Payloads as received (revisions)'],
  payloadsNote: ['Dữ liệu gốc chứa thông tin cá nhân: mỗi lần xem được ghi nhật ký.', 'Payloads hold personal data: every read is logged.'],
  showPayloads: ['Xem dữ liệu gốc (ghi nhật ký)', 'Show payloads (logged)'],
  changedLines: ['Dòng tô màu: khác với phiên bản trước đó cùng định dạng', 'Highlighted lines differ from the revision before it in the same format'],
  actions: ['Xử lý', 'Actions'],
  replay: ['Gửi lại', 'Send again'],
  editReplay: ['Sửa và gửi lại', 'Edit and send again'],
  discard: ['Bỏ qua hồ sơ', 'Discard'],
  discardReason: ['Lý do bỏ qua', 'Why discard'],
  webhookReplay: ['Gửi lại webhook', 'Send the webhook again'],
  webhookDiscard: ['Bỏ sự kiện webhook', 'Drop the webhook event'],
  viewerNote: ['Bạn đăng nhập với quyền chỉ xem: không thực hiện được thao tác.', 'You are signed in as a viewer: you cannot act.'],
  editTitle: ['Sửa hồ sơ', 'Edit dossier'],
  editHelp: ['Sửa các trường sai rồi gửi lại. Hồ sơ được kiểm tra như khi tiếp nhận; bản sửa được lưu cạnh bản gốc.', 'Correct the wrong fields and send again. The dossier is checked as at intake; the correction is kept beside the original.'],
  editReason: ['Lý do sửa', 'Why'],
  readOnly: ['không sửa được', 'read-only'],
  save: ['Lưu và gửi lại', 'Save and send again'],
  cancel: ['Hủy', 'Cancel'],
  fieldErrors: ['Hồ sơ chưa hợp lệ: sửa các trường được đánh dấu.', 'The dossier is not valid yet: correct the marked fields.'],
  done: ['Đã thực hiện', 'Done'],
  chooseCommune: ['Chọn xã mới', 'Choose the new commune'],
  oldCommune: ['Xã cũ', 'Old commune'],
  settle: ['Xác nhận xã', 'Confirm commune'],
  chooseSystem: ['Giao cho hệ thống', 'Give to system'],
  route: ['Giao hồ sơ', 'Route'],
  noReceiver: ['Chưa có hệ thống ngành nào (có webhook) phụ trách cơ quan này', 'No sector system (with a webhook) acts for this agency'],
  reviewEmpty: ['Không có hồ sơ nào chờ quyết định.', 'No dossier waits for a decision.'],
  unroutedTitle: ['Hồ sơ trực tuyến chưa giao hệ thống', 'Online dossiers not routed'],
  splitTitle: ['Xã cũ đã chia: chọn xã mới', 'Split communes: choose the new one'],
  bulkHelp: ['Chọn bộ lọc, xem số hồ sơ sẽ gửi lại, rồi bắt đầu. Chỉ hồ sơ gửi lên Cổng thất bại được gửi lại.', 'Choose a filter, see how many dossiers it covers, then start. Only dossiers whose portal delivery failed are sent again.'],
  count: ['Đếm', 'Count'],
  willReplay: ['Số hồ sơ sẽ được gửi lại:', 'Dossiers that will be sent again:'],
  start: ['Bắt đầu gửi lại', 'Start'],
  recentJobs: ['Các lần gửi lại gần đây', 'Recent bulk replays'],
  job: ['Lần gửi lại', 'Bulk replay'],
  matched: ['Khớp bộ lọc', 'Matched'],
  replayed: ['Đã gửi lại', 'Sent again'],
  skipped: ['Bỏ qua (đã thay đổi)', 'Skipped (changed meanwhile)'],
  jobState: ['Tình trạng', 'State'],
  job_queued: ['Đang chờ', 'Queued'],
  job_running: ['Đang chạy', 'Running'],
  job_done: ['Hoàn tất', 'Finished'],
  job_cancelled: ['Đã dừng', 'Cancelled'],
  stop: ['Dừng', 'Cancel'],
  reload: ['Tải lại trang để cập nhật tiến độ.', 'Reload the page to update the progress.'],
  createdBy: ['Người tạo', 'Created by'],
  actor: ['Người thực hiện', 'Who'],
  action: ['Thao tác', 'Action'],
  target: ['Đối tượng', 'Target'],
  detail: ['Chi tiết', 'Detail'],
  older: ['Cũ hơn →', 'Older →'],
  newest: ['← Mới nhất', '← Newest'],
  error: ['Không thực hiện được', 'Could not be done'],
  unavailable: ['Hệ thống tạm thời không sẵn sàng (Redis); hãy thử lại sau ít phút.', 'The gateway is briefly unavailable (Redis); try again in a few minutes.'],
  back: ['Quay lại', 'Back'],
  csrf: ['Biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang và thử lại.', 'The form expired or is invalid; reload the page and try again.'],
  signInFirst: ['Hãy đăng nhập.', 'Please sign in.'],
  forbiddenQueues: ['Hàng đợi chỉ dành cho quyền vận hành (operator).', 'The queues are for operators only.'],
  tooMany: ['Quá nhiều lần thử; hãy đợi một phút.', 'Too many attempts; wait a minute.'],
  notFound: ['Không tìm thấy trang hoặc hồ sơ.', 'Page or dossier not found.'],
  language: ['English', 'Tiếng Việt'],
  yes: ['Có', 'Yes'],
  no: ['Không', 'No']
} as const

const ACTIONS: Record<string, [string, string]> = {
  'dossier.replay': ['Gửi lại hồ sơ', 'Dossier sent again'],
  'dossier.edit': ['Sửa và gửi lại hồ sơ', 'Dossier corrected and sent again'],
  'dossier.discard': ['Bỏ qua hồ sơ', 'Dossier discarded'],
  'webhook.replay': ['Gửi lại webhook', 'Webhook sent again'],
  'webhook.discard': ['Bỏ sự kiện webhook', 'Webhook event dropped'],
  'webhook.recover': ['Gửi lại các webhook lỗi', 'Failed webhooks recovered'],
  'review.settle': ['Chọn xã cho hồ sơ', 'Commune chosen'],
  route: ['Giao hồ sơ trực tuyến', 'Online dossier routed'],
  'replay.create': ['Bắt đầu gửi lại hàng loạt', 'Bulk replay started'],
  'replay.cancel': ['Dừng gửi lại hàng loạt', 'Bulk replay cancelled'],
  'replay.finished': ['Gửi lại hàng loạt kết thúc', 'Bulk replay finished'],
  'payloads.read': ['Xem dữ liệu gốc', 'Payloads read'],
  'web.signin': ['Đăng nhập trang quản trị', 'Signed in to the admin page'],
  'queues.change': ['Thay đổi hàng đợi (bull-board)', 'Queue changed (bull-board)']
}

/** An audit action in words; an action not listed here, as its code. */
export function actionName (action: string, lang: Lang): string {
  return ACTIONS[action]?.[lang === 'vi' ? 0 : 1] ?? action
}

export type Word = keyof typeof W

export function words (lang: Lang): (w: Word) => string {
  const i = lang === 'vi' ? 0 : 1
  return (w) => W[w][i]
}

export function isWord (w: string): w is Word { return Object.hasOwn(W, w) }

/** The portal's own status names (TrangThaiHoSo). */
export function statusName (code: string, lang: Lang): string {
  const l = STATUS_LABELS[code]
  return l === undefined ? code : l[lang]
}

export function reasonText (code: string, lang: Lang): string {
  return REASONS[code]?.[lang] ?? code
}

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
})

/** dd/MM/yyyy HH:mm in Asia/Ho_Chi_Minh; text that is not a date is shown as it is. */
export function formatDate (value: string | number | undefined): string {
  if (value === undefined || value === '') return ''
  const ms = typeof value === 'number' ? value : Date.parse(value)
  if (Number.isNaN(ms)) return String(value)
  const p: Record<string, string> = {}
  for (const x of parts.formatToParts(ms)) p[x.type] = x.value
  return `${p.day ?? ''}/${p.month ?? ''}/${p.year ?? ''} ${p.hour ?? ''}:${p.minute ?? ''}`
}

/** Today in Asia/Ho_Chi_Minh, yyyy-mm-dd. */
export { localDay } from '../mappings/toolkit/dates.js'
