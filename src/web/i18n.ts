/**
 * The one dictionary of the admin page and the CLI, in Vietnamese (the default) and English:
 * words (`W`), values by kind and field names (./i18n-values.ts), the portal's status names and
 * the failure reasons; and the date format, local time in Asia/Ho_Chi_Minh as dd/MM/yyyy HH:mm
 * whatever the server's own time zone, shown and typed alike.
 */
import type { SectorWords } from '../mappings/types.js'
import { STATUS_LABELS } from '../mappings/to-portal.js'
import { REASONS } from '../http/routes/failure-reasons.js'
import { FIELD_KINDS, FIELD_LABELS, VALUES, type ValueKind } from './i18n-values.js'
import { CLI_WORDS } from './i18n-cli.js'
import { PROBLEM_WORDS } from './i18n-problems.js'
import { NOTICE_WORDS } from './i18n-notices.js'

export type Lang = 'vi' | 'en'

const W = {
  // The CLI's own words (help, messages): ./i18n-cli.ts.
  ...CLI_WORDS,
  // What goes wrong below the CLI (the doctor, the clients file, the configuration, the network): ./i18n-problems.ts.
  ...PROBLEM_WORDS,
  // Applicant notices (the page's and the CLI's): ./i18n-notices.ts.
  ...NOTICE_WORDS,
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
  allDossiers: ['Tất cả hồ sơ', 'All dossiers'],
  allDossiersNote: ['Mọi hồ sơ trong phạm vi của bạn, mới nhất trước. Hồ sơ đã kết thúc, đã đồng bộ và không thay đổi quá thời hạn lưu trữ được thu gọn: không còn trong danh sách này nhưng vẫn tìm được theo mã hồ sơ hoặc số biên nhận.', 'Every dossier in your scope, newest first. Dossiers finished, on the portal and unchanged for longer than the retention period are compacted: they leave this list but are still found by code or receipt number.'],
  findDossier: ['Tìm hồ sơ', 'Find a dossier'],
  searchHint: ['Mã hồ sơ hoặc số biên nhận', 'Dossier code or receipt number'],
  searchGo: ['Tìm', 'Search'],
  searchNote: ['Tìm chính xác theo mã hồ sơ hoặc số biên nhận (số hồ sơ của hệ thống ngành). Không tìm được theo tên hay giấy tờ của người nộp: hệ thống không lưu chỉ mục dữ liệu cá nhân ở dạng đọc được.', 'Exact search by dossier code or receipt number (the sector system\'s own number). The applicant\'s name or papers cannot be searched: the gateway keeps no readable index of personal data.'],
  searchNone: ['Không tìm thấy hồ sơ nào có mã hoặc số biên nhận này trong phạm vi của bạn.', 'No dossier in your scope has this code or receipt number.'],
  searchFor: ['Kết quả tìm', 'Results for'],
  noDossiers: ['Không có hồ sơ nào.', 'No dossiers.'],
  receivedOn: ['Ngày tiếp nhận', 'Received'],
  receipt: ['Số biên nhận', 'Receipt number'],
  isOverdue: ['quá hạn', 'overdue'],
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
  changedLines: ['Dòng tô màu: khác với phiên bản liền trước (bản chuẩn hóa so với bản chuẩn hóa, dữ liệu gốc so với dữ liệu gốc)', 'Highlighted lines differ from the revision before (canonical against canonical, original against original)'],
  canonicalPayloads: ['Bản ghi chuẩn hóa của từng phiên bản', 'Each revision as a canonical record'],
  originalPayloads: ['Dữ liệu gốc của hệ thống ngành', 'As the sector system sent it'],
  byOfficer: ['bản sửa của cán bộ', 'an officer\'s correction'],
  bySector: ['do hệ thống ngành gửi', 'sent by the sector system'],
  actions: ['Xử lý', 'Actions'],
  replay: ['Gửi lại', 'Send again'],
  editReplay: ['Sửa và gửi lại', 'Edit and send again'],
  discard: ['Bỏ qua hồ sơ', 'Discard'],
  discardReason: ['Lý do bỏ qua', 'Why discard'],
  confirmTitle: ['Xác nhận bỏ qua', 'Confirm'],
  confirmDiscard: ['Bỏ qua hồ sơ này? Hồ sơ sẽ không được gửi lên Cổng nữa và không hoàn tác được:', 'Discard this dossier? It will not be sent to the portal any more, and this cannot be undone:'],
  confirmWebhookDiscard: ['Bỏ sự kiện webhook đang lỗi của hồ sơ này? Hệ thống ngành sẽ không nhận sự kiện đó nữa:', 'Drop the failed webhook event of this dossier? The sector system will not receive it:'],
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
  addressGiven: ['Địa chỉ ghi trong hồ sơ', 'Address given in the dossier'],
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
  sessionExpired: ['Phiên làm việc đã hết hạn; hãy đăng nhập lại rồi thực hiện lại thao tác.', 'Your session ended; sign in again, then repeat what you were doing.'],
  signInFirst: ['Hãy đăng nhập.', 'Please sign in.'],
  forbiddenQueues: ['Hàng đợi chỉ dành cho quyền vận hành; bạn đăng nhập với quyền chỉ xem.', 'The queues are for operators only; you are signed in as a viewer.'],
  operatorsOnly: ['Chỉ quyền vận hành mới sửa được hồ sơ; bạn đăng nhập với quyền chỉ xem.', 'Only operators can edit a dossier; you are signed in as a viewer.'],
  tooMany: ['Quá nhiều lần thử; hãy đợi một phút.', 'Too many attempts; wait a minute.'],
  notFound: ['Không tìm thấy trang hoặc hồ sơ.', 'Page or dossier not found.'],
  language: ['English', 'Tiếng Việt'],
  currentStatus: ['Trạng thái hiện tại', 'Current status'],
  connectedSystem: ['Hệ thống kết nối', 'Connected system'],
  dueDay: ['Hạn trả', 'Due'],
  occurredAt: ['Xảy ra lúc', 'Happened at'],
  sourceNumber: ['Số hồ sơ của hệ thống ngành', 'Sector system\'s number'],
  triesCount: ['Số lần thử', 'Attempts'],
  routing: ['Giao hệ thống', 'Routing'],
  noFilter: ['Mọi hồ sơ gửi thất bại', 'Every failed dossier'],
  dossiers: ['hồ sơ', 'dossiers'],
  failuresInARow: ['lần lỗi liên tiếp, từ', 'failures in a row, since'],
  onPortal: ['đã có trên Cổng', 'on the portal'],
  notOnPortal: ['chưa có trên Cổng', 'not on the portal yet'],
  compacted: ['Đã thu gọn', 'Compacted'],
  moreWithAll: ['(còn nữa: thêm --all để lấy mọi trang)', '(more: --all for every page)'],
  role: ['Quyền', 'Role'],
  attemptNo: ['lần', 'attempt'],
  portalCode: ['mã của Cổng', 'portal code'],
  times: ['lần thử', 'attempts'],
  badDay: ['Ngày không hợp lệ: nhập theo dạng dd/MM/yyyy', 'Not a valid day: type it as dd/MM/yyyy'],
  yes: ['Có', 'Yes'],
  no: ['Không', 'No']
} as const

