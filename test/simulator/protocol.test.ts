import t from 'tap'
import { PortalClient, postJson, sampleHoSo, sampleMaHoSo, sampleTienDo, startSimulator } from '../../simulator/index.js'

const START = Date.parse('2025-07-01T08:00:00+07:00')

async function setup (t: { teardown: (fn: () => unknown) => void }, opts: Parameters<typeof startSimulator>[0] = {}) {
  const sim = await startSimulator(opts)
  t.teardown(() => sim.close())
  const client = new PortalClient(sim.url)
  return { sim, client }
}

t.test('auth: login, wrong credentials, session expiry and re-login', async t => {
  let now = START
  const { sim, client } = await setup(t, { now: () => now, faults: { sessionTtlSeconds: 60 } })

  const bad = await postJson(`${sim.url}/auth`, { username: 'lienthong', password: 'nope' })
  t.equal(bad.status, 200)
  t.match(bad.json, { error_code: '401' })
  t.not((bad.json as { message: string }).message, 'Phiên làm việc hết hạn', 'bad credentials say something else')
  t.notOk((bad.json as Record<string, unknown>).session)

  const missing = await postJson(`${sim.url}/auth`, { username: 'lienthong' })
  t.match(missing.json, { error_code: '-1', message: /password/ })

  const login = await client.login()
  t.match(login, { error_code: '0', expires_in: 60 })
  t.type(login.session, 'string')

  t.match(await client.lookup(sampleMaHoSo(1)), { error_code: '-4' }, 'valid session reaches the service')
  now += 59_999
  t.match(await client.lookup(sampleMaHoSo(1)), { error_code: '-4' }, 'still valid just before the TTL')
  now += 1
  t.same(await client.lookup(sampleMaHoSo(1)), { error_code: '401', message: 'Phiên làm việc hết hạn' }, 'expired at the TTL')

  await client.login()
  t.match(await client.lookup(sampleMaHoSo(1)), { error_code: '-4' }, 'a new login works again')

  const unknown = await client.call({ session: 'not-a-session', service: 'TraCuuHoSo', mahoso: sampleMaHoSo(1) })
  t.same(unknown, { error_code: '401', message: 'Phiên làm việc hết hạn' }, 'unknown session')
  const none = await client.call({ session: undefined, service: 'TraCuuHoSo', mahoso: sampleMaHoSo(1) })
  t.equal(none.error_code, '401', 'missing session')

  const expired = await postJson(`${sim.url}/_sim/sessions/expire`, {})
  t.same(expired.json, { expired: 1 })
  t.equal((await client.lookup(sampleMaHoSo(1))).error_code, '401', 'expired by the control endpoint')

  sim.setFaults({ sessionTtlSeconds: 7200 })
  t.match(await client.login(), { error_code: '0', expires_in: 7200 }, 'TTL changed at run time')

  const auth = sim.state.received({ path: '/auth' })
  t.equal(auth.length, 5)
  t.notOk(JSON.stringify(auth).includes('lienthong-dev'), 'the password is never recorded')
  t.equal(auth[0]?.username, 'lienthong')
  t.match(sim.state.counts().auth, { total: 5, ok: 3, failed: 2 })
})

t.test('credentials are configurable', async t => {
  const { sim } = await setup(t, { username: 'u1', password: 'p 1' })
  t.equal((await new PortalClient(sim.url).login()).error_code, '401')
  t.equal((await new PortalClient(sim.url, { username: 'u1', password: 'p 1' }).login()).error_code, '0')
})

t.test('DongBoHoSoMC: create, -3, update, -4, all or nothing', async t => {
  const { sim, client } = await setup(t)
  await client.login()

  t.same(await client.create([sampleHoSo(1), sampleHoSo(2)]), { error_code: '0', message: 'Thành công' })
  t.equal(sim.state.counts().dossiers, 2)

  const dup = await client.create([sampleHoSo(3), sampleHoSo(2)])
  t.equal(dup.error_code, '-3')
  t.match(dup.message, /đã tồn tại/)
  t.match(dup.message, sampleMaHoSo(2))
  t.notOk(sim.state.dossier(sampleMaHoSo(3)), 'nothing of a refused call is stored')
  t.equal(sim.state.dossier(sampleMaHoSo(2))?.duplicateCreates, 1)

  const twice = await client.create([sampleHoSo(4), sampleHoSo(4)])
  t.match(twice, { error_code: '-1', message: /data\[1\]\.MaHoSo/ }, 'the same dossier twice in one create')
  t.notOk(sim.state.dossier(sampleMaHoSo(4)))

  t.equal((await client.update([sampleHoSo(1, { TrangThaiHoSo: '4', ChuHoSo: 'Nguyễn Văn Ân' })])).error_code, '0')
  const d1 = sim.state.dossier(sampleMaHoSo(1))
  t.match(d1, { creates: 1, updates: 1, currentStatus: '4', hoSo: { ChuHoSo: 'Nguyễn Văn Ân' } })

  const unknown = await client.update([sampleHoSo(1, { TrangThaiHoSo: '9' }), sampleHoSo(9)])
  t.match(unknown, { error_code: '-4', message: /data\[1\]\.MaHoSo/ })
  t.equal(sim.state.dossier(sampleMaHoSo(1))?.currentStatus, '4', 'the known dossier of a refused update is unchanged')
  t.equal(sim.state.dossier(sampleMaHoSo(1))?.updates, 1)

  const bad = await client.call({ service: 'DongBoHoSoMC', isUpdating: false, data: [sampleHoSo(5)] })
  t.match(bad, { error_code: '-1', message: /isUpdating/ })

  t.match(sim.state.counts(), { creates: 2, updates: 1, duplicates: 1, unknown: 1, invalid: 2, dossiers: 2 })
  const received = sim.state.received({ service: 'DongBoHoSoMC' })
  t.equal(received.length, 6)
  t.match(received[1], {
    path: '/service',
    service: 'DongBoHoSoMC',
    madonvi: '000.00.12.H42',
    isUpdating: 'False',
    maHoSo: [sampleMaHoSo(3), sampleMaHoSo(2)],
    errorCode: '-3',
    httpStatus: 200
  })
  t.match(received[1]?.body, { data: [{ MaHoSo: sampleMaHoSo(3) }] }, 'the full body is recorded')
})

