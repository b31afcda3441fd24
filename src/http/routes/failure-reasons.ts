/**
 * Why something waits for a person, in plain Vietnamese and English, from the gateway's own
 * classified codes only: never a stack trace or an internal address. The portal's or the
 * receiver's own words travel beside it, separately.
 */
export const REASONS: Record<string, { vi: string, en: string }> = {
  PORTAL_REJECTED: { vi: 'Cổng Dịch vụ công từ chối dữ liệu của hồ sơ (xem câu trả lời của Cổng)', en: 'The portal refused the dossier\'s data (see the portal\'s reply)' },
  RETRY_WINDOW_EXCEEDED: { vi: 'Cổng không nhận hồ sơ trong suốt thời gian thử lại', en: 'The portal did not take the dossier during the whole retry window' },
  CODE_COLLISION: { vi: 'Cổng đã có một hồ sơ khác mang cùng mã hồ sơ; không ghi đè', en: 'The portal holds another dossier under the same code; nothing was overwritten' },
  UNRENDERABLE: { vi: 'Bản ghi hồ sơ không chuyển được sang định dạng của Cổng', en: 'The stored record cannot be rendered for the portal' },
  PAYLOAD_TOO_LARGE: { vi: 'Hồ sơ quá lớn để gửi lên Cổng', en: 'The dossier is too large for the portal' },
  RETRIES_EXHAUSTED: { vi: 'Hệ thống ngành không nhận sự kiện webhook sau mọi lần thử lại', en: 'The sector system did not take the webhook event after every retry' },
  RECEIVER_GONE: { vi: 'Địa chỉ webhook của hệ thống ngành không còn tồn tại (410)', en: 'The sector system\'s webhook endpoint no longer exists (410)' },
  NO_RECEIVER: { vi: 'Khách hàng nhận sự kiện không còn webhook', en: 'The receiving client has no webhook any more' },
  COMMUNE_SPLIT: { vi: 'Xã cũ đã chia cho nhiều xã mới; cần cán bộ chọn xã', en: 'The old commune was split; an officer must choose the new one' },
  NO_ROUTE: { vi: 'Không có tuyến cho thủ tục này trong tệp định tuyến', en: 'No route for this procedure in the routing file' },
  NO_CLIENT: { vi: 'Không có hệ thống ngành nào có webhook phụ trách cơ quan này', en: 'No sector client with a webhook acts for this agency' },
  AMBIGUOUS_CLIENT: { vi: 'Nhiều hệ thống ngành cùng phụ trách cơ quan này', en: 'Several sector clients act for this agency' },
  UNKNOWN_DOSSIER: { vi: 'Cổng gửi sự kiện cho một mã hồ sơ cổng liên thông không biết', en: 'The portal sent an event for a dossier code the gateway does not know' },
  CODE_CONFLICT: { vi: 'Cổng báo hồ sơ trực tuyến mang mã mà cổng liên thông đã cấp cho hồ sơ khác', en: 'The portal announced an online dossier under a code the gateway gave another dossier' },
  INCOMPLETE_DOSSIER: { vi: 'Cổng gửi hồ sơ trực tuyến thiếu hoặc sai thông tin bắt buộc; đã lưu nguyên văn, cần làm việc với Cổng', en: 'The portal sent an online dossier with a required field missing or invalid; kept as sent, to be taken up with the portal' }
}

export function reasonOf (code: string): { code: string, message: { vi: string, en: string } } {
  return { code, message: REASONS[code] ?? { vi: `Lý do: ${code}`, en: `Reason: ${code}` } }
}
