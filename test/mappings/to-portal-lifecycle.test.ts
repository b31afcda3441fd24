/**
 * The contract's optional HoSo fields as the gateway renders them, and a whole lifecycle
 * (events applied one after the other, as the routes will) rendered for the portal.
 */
import t from 'tap'
import { applyEvent, emptyLifecycle, parseEvent, withLifecycle, type Lifecycle } from '../../src/services/lifecycle/events.js'
import { toPortalHoSo, toPortalTienDo } from '../../src/mappings/to-portal.js'
import type { CanonicalDossier, StatusCode } from '../../src/domain/canonical-dossier.js'
import { findNullOrNonNfc, validateData, validateHoSo, validateTienDo } from '../../simulator/validate.js'

const base: CanonicalDossier = {
  schemaVersion: 1,
  maHoSo: '000.00.12.H42-250701-00017',
  procedure: { code: '1.004227.000.00.00.H42', name: 'Đăng ký biến động' },
  agency: { code: '000.00.12.H42', communeCode: '18601', name: 'Trung tâm PVHCC xã Việt Xuyên' },
  channel: 'in-person',
  holder: { kind: 'citizen', name: 'Lê Thị Hồng Nguyên', ids: [{ type: 'cccd', number: '042186001234' }] },
  summary: 'Đăng ký biến động',
  receivedAt: '2025-07-01T08:15:00+07:00',
  dueAt: '2025-07-15T23:59:59+07:00',
  status: '2',
  documents: [
    { id: 'TP01', name: 'Đơn đăng ký.pdf', url: 'https://vpdk.example/tep/1', componentCode: 'TP01', digitised: true },
    { id: 'TP02', name: 'Hợp đồng.pdf', url: 'https://vpdk.example/tep/2', reused: true },
    { id: 'TP03', name: 'Sơ đồ.pdf', url: 'https://vpdk.example/tep/3', digitised: false }
  ],
  fees: [],
  paidOnline: false,
  provenance: { system: 'land', clientId: 'c', sourceId: 's', payloadSha256: '0'.repeat(64), mappingVersion: 'land@1.0.0', contentType: 'application/xml', receivedAt: '2025-07-01T08:16:00+07:00' }
}

t.test('the optional fields, omitted when absent', async t => {
  const h = toPortalHoSo(base)
  for (const k of ['SoBienNhan', 'NgayNopHoSo', 'NgayKetThucXuLy', 'NgayTuChoi', 'HoSoCoThanhPhanSoHoa', 'DanhSachHoSoBoSung', 'DanhSachGiayToKetQua']) {
    t.notOk(k in h, `${k} left out`)
  }
  t.strictSame(h.TaiLieuNop?.map(d => [d.DuocSoHoa, d.DuocTaiSuDung]), [['1', undefined], [undefined, '1'], [undefined, undefined]],
    'only a true flag is sent: false says no more than absent')
  t.notOk('DuocSoHoa' in (h.TaiLieuNop?.[2] ?? {}))
  const empty = toPortalHoSo({ ...base, supplements: [], results: [] })
  t.notOk('DanhSachHoSoBoSung' in empty || 'DanhSachGiayToKetQua' in empty, 'empty lists are omitted')
})

t.test('the optional fields, rendered', async t => {
  const h = toPortalHoSo({
    ...base,
    receiptNumber: 'VPDK-HT-2025-004512',
    submittedAt: '2025-06-30T21:05:00+07:00',
    refusedAt: '2025-07-01T09:00:00+07:00',
    finishedAt: '2025-07-10T15:00:00+07:00',
    digitised: false,
    supplements: [{ id: 'BS-1', requestedAt: '2025-07-03T09:00:00+07:00', content: 'Bổ sung bản sao', previousDueAt: '2025-07-15T23:59:59+07:00' }],
    results: [{ name: 'Giấy chứng nhận', code: 'GCN-1', url: 'https://vpdk.example/kq/1', componentCode: 'KQ01' }]
  })
  t.equal(h.SoBienNhan, 'VPDK-HT-2025-004512')
  t.equal(h.NgayNopHoSo, '20250630210500')
  t.equal(h.NgayTuChoi, '20250701090000')
  t.equal(h.NgayKetThucXuLy, '20250710150000')
  t.equal(h.HoSoCoThanhPhanSoHoa, '0', 'a sender that says "not digitised" is heard')
  t.strictSame(h.DanhSachHoSoBoSung, [{
    HoSoBoSungId: 'BS-1',
    NguoiYeuCauBoSung: 'Trung tâm PVHCC xã Việt Xuyên',
    NoiDungBoSung: 'Bổ sung bản sao',
    NgayBoSung: '20250703090000',
    TrangThaiBoSung: '0',
    NgayHenTraTruoc: '20250715235959'
  }], 'an open request: waiting, no date received, no new due date; requested by the agency by default')
  t.strictSame(h.DanhSachGiayToKetQua, [{ TenGiayTo: 'Giấy chứng nhận', MaGiayToKetQua: 'GCN-1', DuongDanTepTinKetQua: 'https://vpdk.example/kq/1', MaThanhPhanHoSo: 'KQ01' }])
  t.equal(validateData([h], validateHoSo), undefined)
  t.equal(findNullOrNonNfc(h), undefined)
})

