/**
 * The words of applicant notices (docs/notices.md, "What an officer sees"), part of the one
 * dictionary of ./i18n.ts: the page's words and the CLI's (`cli_notices…`) are spread into its
 * words, the coded values (kinds, states, channels, attempt outcomes, the gateway's reasons for
 * not sending) into ./i18n-values.ts. Codes come from src/domain/notices/kinds.ts and the worker's
 * history (queue/notice-delivery.ts); test/web/notices-words.test.ts checks every one has words.
 */
type Pair = readonly [string, string]

export const NOTICE_WORDS = {
  notices: ['Thông báo', 'Notices'],
  noticesTitle: ['Thông báo cho người nộp hồ sơ', 'Notices to applicants'],
  noticesOfDossier: ['Thông báo gửi người nộp', 'Notices to the applicant'],
  noticesNone: ['Chưa có thông báo nào.', 'No notice yet.'],
  noticesFailed: ['Thông báo gửi lỗi hoặc không gửi', 'Notices failed or not sent'],
  noticesFailedNone: ['Không có thông báo nào lỗi.', 'No notice failed.'],
  noticeChannels: ['Kênh gửi đang dừng', 'Channels stopped'],
  noticeChannelsNone: ['Mọi kênh đang gửi bình thường.', 'Every channel is sending.'],
  noticeChannelsNote: ['Kênh dùng chung cho mọi cơ quan: chỉ quản trị vận hành của mọi cơ quan mới cho kênh gửi lại. Thông báo đang tạm giữ được gửi ngay khi kênh chạy lại.', 'A channel serves every agency: only an operator of every agency resumes it. Its held notices are sent as soon as it runs again.'],
  noticesOwed: ['Hồ sơ nợ phiếu xin lỗi', 'Dossiers that owe an apology'],
  noticesOwedNote: ['Hồ sơ chưa xong, đã quá hạn trả lâu hơn thời gian cho phép mà chưa có ngày hẹn mới: cần gửi phiếu xin lỗi và hẹn lại ngày trả kết quả.', 'Open dossiers past their due date for longer than the grace period, with no new due date: the centre owes an apology and a new date.'],
  noticesOwedNone: ['Không có hồ sơ nào nợ phiếu xin lỗi.', 'No dossier owes an apology.'],
  noticeKind: ['Loại thông báo', 'Notice'],
  noticeChannel: ['Kênh', 'Channel'],
  noticeState: ['Tình trạng', 'State'],
  noticeTimes: ['Thời điểm', 'Times'],
  noticeCreated: ['tạo', 'created'],
  noticeSent: ['gửi', 'sent'],
  noticeDelivered: ['đến nơi', 'delivered'],
  noticeEnded: ['kết thúc', 'ended'],
  noticeReason: ['Lý do', 'Reason'],
  noticePassed: ['đã chuyển từ kênh', 'passed on from'],
  noticeEarly: ['sớm hơn hẹn (ngày)', 'days early'],
  noticeLetterMail: ['phiếu xin lỗi qua thư điện tử', 'apology letter by e-mail'],
  noticeAttempts: ['lần thử', 'tries'],
  noticeHistory: ['Diễn biến', 'History'],
  noticeResend: ['Gửi lại thông báo', 'Send the notice again'],
  channelName: ['Kênh hoặc mẫu tin', 'Channel or template'],
  channelMode: ['Tình trạng kênh', 'State'],
  channelMode_hold: ['Đã dừng: chờ quản trị cho gửi lại', 'Stopped: waits for an admin to resume it'],
  channelMode_skip: ['Hết hạn mức: chuyển sang kênh sau', 'Full: passed to the next channel'],
  channelSince: ['Từ', 'Since'],
  channelUntil: ['Đến', 'Until'],
  channelResume: ['Cho gửi lại', 'Resume'],
  templateOf: ['mẫu tin', 'template'],
  // The CLI (cli/notices.ts)
  cli_notices: ['thông báo cho người nộp: xem, gửi lại, kênh gửi, danh sách từ chối nhận tin', 'applicant notices: list, resend, channels, opt-outs'],
  cli_noticesList: ['các thông báo của một hồ sơ, cũ nhất trước, với diễn biến', 'a dossier\'s notices, oldest first, with their history'],
  cli_noticesFailed: ['thông báo gửi lỗi hoặc không gửi, mới nhất trước', 'notices that failed or were not sent, newest first'],
  cli_noticesResend: ['gửi lại một thông báo lỗi hoặc không gửi, từ kênh đầu tiên', 'send a failed or not-sent notice again, from the first channel'],
  cli_noticesChannels: ['các kênh (hoặc mẫu tin) đang dừng hoặc hết hạn mức hôm nay', 'the channels (or templates) stopped or full for today'],
  cli_noticesResume: ['cho một kênh đang dừng (zns, sms, email, hoặc mẫu tin zns|received) gửi lại', 'resume a stopped channel (zns, sms, email, or a template zns|received)'],
  cli_noticesOwed: ['hồ sơ quá hạn lâu hơn thời gian cho phép mà chưa có ngày hẹn mới', 'dossiers past due for longer than the grace period with no new due date'],
  cli_noticesOptOut: ['đưa một số điện thoại vào danh sách từ chối nhận tin (chỉ lưu mã băm)', 'put a phone on the opt-out list (only its hash is kept)'],
  cli_optUndo: ['bỏ số điện thoại khỏi danh sách', 'take the phone off the list'],
  cli_noticeQueued: ['{id}: đã xếp hàng gửi lại', '{id}: queued to be sent again'],
  cli_channelResumed: ['{name}: đã cho gửi lại, {queued} thông báo đang tạm giữ được xếp hàng gửi', '{name}: resumed, {queued} held notice(s) queued'],
  cli_optedOut: ['đã đưa số điện thoại vào danh sách từ chối nhận tin', 'the phone is on the opt-out list'],
  cli_optedIn: ['đã bỏ số điện thoại khỏi danh sách từ chối nhận tin', 'the phone is off the opt-out list'],
  cli_noChannelStopped: ['mọi kênh đang gửi bình thường', 'every channel is sending'],
  cli_noNotices: ['hồ sơ chưa có thông báo nào', 'the dossier has no notice yet'],
  cli_totalNotices: ['tổng số: {total}', 'total: {total}'],
  cli_id: ['Mã', 'Id']
} as const satisfies Record<string, Pair>

