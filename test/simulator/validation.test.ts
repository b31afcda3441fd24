import t from 'tap'
import {
  findNullOrNonNfc, isMaHoSo, isPortalDate, PortalClient, postJson, sampleHoSo, sampleMaHoSo, sampleTienDo,
  startSimulator, validateHoSo, validateTienDo
} from '../../simulator/index.js'

const fieldOf = (v: unknown): string | undefined => validateHoSo(v, 'data[0]')?.field
const stepFieldOf = (v: unknown): string | undefined => validateTienDo(v, 'data[0]')?.field

t.test('dates and dossier codes', async t => {
  t.ok(isPortalDate('20250701081500'))
  t.ok(isPortalDate('20240229235959'), 'leap day')
  t.notOk(isPortalDate('20250229000000'), 'no 29 February in 2025')
  t.notOk(isPortalDate('20250230000000'))
  t.notOk(isPortalDate('20251301000000'))
  t.notOk(isPortalDate('20250701240000'))
  t.notOk(isPortalDate('20250701086000'))
  t.notOk(isPortalDate('2025-07-01T08:15:00'))
  t.notOk(isPortalDate('202507010815'))
  t.ok(isMaHoSo('000.00.12.H42-250701-00017'))
  t.ok(isMaHoSo('H42-250701-00017'))
  t.notOk(isMaHoSo('000.00.12.H42-250732-00017'), 'no 32nd day')
  t.notOk(isMaHoSo('000.00.12.H42-250701-0017'), 'four-digit sequence')
  t.notOk(isMaHoSo('000.00.12.H42_250701_00017'))
  t.notOk(isMaHoSo(`${'A'.repeat(40)}-250701-00017`), 'longer than 50')
})

t.test('a valid HoSo and TienDo pass', async t => {
  t.equal(validateHoSo(sampleHoSo(1), 'data[0]'), undefined)
  const minimal = sampleHoSo(1)
  for (const k of ['TenTTHC', 'SoDienThoai', 'Email', 'TaiLieuNop', 'DanhSachLePhi']) delete minimal[k]
  t.equal(validateHoSo(minimal, 'data[0]'), undefined, 'optional fields may be left out')
  t.equal(validateHoSo(sampleHoSo(1, { DinhDanhCHS: [] }), 'data[0]'), undefined, 'a holder without ID of the listed kinds')
  t.equal(validateHoSo(sampleHoSo(1, { SoDienThoai: '02438253536', MaTTHC: '1.004227.000.00.00.H42' }), 'data[0]'), undefined)
  t.equal(validateTienDo(sampleTienDo(sampleMaHoSo(1), 1), 'data[0]'), undefined)
})

t.test('each required HoSo field is named when missing', async t => {
  const required = ['MaHoSo', 'MaTTHC', 'KenhThucHien', 'ChuHoSo', 'LoaiDoiTuong', 'DinhDanhCHS', 'MaXa', 'TrichYeuHoSo',
    'NgayTiepNhan', 'NgayHenTra', 'TrangThaiHoSo', 'DuocThanhToanTrucTuyen']
  for (const field of required) {
    const h = sampleHoSo(1)
    delete h[field]
    t.equal(fieldOf(h), `data[0].${field}`, field)
  }
  for (const field of ['MaHoSo', 'NguoiXuLy', 'ThoiDiemXuLy', 'NoiDungXuLy', 'TrangThai']) {
    const s = sampleTienDo(sampleMaHoSo(1), 1)
    delete s[field]
    t.equal(stepFieldOf(s), `data[0].${field}`, `TienDo ${field}`)
  }
})

t.test('HoSo values are checked', async t => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ MaHoSo: 'HS-1' }, 'MaHoSo'],
    [{ MaTTHC: 'khai sinh' }, 'MaTTHC'],
    [{ KenhThucHien: '4' }, 'KenhThucHien'],
    [{ KenhThucHien: 1 }, 'KenhThucHien'],
    [{ ChuHoSo: 'A'.repeat(201) }, 'ChuHoSo'],
    [{ ChuHoSo: '' }, 'ChuHoSo'],
    [{ LoaiDoiTuong: '5' }, 'LoaiDoiTuong'],
    [{ DinhDanhCHS: {} }, 'DinhDanhCHS'],
    [{ DinhDanhCHS: [{ LoaiDinhDanh: '4', SoDinhDanh: '1' }] }, 'DinhDanhCHS[0].LoaiDinhDanh'],
    [{ DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '04218600123' }] }, 'DinhDanhCHS[0].SoDinhDanh'],
    [{ DinhDanhCHS: [{ LoaiDinhDanh: '2', SoDinhDanh: '042186001234' }] }, 'DinhDanhCHS[0].SoDinhDanh'],
    [{ DinhDanhCHS: [{ LoaiDinhDanh: '1' }] }, 'DinhDanhCHS[0].SoDinhDanh'],
    [{ SoDienThoai: '+84912345678' }, 'SoDienThoai'],
    [{ SoDienThoai: '0912 345 678' }, 'SoDienThoai'],
    [{ Email: 'not-an-email' }, 'Email'],
    [{ MaXa: '0004' }, 'MaXa'],
    [{ TrichYeuHoSo: 'x'.repeat(1001) }, 'TrichYeuHoSo'],
    [{ NgayTiepNhan: '2025-07-01 08:15' }, 'NgayTiepNhan'],
    [{ NgayHenTra: '20250631080000' }, 'NgayHenTra'],
    [{ TrangThaiHoSo: '11' }, 'TrangThaiHoSo'],
    [{ TrangThaiHoSo: 4 }, 'TrangThaiHoSo'],
    [{ NgayTra: '20250701' }, 'NgayTra'],
    [{ TaiLieuNop: [] }, 'TaiLieuNop'],
    [{ TaiLieuNop: [{ TepDinhKemId: '1', TenTepDinhKem: 'x'.repeat(256), DuongDanTaiTepTin: 'u' }] }, 'TaiLieuNop[0].TenTepDinhKem'],
    [{ TaiLieuNop: [{ TepDinhKemId: '1', TenTepDinhKem: 'a.pdf' }] }, 'TaiLieuNop[0].DuongDanTaiTepTin'],
    [{ DanhSachLePhi: [{ TenPhiLePhi: 'Phí', Gia: 1.5, HinhThucThu: '1' }] }, 'DanhSachLePhi[0].Gia'],
    [{ DanhSachLePhi: [{ TenPhiLePhi: 'Phí', Gia: '30000', HinhThucThu: '1' }] }, 'DanhSachLePhi[0].Gia'],
    [{ DanhSachLePhi: [{ TenPhiLePhi: 'Phí', Gia: 30000, HinhThucThu: '3' }] }, 'DanhSachLePhi[0].HinhThucThu'],
    [{ DuocThanhToanTrucTuyen: '2' }, 'DuocThanhToanTrucTuyen'],
    [{ GhiChu: '' }, 'GhiChu']
  ]
  for (const [override, field] of cases) t.equal(fieldOf(sampleHoSo(1, override)), `data[0].${field}`, JSON.stringify(override).slice(0, 80))
})