t.test('withLifecycle overlays what events did, and modifies nothing', async t => {
  t.equal(withLifecycle(base, undefined), base)
  const l: Lifecycle = { ...emptyLifecycle(), dueAt: '2025-07-20T23:59:59+07:00', returnedAt: '2025-07-21T08:00:00+07:00', stoppedAt: '2025-07-21T08:00:00+07:00' }
  const frozen = JSON.stringify(base)
  const d = withLifecycle({ ...base, supplements: [{ id: 'X', requestedAt: base.receivedAt, content: 'x', previousDueAt: base.dueAt }] }, l)
  t.equal(JSON.stringify(base), frozen)
  t.equal(d.dueAt, '2025-07-20T23:59:59+07:00')
  t.equal(d.returnedAt, '2025-07-21T08:00:00+07:00')
  t.equal(d.supplements?.[0]?.id, 'X', 'no events recorded: the sender\'s list stays')
  t.notOk('stoppedAt' in d, 'the portal has no field for a stop')
})

t.test('a full lifecycle, rendered', async t => {
  let status: StatusCode = '2'
  let statusAt = Date.parse(base.receivedAt)
  let lifecycle = emptyLifecycle()
  const now = Date.parse('2025-08-01T00:00:00+07:00')
  const steps: Array<ReturnType<typeof toPortalTienDo>> = []
  const contentChanges: boolean[] = []
  const events = [
    { type: 'status', at: '2025-07-01T10:00:00+07:00', status: '4', officer: 'Trần B', title: 'Chuyên viên' },
    { type: 'supplement-requested', at: '2025-07-03T09:00:00+07:00', content: 'Bổ sung bản sao hợp đồng có công chứng', requestedBy: 'Văn phòng đăng ký đất đai' },
    { type: 'supplement-received', at: '2025-07-08T14:30:00+07:00', newDueAt: '2025-07-22' },
    { type: 'step', at: '2025-07-09T08:00:00+07:00', content: 'Đo đạc thửa đất', department: 'Tổ đo đạc' },
    { type: 'result', at: '2025-07-18T16:00:00+07:00', documents: [{ name: 'Giấy chứng nhận quyền sử dụng đất', code: 'GCN-2025-0001', url: 'https://vpdk.example/kq/1', componentCode: 'KQ01' }] },
    { type: 'status', at: '2025-07-21T09:30:00+07:00', status: '10' }
  ]
  for (const body of events) {
    const p = parseEvent(body)
    if (!p.ok) throw new Error(JSON.stringify(p.issues))
    const r = applyEvent({ status, statusAt, lifecycle, dossier: withLifecycle({ ...base, status }, lifecycle) }, p.event, now)
    if (!r.ok) throw new Error(r.error.messages.en)
    status = r.status
    statusAt = r.statusAt
    lifecycle = r.lifecycle
    contentChanges.push(r.contentChanged)
    if (r.step !== undefined) steps.push(toPortalTienDo(withLifecycle({ ...base, status }, lifecycle), r.step))
  }
  t.strictSame(contentChanges, [false, true, true, false, true, true])
  t.equal(status, '10')
  const h = toPortalHoSo(withLifecycle({ ...base, status, receiptNumber: 'VPDK-HT-2025-004512' }, lifecycle))
  t.equal(h.TrangThaiHoSo, '10')
  t.equal(h.NgayTiepNhan, '20250701081500')
  t.equal(h.NgayHenTra, '20250722235959', 'the new due date')
  t.strictSame(h.DanhSachHoSoBoSung, [{
    HoSoBoSungId: 'BS-1',
    NguoiYeuCauBoSung: 'Văn phòng đăng ký đất đai',
    NoiDungBoSung: 'Bổ sung bản sao hợp đồng có công chứng',
    NgayBoSung: '20250703090000',
    NgayTiepNhanBoSung: '20250708143000',
    TrangThaiBoSung: '1',
    NgayHenTraTruoc: '20250715235959',
    NgayHenTraMoi: '20250722235959'
  }])
  t.strictSame(h.DanhSachGiayToKetQua, [{ TenGiayTo: 'Giấy chứng nhận quyền sử dụng đất', MaGiayToKetQua: 'GCN-2025-0001', DuongDanTepTinKetQua: 'https://vpdk.example/kq/1', MaThanhPhanHoSo: 'KQ01' }])
  t.equal(h.NgayKetThucXuLy, '20250718160000')
  t.equal(h.NgayTra, '20250721093000')
  t.equal(h.SoBienNhan, 'VPDK-HT-2025-004512')
  t.equal(validateData([h], validateHoSo), undefined, 'the portal simulator accepts it')
  t.equal(findNullOrNonNfc(h), undefined)

  t.strictSame(steps.map(s => s.TrangThai), ['4', '5', '4', '4', '9', '10'])
  t.strictSame(steps.map(s => s.ThoiDiemXuLy), ['20250701100000', '20250703090000', '20250708143000', '20250709080000', '20250718160000', '20250721093000'])
  t.strictSame(steps.map(s => s.NgayKetThucTheoQuyDinh), ['20250715235959', '20250715235959', '20250722235959', '20250722235959', '20250722235959', '20250722235959'],
    'each step carries the due date in force after it')
  t.match(steps[0], { NguoiXuLy: 'Trần B', ChucDanh: 'Chuyên viên', NoiDungXuLy: 'Đang xử lý' })
  t.match(steps[3], { NoiDungXuLy: 'Đo đạc thửa đất', PhongBanXuLy: 'Tổ đo đạc' })
  t.equal(validateData(steps, validateTienDo), undefined)
})
