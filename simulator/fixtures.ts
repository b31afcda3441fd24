/**
 * Valid protocol records for tests, the demo and benchmarks. The people are invented; the codes
 * have the real shapes (agency `000.00.12.H42`, commune `00004`, procedure `1.001193`).
 */

export const SAMPLE_AGENCY = '000.00.12.H42'

export function sampleMaHoSo (n: number, day = '250701'): string {
  return `${SAMPLE_AGENCY}-${day}-${String(n).padStart(5, '0')}`
}

export function sampleHoSo (n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    MaHoSo: sampleMaHoSo(n),
    MaTTHC: '1.001193',
    TenTTHC: 'Đăng ký khai sinh',
    KenhThucHien: '1',
    ChuHoSo: 'Nguyễn Văn An',
    LoaiDoiTuong: '1',
    DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '042186001234' }],
    SoDienThoai: '0912345678',
    Email: 'an.nguyen@example.vn',
    MaXa: '00004',
    TrichYeuHoSo: 'Đăng ký khai sinh cho con',
    NgayTiepNhan: '20250701081500',
    NgayHenTra: '20250701163000',
    TrangThaiHoSo: '2',
    TaiLieuNop: [{ TepDinhKemId: 'f-1', TenTepDinhKem: 'Giấy chứng sinh.pdf', DuongDanTaiTepTin: 'https://files.example.vn/f-1' }],
    DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí đăng ký khai sinh', Gia: 0, HinhThucThu: '1' }],
    DuocThanhToanTrucTuyen: '3',
    ...overrides
  }
}

export function sampleTienDo (maHoSo: string, i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const minute = String(i % 60).padStart(2, '0')
  const hour = String(9 + Math.floor(i / 60) % 14).padStart(2, '0')
  return {
    MaHoSo: maHoSo,
    NguoiXuLy: 'Trần Thị Bình',
    ChucDanh: 'Công chức tư pháp - hộ tịch',
    ThoiDiemXuLy: `20250701${hour}${minute}00`,
    PhongBanXuLy: 'Bộ phận một cửa',
    NoiDungXuLy: `Bước xử lý ${i}`,
    TrangThai: '4',
    ...overrides
  }
}
