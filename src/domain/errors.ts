/**
 * One small error taxonomy. Every refusal carries a stable machine `code`, the field path in
 * the sender's own terms and a message in Vietnamese and English. HTTP mapping happens in one
 * place (src/http/plugins/error-handler.ts), which hides the details of 5xx errors.
 */

export interface Message { vi: string, en: string }

export interface FieldIssue {
  code: string
  /** Path in the sender's own terms: `nguoiYeuCau.giayTo.so`, `HoSoDangKyDatDai/NguoiNop/GiayTo/@so`. */
  field: string
  message: Message
}

export interface ErrorBody {
  code: string
  field?: string
  message: Message
  errors?: FieldIssue[]
  /** Where in the body, in bytes from its start, the problem is (a body that is not UTF-8). */
  offset?: number
}

export class GatewayError extends Error {
  readonly code: string
  readonly statusCode: number
  readonly field: string | undefined
  readonly messages: Message
  readonly issues: FieldIssue[] | undefined
  readonly offset: number | undefined

  constructor (code: string, statusCode: number, message: Message, opts: { field?: string, issues?: FieldIssue[], offset?: number, cause?: unknown } = {}) {
    super(message.en, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'GatewayError'
    this.code = code
    this.statusCode = statusCode
    this.field = opts.field
    this.messages = message
    this.issues = opts.issues
    this.offset = opts.offset
  }

  toJSON (): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.messages }
    if (this.field !== undefined) body.field = this.field
    if (this.issues !== undefined && this.issues.length > 0) body.errors = this.issues
    if (this.offset !== undefined) body.offset = this.offset
    return body
  }
}

/** A refusal of the sender's input: always 4xx, never retried as is. */
export class InputError extends GatewayError {
  constructor (code: string, statusCode: number, message: Message, opts: { field?: string, issues?: FieldIssue[], offset?: number } = {}) {
    super(code, statusCode, message, opts)
    this.name = 'InputError'
  }
}

export class ValidationError extends InputError {
  constructor (issues: FieldIssue[]) {
    const first = issues[0]
    super('VALIDATION_FAILED', 422, {
      vi: first ? `Dữ liệu không hợp lệ: ${first.message.vi}` : 'Dữ liệu không hợp lệ',
      en: first ? `Invalid data: ${first.message.en}` : 'Invalid data'
    }, { ...(first ? { field: first.field } : {}), issues })
    this.name = 'ValidationError'
  }
}

export function issue (code: string, field: string, vi: string, en: string): FieldIssue {
  return { code, field, message: { vi, en } }
}