export const NOTICE_VALUES = {
  noticeKind: {
    received: ['Đã tiếp nhận hồ sơ', 'Dossier received'],
    'supplement-requested': ['Yêu cầu bổ sung', 'Supplement requested'],
    'result-ready': ['Đã có kết quả', 'Result ready'],
    apology: ['Xin lỗi và hẹn lại ngày trả', 'Apology and new due date'],
    returned: ['Đã trả kết quả', 'Result returned'],
    refused: ['Từ chối hồ sơ', 'Dossier refused']
  },
  noticeState: {
    pending: ['Chờ gửi', 'Waiting'],
    held: ['Tạm giữ (kênh đang dừng)', 'Held (channel stopped)'],
    sending: ['Đang gửi', 'Sending'],
    sent: ['Đã gửi', 'Sent'],
    'sent-unconfirmed': ['Đã gửi, chưa xác nhận', 'Sent, not confirmed'],
    delivered: ['Đã đến người nhận', 'Delivered'],
    failed: ['Gửi lỗi', 'Failed'],
    'not-sent': ['Không gửi', 'Not sent']
  },
  noticeChannel: {
    zns: ['Tin Zalo (ZNS)', 'Zalo (ZNS)'],
    sms: ['Tin nhắn SMS', 'SMS'],
    email: ['Thư điện tử', 'E-mail']
  },
  noticeOutcome: {
    sent: ['Nhà cung cấp đã nhận', 'Taken by the provider'],
    'next-channel-applicant': ['Người nhận không dùng được kênh này: chuyển kênh sau', 'Not for this applicant: next channel'],
    'next-channel-today': ['Hết hạn mức hôm nay: chuyển kênh sau', 'Full for today: next channel'],
    'stop-channel-config': ['Lỗi cấu hình: dừng kênh', 'Configuration fault: channel stopped'],
    retry: ['Lỗi tạm thời, sẽ thử lại', 'Temporary error, retried'],
    'token-expired': ['Mã truy cập Zalo hết hạn, sẽ thử lại', 'Zalo token expired, retried'],
    'sent-unconfirmed': ['Mất trả lời sau khi gửi', 'Answer lost after sending'],
    interrupted: ['Bị ngắt khi đang gửi', 'Interrupted while sending'],
    held: ['Tạm giữ', 'Held'],
    'quiet-hours': ['Giờ nghỉ: gửi sau', 'Quiet hours: sent later'],
    skipped: ['Bỏ qua kênh đang dừng', 'Stopped channel skipped'],
    report: ['Báo cáo chuyển phát', 'Delivery report'],
    resend: ['Cán bộ gửi lại', 'Sent again by an officer'],
    resumed: ['Kênh được cho gửi lại', 'Channel resumed'],
    'not-sent': ['Không gửi', 'Not sent'],
    failed: ['Gửi lỗi', 'Failed']
  },
  // Why the gateway itself sent nothing (NOT_SENT_REASONS): the provider's reasons are shown as given.
  noticeNotSent: {
    'no-contact': ['Người nộp không để lại số điện thoại hay thư điện tử', 'The applicant gave no phone or e-mail'],
    'opted-out': ['Số điện thoại đã từ chối nhận tin', 'The phone is on the opt-out list'],
    'no-channel-left': ['Không còn kênh nào gửi được', 'No channel left to carry it'],
    'kind-off': ['Cơ quan không gửi loại thông báo này', 'The agency does not send this kind']
  }
} satisfies Record<string, Record<string, Pair>>

/** The officers' actions on notices, for the audit log (http/routes/notices-admin.ts). */
export const NOTICE_AUDIT_ACTIONS = {
  'notice.resend': ['Gửi lại thông báo', 'Notice sent again'],
  'notice.resume': ['Cho kênh thông báo gửi lại', 'Notice channel resumed'],
  'notice.opt-out': ['Đưa số điện thoại vào danh sách từ chối nhận tin', 'Phone put on the opt-out list'],
  'notice.opt-in': ['Bỏ số điện thoại khỏi danh sách từ chối nhận tin', 'Phone taken off the opt-out list'],
  'notice.zns-authorise': ['Lưu mã truy cập Zalo OA mới', 'Zalo OA tokens stored']
} satisfies Record<string, Pair>