t.test('TienDo values are checked', async t => {
  const ma = sampleMaHoSo(1)
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ NguoiXuLy: 'x'.repeat(51) }, 'NguoiXuLy'],
    [{ ThoiDiemXuLy: '20250701256000' }, 'ThoiDiemXuLy'],
    [{ NoiDungXuLy: 'x'.repeat(1001) }, 'NoiDungXuLy'],
    [{ TrangThai: '0' }, 'TrangThai'],
    [{ NgayBatDau: 'hôm nay' }, 'NgayBatDau'],
    [{ NgayKetThucTheoQuyDinh: '20250732000000' }, 'NgayKetThucTheoQuyDinh'],
    [{ ChucDanh: 42 }, 'ChucDanh']
  ]
  for (const [override, field] of cases) t.equal(stepFieldOf(sampleTienDo(ma, 1, override)), `data[0].${field}`, field)
})

t.test('null and non-NFC text are found anywhere', async t => {
  t.match(findNullOrNonNfc({ data: [{ a: 1 }, { DinhDanhCHS: [{ SoDinhDanh: null }] }] }), { field: 'data[1].DinhDanhCHS[0].SoDinhDanh' })
  const decomposed = 'Nguye\u0302\u0303n'
  t.not(decomposed, decomposed.normalize('NFC'))
  t.match(findNullOrNonNfc({ data: [{ ChuHoSo: decomposed }] }), { field: 'data[0].ChuHoSo', reason: /NFC/ })
  t.equal(findNullOrNonNfc({ data: [{ ChuHoSo: 'Nguyễn' }] }), undefined)
})

t.test('over HTTP: -1 names the field, nothing is stored, body limit', async t => {
  const sim = await startSimulator({ bodyLimitBytes: 64 * 1024 })
  t.teardown(() => sim.close())
  const client = new PortalClient(sim.url)
  await client.login()

  const records = [0, 1, 2, 3].map(i => sampleHoSo(i))
  records[3] = sampleHoSo(3, { NgayHenTra: '20250230000000' })
  const bad = await client.create(records)
  t.equal(bad.error_code, '-1')
  t.match(bad.message, 'data[3].NgayHenTra')
  t.equal(sim.state.counts().dossiers, 0, 'the valid records of the call are not stored either')

  const withNull = await client.create([sampleHoSo(1, { Email: null })])
  t.match(withNull, { error_code: '-1', message: /data\[0\]\.Email.*null/ })

  const nfd = await client.create([sampleHoSo(1, { ChuHoSo: 'Nguyễn Văn An'.normalize('NFD') })])
  t.match(nfd, { error_code: '-1', message: /data\[0\]\.ChuHoSo.*NFC/ })

  const many = Array.from({ length: 51 }, (_, i) => sampleHoSo(i))
  t.match(await client.create(many), { error_code: '-1', message: /data.*50/ })
  const steps = Array.from({ length: 51 }, (_, i) => sampleTienDo(sampleMaHoSo(1), i))
  t.match(await client.steps(steps), { error_code: '-1', message: /data.*50/ })
  t.equal((await client.create(many.slice(0, 50))).error_code, '0', 'exactly 50 is accepted')

  const stepNull = await client.steps([sampleTienDo(sampleMaHoSo(1), 1, { ChucDanh: null })])
  t.match(stepNull, { error_code: '-1', message: /data\[0\]\.ChucDanh/ })

  const huge = await postJson(`${sim.url}/service`, { session: client.session, pad: 'x'.repeat(70 * 1024) })
  t.equal(huge.status, 413, 'a body over the limit is refused by the network layer')
  t.match(sim.state.received().at(-1), { httpStatus: 413 })
})