export const Errors = {
  badJson: (detail?: string) => new InputError('BAD_JSON', 400, {
    vi: 'Nội dung JSON không đúng cú pháp', en: `Malformed JSON${detail ? `: ${detail}` : ''}`
  }),
  badXml: (detail: string, field?: string) => new InputError('BAD_XML', 400, {
    vi: `Nội dung XML không đúng cú pháp: ${detail}`, en: `Malformed XML: ${detail}`
  }, field === undefined ? {} : { field }),
  /** A body that is not UTF-8: never decoded with replacement characters, refused with where it breaks. */
  badEncoding: (offset: number, byte: number | undefined) => new InputError('BAD_ENCODING', 400, {
    vi: `Nội dung không phải UTF-8 hợp lệ: byte không hợp lệ đầu tiên ở vị trí ${offset}${byte === undefined ? '' : ` (0x${hex(byte)})`}`,
    en: `The body is not valid UTF-8: first invalid byte at offset ${offset}${byte === undefined ? '' : ` (0x${hex(byte)})`}`
  }, { offset }),
  unsupportedCharset: (charset: string) => new InputError('UNSUPPORTED_CHARSET', 415, {
    vi: `Bảng mã không được hỗ trợ (charset=${charset.slice(0, 40)}); chỉ nhận UTF-8`,
    en: `Unsupported charset (charset=${charset.slice(0, 40)}); only UTF-8 is accepted`
  }, { field: 'Content-Type' }),
  badContentLength: () => new InputError('BAD_CONTENT_LENGTH', 400, {
    vi: 'Content-Length không hợp lệ hoặc không khớp với nội dung', en: 'Content-Length is invalid or does not match the body'
  }, { field: 'Content-Length' }),
  /** The body's framing (Transfer-Encoding, chunks) is broken. */
  badFraming: (vi: string, en: string, field: string) => new InputError('BAD_FRAMING', 400, {
    vi: `Yêu cầu HTTP sai cấu trúc: ${vi}`, en: `Malformed HTTP request: ${en}`
  }, { field }),
  badUrl: () => new InputError('BAD_URL', 400, {
    vi: 'Đường dẫn (URL) không hợp lệ', en: 'Malformed URL or path'
  }, { field: 'url' }),
  badRequest: (detail: string) => new InputError('BAD_REQUEST', 400, {
    vi: `Yêu cầu HTTP sai cấu trúc (${detail})`, en: `Malformed HTTP request (${detail})`
  }),
  missingHost: () => new InputError('MISSING_HOST', 400, {
    vi: 'Yêu cầu HTTP/1.1 thiếu phần đầu Host', en: 'An HTTP/1.1 request must carry a Host header'
  }, { field: 'Host' }),
  expectationFailed: (value: string) => new InputError('EXPECTATION_FAILED', 417, {
    vi: `Không đáp ứng được phần đầu Expect: ${value.slice(0, 100)} (chỉ nhận 100-continue)`, en: `Cannot meet the Expect header: ${value.slice(0, 100)} (only 100-continue is supported)`
  }, { field: 'Expect' }),
  uriTooLong: (maxChars: number, segmentChars?: number) => new InputError('URI_TOO_LONG', 414, segmentChars === undefined
    ? { vi: `Đường dẫn (URL) dài quá ${maxChars} ký tự`, en: `The URL is longer than ${maxChars} characters` }
    : { vi: `Một phần của đường dẫn (URL) dài quá ${segmentChars} ký tự`, en: `A segment of the URL path is longer than ${segmentChars} characters` }, { field: 'url' }),
  headersTooLarge: (maxBytes: number) => new InputError('HEADERS_TOO_LARGE', 431, {
    vi: `Phần đầu (header) của yêu cầu vượt quá ${maxBytes} byte`, en: `The request headers exceed ${maxBytes} bytes`
  }),
  requestTimeout: () => new InputError('REQUEST_TIMEOUT', 408, {
    vi: 'Yêu cầu không được gửi xong trong thời hạn cho phép', en: 'The request was not completed in time'
  }),
  xmlForbidden: (what: string) => new InputError('XML_FORBIDDEN_CONSTRUCT', 400, {
    vi: `XML chứa thành phần không được phép (${what})`, en: `XML contains a forbidden construct (${what})`
  }),
  xmlLimit: (what: string, field?: string) => new InputError('XML_LIMIT_EXCEEDED', 400, {
    vi: `XML vượt quá giới hạn cho phép (${what})`, en: `XML exceeds a limit (${what})`
  }, field === undefined ? {} : { field }),
  unsupportedMediaType: (got: string | undefined, want: string) => new InputError('UNSUPPORTED_MEDIA_TYPE', 415, {
    vi: `Kiểu nội dung không được hỗ trợ (${got ?? 'không có'}); cần ${want}`,
    en: `Unsupported content type (${got ?? 'none'}); expected ${want}`
  }, { field: 'Content-Type' }),
  payloadTooLarge: (limit: number) => new InputError('PAYLOAD_TOO_LARGE', 413, {
    vi: `Nội dung vượt quá ${limit} byte`, en: `Body exceeds ${limit} bytes`
  }),
  unknownSystem: (system: string, known?: string[]) => new InputError('UNKNOWN_SYSTEM', 404, {
    vi: `Hệ thống nguồn không được hỗ trợ: ${system}${known === undefined ? '' : `; các hệ thống có: ${known.join(', ')}`}`,
    en: `Unknown source system: ${system}${known === undefined ? '' : `; known systems: ${known.join(', ')}`}`
  }, { field: 'system' }),
  unauthenticated: () => new InputError('UNAUTHENTICATED', 401, {
    vi: 'Thiếu hoặc sai khóa truy cập (X-Api-Key)', en: 'Missing or invalid API key (X-Api-Key)'
  }, { field: 'X-Api-Key' }),
  forbiddenSystem: (system: string) => new InputError('FORBIDDEN_SYSTEM', 403, {
    vi: `Khóa truy cập không được phép gửi cho hệ thống ${system}`, en: `This API key may not post for system ${system}`
  }, { field: 'system' }),
  /** `field`: where the sender's format carries the agency code (`coQuanDangKy.maDinhDanh`). */
  forbiddenAgency: (agency: string, field: string) => new InputError('FORBIDDEN_AGENCY', 403, {
    vi: `Khóa truy cập không được phép gửi hồ sơ của cơ quan ${agency}`, en: `This API key may not post dossiers of agency ${agency}`
  }, { field }),
  forbidden: () => new InputError('FORBIDDEN', 403, {
    vi: 'Không có quyền thực hiện thao tác này', en: 'Not allowed to perform this operation'
  }),
  notFound: (what: string, field?: string) => new InputError('NOT_FOUND', 404, {
    vi: `Không tìm thấy ${what}`, en: `Not found: ${what}`
  }, field === undefined ? {} : { field }),
  conflict: (code: string, vi: string, en: string, field?: string) =>
    new InputError(code, 409, { vi, en }, field === undefined ? {} : { field }),
  /** A compacted dossier (final, delivered, past retention): its content cannot change any more. */
  compacted: (maHoSo: string) => new InputError('DOSSIER_COMPACTED', 409, {
    vi: `Hồ sơ ${maHoSo} đã kết thúc, đã đồng bộ lên Cổng và đã được rút gọn sau thời hạn lưu trữ: không thể thay đổi nội dung`,
    en: `Dossier ${maHoSo} is final, on the portal and compacted after the retention period: its content can no longer change`
  }, { field: 'maHoSo' }),
  /** A compacted dossier's payloads were deleted with its compaction. */
  payloadsGone: (maHoSo: string) => new InputError('PAYLOADS_COMPACTED', 410, {
    vi: `Hồ sơ ${maHoSo} đã được rút gọn sau thời hạn lưu trữ: dữ liệu gốc và các phiên bản trước đã bị xóa`,
    en: `Dossier ${maHoSo} was compacted after the retention period: its payloads and earlier revisions were deleted`
  }, { field: 'maHoSo' }),
  rateLimited: (retryAfterSeconds: number) => new InputError('RATE_LIMITED', 429, {
    vi: `Gửi quá nhiều yêu cầu; thử lại sau ${retryAfterSeconds} giây`,
    en: `Too many requests; retry in ${retryAfterSeconds} s`
  }),
  unavailable: () => new GatewayError('UNAVAILABLE', 503, {
    vi: 'Hệ thống tạm thời không sẵn sàng, vui lòng gửi lại sau', en: 'Temporarily unavailable, please retry later'
  }),
  /**
   * REDIS_WAIT_REPLICAS: the dossier was written but fewer replicas than required confirmed it in
   * time. It may or may not survive a failover; a resend is safe (intake is idempotent).
   */
  notReplicated: () => new GatewayError('NOT_REPLICATED', 503, {
    vi: 'Hồ sơ chưa được sao lưu đủ bản; vui lòng gửi lại sau', en: 'The dossier was not confirmed on enough Redis replicas; please resend later'
  }),
  internal: () => new GatewayError('INTERNAL', 500, {
    vi: 'Lỗi nội bộ của cổng liên thông', en: 'Internal gateway error'
  })
}

function hex (byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0')
}
