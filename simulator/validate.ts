/**
 * Validation of HoSo and TienDo as the portal protocol describes them. The first problem found
 * is reported with its path in the sender's terms (`data[3].NgayHenTra`), because the portal's
 * `-1` message names one field.
 */

export interface Issue {
  field: string
  reason: string
}

type Check = (value: unknown, path: string) => Issue | undefined
type FieldSpec = readonly [name: string, required: boolean, check: Check]

const STATUS_CODES = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']

export function isRecord (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function issue (field: string, reason: string): Issue {
  return { field, reason }
}

function validCalendar (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false
  const t = new Date(Date.UTC(y, mo - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
}

const DATE_RE = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/

/** `yyyyMMddHHmmss` naming a real moment of the calendar. */
export function isPortalDate (s: string): boolean {
  const m = DATE_RE.exec(s)
  if (m === null) return false
  const [y, mo, d, h, mi, sec] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  return y >= 1900 && validCalendar(y, mo, d, h, mi, sec)
}

// Agency codes look like `000.00.12.H42`: dot-separated alphanumeric parts.
const MA_HO_SO_RE = /^[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*-(\d{2})(\d{2})(\d{2})-\d{5}$/

export function isMaHoSo (s: string): boolean {
  if (s.length > 50) return false
  const m = MA_HO_SO_RE.exec(s)
  if (m === null) return false
  const [yy, mo, d] = m.slice(1).map(Number) as [number, number, number]
  return validCalendar(2000 + yy, mo, d)
}

interface StringRule {
  max?: number
  oneOf?: readonly string[]
  pattern?: RegExp
  /** Said in the message when `pattern` fails. */
  expected?: string
  test?: (s: string) => boolean
}

function str (rule: StringRule = {}): Check {
  return (v, path) => {
    if (typeof v !== 'string') return issue(path, 'phải là chuỗi (string)')
    // An empty value is an omitted field: the protocol wants it left out, not sent as "".
    if (v.length === 0) return issue(path, 'không được rỗng; trường không có giá trị phải bỏ đi')
    if (rule.max !== undefined && v.length > rule.max) return issue(path, `dài quá ${rule.max} ký tự`)
    if (rule.oneOf !== undefined && !rule.oneOf.includes(v)) {
      return issue(path, `giá trị "${v}" không thuộc ${rule.oneOf.map(x => `"${x}"`).join(', ')}`)
    }
    if (rule.pattern !== undefined && !rule.pattern.test(v)) return issue(path, `phải có dạng ${rule.expected ?? rule.pattern.source}`)
    if (rule.test !== undefined && !rule.test(v)) return issue(path, `phải có dạng ${rule.expected ?? 'hợp lệ'}`)
    return undefined
  }
}

const date: Check = str({ test: isPortalDate, expected: 'yyyyMMddHHmmss (ngày giờ có thật)' })
const maHoSo: Check = str({ max: 50, test: isMaHoSo, expected: '<mã đơn vị>-<yyMMdd>-<5 chữ số>' })
const status: Check = str({ oneOf: STATUS_CODES })

const integerVnd: Check = (v, path) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? undefined : issue(path, 'phải là số nguyên không âm (VND)')

function object (fields: readonly FieldSpec[]): Check {
  return (v, path) => {
    if (!isRecord(v)) return issue(path, 'phải là đối tượng JSON')
    for (const [name, required, check] of fields) {
      const p = `${path}.${name}`
      if (!Object.hasOwn(v, name)) {
        if (required) return issue(p, 'là trường bắt buộc')
        continue
      }
      const found = check(v[name], p)
      if (found !== undefined) return found
    }
    return undefined
  }
}

function arrayOf (item: Check, min: number, max: number): Check {
  return (v, path) => {
    if (!Array.isArray(v)) return issue(path, 'phải là mảng (array)')
    if (v.length < min) {
      return issue(path, min === 1 ? 'không được rỗng; trường không có giá trị phải bỏ đi' : `cần ít nhất ${min} phần tử`)
    }
    if (v.length > max) return issue(path, `tối đa ${max} phần tử`)
    for (let i = 0; i < v.length; i++) {
      const found = item(v[i], `${path}[${i}]`)
      if (found !== undefined) return found
    }
    return undefined
  }
}

const ID_PATTERNS: Record<string, { re: RegExp, expected: string }> = {
  1: { re: /^\d{12}$/, expected: '12 chữ số (CCCD)' },
  2: { re: /^\d{9}$/, expected: '9 chữ số (CMND)' },
  3: { re: /^\d{10}(?:-?\d{3})?$/, expected: 'mã số doanh nghiệp (10 chữ số, có thể thêm -3 chữ số)' }
}

const dinhDanh: Check = (v, path) => {
  const shape = object([
    ['LoaiDinhDanh', true, str({ oneOf: ['1', '2', '3'] })],
    ['SoDinhDanh', true, str({ max: 50 })]
  ])(v, path)
  if (shape !== undefined || !isRecord(v)) return shape
  const rule = ID_PATTERNS[v.LoaiDinhDanh as string]
  if (rule !== undefined && !rule.re.test(v.SoDinhDanh as string)) return issue(`${path}.SoDinhDanh`, `phải là ${rule.expected}`)
  return undefined
}

const taiLieu = object([
  ['TepDinhKemId', true, str()],
  ['TenTepDinhKem', true, str({ max: 255 })],
  ['DuongDanTaiTepTin', true, str()],
  ['MaThanhPhanHoSo', false, str()]
])

const lePhi = object([
  ['TenPhiLePhi', true, str()],
  ['MaPhiLePhi', false, str()],
  ['Gia', true, integerVnd],
  ['HinhThucThu', true, str({ oneOf: ['1', '2', '4'] })]
])

const HO_SO_FIELDS: readonly FieldSpec[] = [
  ['MaHoSo', true, maHoSo],
  ['MaTTHC', true, str({ max: 50, pattern: /^\d\.\d{6}(?:\.[0-9A-Za-z]+)*$/, expected: 'mã thủ tục, ví dụ 1.001193' })],
  ['TenTTHC', false, str()],
  ['MaLinhVuc', false, str()],
  ['KenhThucHien', true, str({ oneOf: ['1', '2', '3'] })],
  ['ChuHoSo', true, str({ max: 200 })],
  ['LoaiDoiTuong', true, str({ oneOf: ['1', '2', '3', '4'] })],
  // Present but possibly empty: some holders (an agency, an insured person without CCCD) have no ID of these kinds.
  ['DinhDanhCHS', true, arrayOf(dinhDanh, 0, 20)],
  // 10 digits for mobiles; 11 for landlines in the same national form (02x...).
  ['SoDienThoai', false, str({ pattern: /^0\d{9,10}$/, expected: '0xxxxxxxxx (chỉ chữ số)' })],
  ['Email', false, str({ max: 254, pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, expected: 'địa chỉ thư điện tử' })],
  ['DiaChiThuongTru', false, str()],
  ['MaXa', true, str({ pattern: /^\d{5}$/, expected: '5 chữ số' })],
  ['TrichYeuHoSo', true, str({ max: 1000 })],
  ['NgayTiepNhan', true, date],
  ['NgayHenTra', true, date],
  ['TrangThaiHoSo', true, status],
  ['NgayTra', false, date],
  ['DonViXuLy', false, str()],
  ['TaiLieuNop', false, arrayOf(taiLieu, 1, 1000)],
  ['DanhSachLePhi', false, arrayOf(lePhi, 1, 1000)],
  ['DuocThanhToanTrucTuyen', true, str({ oneOf: ['1', '3'] })],
  ['GhiChu', false, str()]
]

const TIEN_DO_FIELDS: readonly FieldSpec[] = [
  ['MaHoSo', true, maHoSo],
  ['NguoiXuLy', true, str({ max: 50 })],
  ['ChucDanh', false, str()],
  ['ThoiDiemXuLy', true, date],
  ['PhongBanXuLy', false, str()],
  ['NoiDungXuLy', true, str({ max: 1000 })],
  ['TrangThai', true, status],
  ['NgayBatDau', false, date],
  ['NgayKetThucTheoQuyDinh', false, date]
]

export const validateHoSo: Check = object(HO_SO_FIELDS)
export const validateTienDo: Check = object(TIEN_DO_FIELDS)

/**
 * Finds `null` and non-NFC text anywhere in a body, keys included: the protocol omits empty
 * fields rather than sending null, and wants all text in NFC.
 */
export function findNullOrNonNfc (value: unknown, path = ''): Issue | undefined {
  const at = path === '' ? 'body' : path
  if (value === null) return issue(at, 'không được là null; trường không có giá trị phải bỏ đi')
  if (typeof value === 'string') {
    return value.normalize('NFC') === value ? undefined : issue(at, 'văn bản phải ở dạng Unicode NFC')
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNullOrNonNfc(value[i], `${path}[${i}]`)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      const p = path === '' ? k : `${path}.${k}`
      if (k.normalize('NFC') !== k) return issue(p, 'tên trường phải ở dạng Unicode NFC')
      const found = findNullOrNonNfc(v, p)
      if (found !== undefined) return found
    }
  }
  return undefined
}

/** The `data` array of DongBoHoSoMC and CapNhatTienDoHoSoMC: 1 to 50 records, each valid. */
export function validateData (data: unknown, record: Check): Issue | undefined {
  if (!Array.isArray(data)) return issue('data', 'phải là mảng (array)')
  if (data.length === 0) return issue('data', 'cần từ 1 đến 50 bản ghi')
  if (data.length > 50) return issue('data', `cần từ 1 đến 50 bản ghi, nhận ${data.length}`)
  for (let i = 0; i < data.length; i++) {
    const found = record(data[i], `data[${i}]`)
    if (found !== undefined) return found
  }
  return undefined
}

export function invalidMessage (found: Issue): string {
  return `Dữ liệu không hợp lệ: ${found.field} ${found.reason}`
}
