/**
 * Canonical dossier → the portal's records (HoSo, TienDo). Pure; the field table is in
 * docs/canonical-dossier.md. Empty optional fields are omitted, never null (protocol rule).
 */
import type { CanonicalDossier } from '../domain/canonical-dossier.js'
import type { PendingStep } from '../domain/status-step.js'
import { STATUS_LABELS } from '../domain/lifecycle/status-machine.js'
import { toPortalDate } from '../domain/toolkit/dates.js'

export interface PortalDocument {
  TepDinhKemId: string
  TenTepDinhKem: string
  DuongDanTaiTepTin: string
  MaThanhPhanHoSo?: string
  DuocSoHoa?: string
  DuocTaiSuDung?: string
}
export interface PortalFee { TenPhiLePhi: string, MaPhiLePhi?: string, Gia: number, HinhThucThu: string }
export interface PortalSupplement {
  HoSoBoSungId: string
  NguoiYeuCauBoSung: string
  NoiDungBoSung: string
  NgayBoSung: string
  NgayTiepNhanBoSung?: string
  TrangThaiBoSung: string
  NgayHenTraTruoc: string
  NgayHenTraMoi?: string
}
export interface PortalResult { TenGiayTo: string, MaGiayToKetQua: string, DuongDanTepTinKetQua: string, MaThanhPhanHoSo?: string }

export interface PortalHoSo {
  MaHoSo: string
  MaTTHC: string
  TenTTHC?: string
  MaLinhVuc?: string
  KenhThucHien: string
  ChuHoSo: string
  LoaiDoiTuong: string
  DinhDanhCHS: Array<{ LoaiDinhDanh: string, SoDinhDanh: string }>
  SoDienThoai?: string
  Email?: string
  DiaChiThuongTru?: string
  MaXa: string
  TrichYeuHoSo: string
  NgayTiepNhan: string
  NgayHenTra: string
  TrangThaiHoSo: string
  NgayTra?: string
  DonViXuLy?: string
  TaiLieuNop?: PortalDocument[]
  DanhSachLePhi?: PortalFee[]
  DuocThanhToanTrucTuyen: string
  GhiChu?: string
  // Optional fields of current integrations (portal-protocol.md), sent when known.
  SoBienNhan?: string
  NgayNopHoSo?: string
  NgayKetThucXuLy?: string
  NgayTuChoi?: string
  HoSoCoThanhPhanSoHoa?: string
  DanhSachHoSoBoSung?: PortalSupplement[]
  DanhSachGiayToKetQua?: PortalResult[]
}

export interface PortalTienDo {
  MaHoSo: string
  NguoiXuLy: string
  ChucDanh?: string
  ThoiDiemXuLy: string
  PhongBanXuLy?: string
  NoiDungXuLy: string
  TrangThai: string
  NgayBatDau?: string
  NgayKetThucTheoQuyDinh?: string
}

const CHANNEL = { 'in-person': '1', online: '2', postal: '3' } as const
const HOLDER_KIND = { citizen: '1', enterprise: '2', agency: '3', organisation: '4' } as const
const ID_TYPE: Record<string, string | undefined> = { cccd: '1', cmnd: '2', enterprise: '3' }
const FEE_WHEN = { intake: '1', supplement: '2', return: '4' } as const

// The labels are the status machine's (src/domain); re-exported for the mapping's readers.
export { STATUS_LABELS }

function put<T extends object, K extends keyof T> (o: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined && v !== '') o[k] = v
}