t.test('CapNhatTienDoHoSoMC: steps in order, current status, -4 stores nothing', async t => {
  const { sim, client } = await setup(t)
  await client.login()
  const a = sampleMaHoSo(1)
  const b = sampleMaHoSo(2)
  await client.create([sampleHoSo(1), sampleHoSo(2)])

  const first = await client.steps([
    sampleTienDo(a, 1, { TrangThai: '4' }),
    sampleTienDo(b, 1, { TrangThai: '5' }),
    sampleTienDo(a, 2, { TrangThai: '9' })
  ])
  t.equal(first.error_code, '0')
  t.equal((await client.steps([sampleTienDo(a, 3, { TrangThai: '10' })])).error_code, '0')

  const da = sim.state.dossier(a)
  t.equal(da?.currentStatus, '10')
  t.equal(da?.stepsAccepted, 3)
  t.same(da?.steps.map(s => [s.index, s.tienDo.TrangThai]), [[0, '4'], [1, '9'], [2, '10']], 'appended in received order')
  t.ok((da?.steps[0]?.seq ?? 0) < (da?.steps[1]?.seq ?? 0))
  t.equal(sim.state.dossier(b)?.currentStatus, '5')

  const unknown = await client.steps([sampleTienDo(a, 4, { TrangThai: '8' }), sampleTienDo(sampleMaHoSo(77), 1)])
  t.match(unknown, { error_code: '-4', message: /data\[1\]\.MaHoSo/ })
  t.equal(sim.state.dossier(a)?.stepsAccepted, 3, 'nothing of the refused call is stored')
  t.equal(sim.state.dossier(a)?.currentStatus, '10')

  // A step older than the last one is still appended (the portal shows the last received), and counted.
  await client.steps([sampleTienDo(b, 0, { ThoiDiemXuLy: '20250701000000', TrangThai: '2' })])
  t.equal(sim.state.dossier(b)?.currentStatus, '2')
  t.equal(sim.state.dossier(b)?.stepsOutOfOrder, 1)

  // An update after steps sets the status it carries.
  await client.update([sampleHoSo(2, { TrangThaiHoSo: '4' })])
  t.equal(sim.state.dossier(b)?.currentStatus, '4')
  t.match(sim.state.counts(), { steps: 5, stepsOutOfOrder: 1 })
})

t.test('TraCuuHoSo answers the HoSo with its current status, or -4', async t => {
  const { client } = await setup(t)
  await client.login()
  const ma = sampleMaHoSo(1)
  await client.create([sampleHoSo(1)])
  await client.steps([sampleTienDo(ma, 1, { TrangThai: '9' })])
  const found = await client.lookup(ma)
  t.equal(found.error_code, '0')
  t.match(found.result, { MaHoSo: ma, TrangThaiHoSo: '9', ChuHoSo: 'Nguyễn Văn An' })
  t.match(await client.lookup(sampleMaHoSo(2)), { error_code: '-4' })
  t.match(await client.call({ service: 'TraCuuHoSo' }), { error_code: '-1', message: /mahoso/ })
})

t.test('unknown service, missing madonvi, bad data answer -1', async t => {
  const { sim, client } = await setup(t)
  await client.login()
  t.match(await client.call({ service: 'XoaHoSo' }), { error_code: '-1', message: /service/ })
  t.match(await client.call({ service: undefined }), { error_code: '-1', message: /service/ })
  t.match(await client.call({ madonvi: undefined, service: 'TraCuuHoSo', mahoso: 'x' }), { error_code: '-1', message: /madonvi/ })
  t.match(await client.call({ madonvi: '', service: 'TraCuuHoSo', mahoso: 'x' }), { error_code: '-1', message: /madonvi/ })
  t.match(await client.call({ service: 'DongBoHoSoMC', isUpdating: 'False', data: 'x' }), { error_code: '-1', message: /data/ })
  t.match(await client.call({ service: 'DongBoHoSoMC', isUpdating: 'False', data: [] }), { error_code: '-1', message: /data/ })
  t.match(await client.call({ service: 'CapNhatTienDoHoSoMC', data: [1] }), { error_code: '-1', message: /data\[0\]/ })
  const notObject = await postJson(`${sim.url}/service`, [1, 2])
  t.match(notObject, { status: 200, json: { error_code: '-1' } })
  const malformed = await postJson(`${sim.url}/service`, '{"session":')
  t.match(malformed, { status: 200, json: { error_code: '-1' } })
  const text = await postJson(`${sim.url}/service`, 'x', { headers: { 'content-type': 'text/plain' } })
  t.match(text, { status: 200, json: { error_code: '-1' } }, 'a body that is not JSON')
  t.equal(sim.state.counts().invalid, 10)
})
