import t from 'tap'
import { toPortalHoSo, toPortalTienDo } from '../../src/mappings/to-portal.js'
import { sameContent } from '../../src/queue/code-identity.js'
import type { CanonicalDossier } from '../../src/domain/canonical-dossier.js'

const base: CanonicalDossier = {
  schemaVersion: 1,
  maHoSo: '000.00.12.H42-250701-00017',
  procedure: { code: '1.004227.000.00.00.H42', name: 'Đăng ký biến động' },
  agency: { code: '000.00.12.H42', communeCode: '18601', name: 'Trung tâm PVHCC xã Việt Xuyên' },
  channel: 'postal',
  holder: { kind: 'organisation', name: 'Công ty TNHH A', ids: [{ type: 'enterprise', number: '0101234567' }, { type: 'social-insurance', number: '4201234567' }] },
  summary: 'Đăng ký biến động',
  receivedAt: '2025-07-01T08:15:00+07:00',
  dueAt: '2025-07-15T23:59:59+07:00',
  status: '10',
  returnedAt: '2025-07-10T16:00:00+07:00',
  documents: [],
  fees: [{ name: 'Lệ phí', amount: 30000, collectedAt: 'return' }],
  paidOnline: true,
  provenance: { system: 'land', clientId: 'c', sourceId: 's', payloadSha256: '0'.repeat(64), mappingVersion: 'land@1', contentType: 'application/xml', receivedAt: '2025-07-01T08:16:00+07:00' }
}

t.test('HoSo: codes, dates, omitted empties', async t => {
  const h = toPortalHoSo(base)
  t.equal(h.KenhThucHien, '3')
  t.equal(h.LoaiDoiTuong, '4')
  t.same(h.DinhDanhCHS, [{ LoaiDinhDanh: '3', SoDinhDanh: '0101234567' }], 'the insurance number is no portal ID type')
  t.equal(h.NgayTiepNhan, '20250701081500')
  t.equal(h.NgayHenTra, '20250715235959')
  t.equal(h.NgayTra, '20250710160000')
  t.equal(h.DuocThanhToanTrucTuyen, '1')
  t.same(h.DanhSachLePhi, [{ TenPhiLePhi: 'Lệ phí', Gia: 30000, HinhThucThu: '4' }])
  t.notOk('TaiLieuNop' in h, 'an empty list is omitted')
  t.notOk('SoDienThoai' in h)
  t.notOk(Object.values(h).some(v => v === null || v === undefined || v === ''), 'nothing empty or null')
})

t.test('TienDo defaults to the agency and the status label', async t => {
  const s = toPortalTienDo(base, { status: '4', at: '2025-07-02T10:00:00+07:00' })
  t.same(s, {
    MaHoSo: base.maHoSo,
    NguoiXuLy: 'Trung tâm PVHCC xã Việt Xuyên',
    ThoiDiemXuLy: '20250702100000',
    NoiDungXuLy: 'Đang xử lý',
    TrangThai: '4',
    NgayBatDau: '20250701081500',
    NgayKetThucTheoQuyDinh: '20250715235959',
    PhongBanXuLy: 'Trung tâm PVHCC xã Việt Xuyên'
  })
})

t.test('sameContent compares what we sent, ignoring the status that steps move', async t => {
  const h = toPortalHoSo(base)
  t.ok(sameContent(h, { ...h, TrangThaiHoSo: '4', Extra: 'portal field' }))
  t.notOk(sameContent(h, { ...h, TrichYeuHoSo: 'khác' }))
  t.notOk(sameContent(h, null))
})