export function toPortalHoSo (d: CanonicalDossier): PortalHoSo {
  const h: PortalHoSo = {
    MaHoSo: d.maHoSo,
    MaTTHC: d.procedure.code,
    KenhThucHien: CHANNEL[d.channel],
    ChuHoSo: d.holder.name,
    LoaiDoiTuong: HOLDER_KIND[d.holder.kind],
    DinhDanhCHS: d.holder.ids.flatMap(id => {
      const t = ID_TYPE[id.type]
      return t === undefined ? [] : [{ LoaiDinhDanh: t, SoDinhDanh: id.number }]
    }),
    MaXa: d.agency.communeCode,
    TrichYeuHoSo: d.summary,
    NgayTiepNhan: toPortalDate(d.receivedAt),
    NgayHenTra: toPortalDate(d.dueAt),
    TrangThaiHoSo: d.status,
    DuocThanhToanTrucTuyen: d.paidOnline ? '1' : '3'
  }
  // Empty lists are omitted like any other empty optional field.
  if (d.documents.length > 0) {
    h.TaiLieuNop = d.documents.map(doc => {
      const t: PortalDocument = { TepDinhKemId: doc.id, TenTepDinhKem: doc.name, DuongDanTaiTepTin: doc.url }
      put(t, 'MaThanhPhanHoSo', doc.componentCode)
      // Only a `true` is worth saying: "0" would claim knowledge the sender did not give.
      if (doc.digitised === true) t.DuocSoHoa = '1'
      if (doc.reused === true) t.DuocTaiSuDung = '1'
      return t
    })
  }
  if (d.fees.length > 0) {
    h.DanhSachLePhi = d.fees.map(f => {
      const fee: PortalFee = { TenPhiLePhi: f.name, Gia: f.amount, HinhThucThu: FEE_WHEN[f.collectedAt] }
      put(fee, 'MaPhiLePhi', f.code)
      return fee
    })
  }
  put(h, 'TenTTHC', d.procedure.name)
  put(h, 'MaLinhVuc', d.procedure.domainCode)
  put(h, 'SoDienThoai', d.holder.phone)
  put(h, 'Email', d.holder.email)
  put(h, 'DiaChiThuongTru', d.holder.address?.text)
  if (d.returnedAt !== undefined) h.NgayTra = toPortalDate(d.returnedAt)
  put(h, 'DonViXuLy', d.handlingUnit)
  put(h, 'GhiChu', d.note)
  putOptionalFields(h, d)
  return h
}

function date (iso: string | undefined): string | undefined {
  return iso === undefined ? undefined : toPortalDate(iso)
}

/** The contract's optional HoSo fields; each left out when the dossier does not know it. */
function putOptionalFields (h: PortalHoSo, d: CanonicalDossier): void {
  put(h, 'SoBienNhan', d.receiptNumber)
  put(h, 'NgayNopHoSo', date(d.submittedAt))
  put(h, 'NgayKetThucXuLy', date(d.finishedAt))
  put(h, 'NgayTuChoi', date(d.refusedAt))
  if (d.digitised !== undefined) h.HoSoCoThanhPhanSoHoa = d.digitised ? '1' : '0'
  const requester = d.handlingUnit ?? d.agency.name ?? d.agency.code
  if (d.supplements !== undefined && d.supplements.length > 0) {
    h.DanhSachHoSoBoSung = d.supplements.map(s => {
      const p: PortalSupplement = {
        HoSoBoSungId: s.id,
        NguoiYeuCauBoSung: s.requestedBy ?? requester,
        NoiDungBoSung: s.content,
        NgayBoSung: toPortalDate(s.requestedAt),
        TrangThaiBoSung: s.receivedAt === undefined ? '0' : '1',
        NgayHenTraTruoc: toPortalDate(s.previousDueAt)
      }
      put(p, 'NgayTiepNhanBoSung', date(s.receivedAt))
      put(p, 'NgayHenTraMoi', date(s.newDueAt))
      return p
    })
  }
  if (d.results !== undefined && d.results.length > 0) {
    h.DanhSachGiayToKetQua = d.results.map(r => {
      const p: PortalResult = { TenGiayTo: r.name, MaGiayToKetQua: r.code, DuongDanTepTinKetQua: r.url }
      put(p, 'MaThanhPhanHoSo', r.componentCode)
      return p
    })
  }
}

/** A status change as a TienDo step; who and where default to the receiving agency. */
export function toPortalTienDo (d: CanonicalDossier, s: PendingStep): PortalTienDo {
  const label = STATUS_LABELS[s.status]
  const unit = s.step?.department ?? d.handlingUnit ?? d.agency.name ?? d.agency.code
  const t: PortalTienDo = {
    MaHoSo: d.maHoSo,
    NguoiXuLy: (s.step?.officer ?? unit).slice(0, 50),
    ThoiDiemXuLy: toPortalDate(s.at),
    NoiDungXuLy: s.step?.content ?? (label === undefined ? s.status : label.vi),
    TrangThai: s.status,
    NgayBatDau: toPortalDate(d.receivedAt),
    NgayKetThucTheoQuyDinh: toPortalDate(d.dueAt)
  }
  put(t, 'ChucDanh', s.step?.title)
  put(t, 'PhongBanXuLy', unit)
  return t
}