const at = (lang: Lang): 0 | 1 => lang === 'vi' ? 0 : 1

/** A coded value in words; a code the dictionary lacks, as it is (the dictionary test lists them). */
export function valueName (kind: ValueKind, code: string, lang: Lang): string {
  return (VALUES[kind] as Record<string, readonly [string, string]>)[code]?.[at(lang)] ?? code
}

export function hasValue (kind: ValueKind, code: string): boolean {
  return Object.hasOwn(VALUES[kind], code)
}

/** An audit action in words. */
export function actionName (action: string, lang: Lang): string { return valueName('auditAction', action, lang) }

/** The sector systems' names, from their mappings (registerSystemTitles); read by systemName. */
const SYSTEM_TITLES = new Map<string, { vi: string, en: string }>()

/** Each sector's own words (SectorMapping.words), by full path `details.<system>.…`. */
const SECTOR_LABELS = new Map<string, readonly [string, string]>()
const SECTOR_KINDS = new Map<string, string>()
const SECTOR_VALUES = new Map<string, Record<string, readonly [string, string]>>()

/** Called with the registry's titles where the mappings are loaded (the page's plugin, the CLI). */
export function registerSystemTitles (titles: Record<string, { vi: string, en: string }>): void {
  for (const [s, title] of Object.entries(titles)) SYSTEM_TITLES.set(s, title)
}

/** Called with the registry's `words()` beside registerSystemTitles. */
export function registerSectorWords (words: Record<string, SectorWords>): void {
  for (const [system, w] of Object.entries(words)) {
    for (const [k, v] of Object.entries(w.labels ?? {})) SECTOR_LABELS.set(`details.${system}.${k}`, v)
    for (const [k, v] of Object.entries(w.kinds ?? {})) SECTOR_KINDS.set(`details.${system}.${k}`, v)
    for (const [k, v] of Object.entries(w.values ?? {})) SECTOR_VALUES.set(k, v)
  }
}

/** A sector system in words: Hộ tịch, Đất đai… */
export function systemName (system: string, lang: Lang): string { return SYSTEM_TITLES.get(system)?.[lang] ?? valueName('system', system, lang) }

/** A field of the canonical record by its name (`holder.ids.0.number` → Số giấy tờ tùy thân). */
export function fieldLabel (path: string, lang: Lang): string | undefined {
  const bare = path.replace(/\.\d+(?=\.|$)/g, '')
  return (FIELD_LABELS[bare] ?? SECTOR_LABELS.get(bare))?.[at(lang)]
}

/** The label with the item's place in its lists, counted from 1: `documents.1.name` → "…: tên (2)". */
export function fieldLabelAt (path: string, lang: Lang): string | undefined {
  const label = fieldLabel(path, lang)
  const places = [...path.matchAll(/\.(\d+)(?=\.|$)/g)].map(m => Number(m[1]) + 1)
  return label === undefined || places.length === 0 ? label : `${label} (${places.join('.')})`
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/

/** A value of the record as shown: coded values in words, dates dd/MM/yyyy (HH:mm), booleans Có/Không. */
export function fieldValue (path: string, value: string, lang: Lang): string {
  const bare = path.replace(/\.\d+(?=\.|$)/g, '')
  if (bare === 'status') return statusName(value, lang)
  if (bare === 'provenance.system') return systemName(value, lang)
  if (bare === 'provenance.mappingVersion') {
    const [system = '', version = ''] = value.split('@')
    return `${systemName(system, lang)} ${version}`.trim()
  }
  const kind = FIELD_KINDS[bare]
  if (kind !== undefined) return valueName(kind, value, lang)
  const sectorKind = SECTOR_KINDS.get(bare)
  if (sectorKind !== undefined) {
    // A kind the dictionary has (idType, gender…) or one of the sector's own code lists.
    return Object.hasOwn(VALUES, sectorKind) ? valueName(sectorKind as ValueKind, value, lang) : SECTOR_VALUES.get(sectorKind)?.[value]?.[at(lang)] ?? value
  }
  if (value === 'true' || value === 'false') return valueName('yesNo', value, lang)
  if (ISO_INSTANT.test(value)) return formatDate(value)
  if (ISO_DAY.test(value)) return formatDay(value)
  return value
}

/** "3 kết quả", "1 result", "3 results". */
export function countText (n: number, lang: Lang): string {
  if (lang === 'vi') return `${n} kết quả`
  return `${n} ${n === 1 ? 'result' : 'results'}`
}

export type Word = keyof typeof W

export function words (lang: Lang): (w: Word) => string {
  const i = at(lang)
  return (w) => W[w][i]
}

/** Every word, for the dictionary's own test. */
export const ALL_WORDS: Readonly<Record<string, readonly [string, string]>> = W

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

/** yyyy-MM-dd (a calendar day, no time zone) as dd/MM/yyyy. */
export function formatDay (day: string): string {
  return ISO_DAY.test(day) ? day.split('-').reverse().join('/') : day
}

/**
 * What an officer types, back to ISO: `dd/MM/yyyy` → `yyyy-MM-dd`; `dd/MM/yyyy HH:mm` → the
 * instant at +07:00 (Vietnam has no daylight saving). ISO typed as ISO is kept. Anything else:
 * undefined (the caller passes it on as typed, for validation to name the field).
 */
export function parseTyped (text: string): string | undefined {
  const t = text.trim()
  if (ISO_DAY.test(t) || ISO_INSTANT.test(t)) return t
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(t)
  if (m === null) return undefined
  const pad = (x: string | undefined): string => (x ?? '').padStart(2, '0')
  const day = `${m[3] ?? ''}-${pad(m[2])}-${pad(m[1])}`
  const check = new Date(`${day}T00:00:00Z`)
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== day) return undefined
  if (m[4] === undefined) return day
  if (Number(m[4]) > 23) return undefined
  return `${day}T${pad(m[4])}:${m[5] ?? '00'}:00+07:00`
}

/** Today in Asia/Ho_Chi_Minh, yyyy-mm-dd. */
export { localDay } from '../domain/toolkit/dates.js'
