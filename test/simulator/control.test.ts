import t from 'tap'
import { PortalClient, sampleHoSo, sampleMaHoSo, sampleTienDo, startSimulator, type RecordedRequest } from '../../simulator/index.js'

const getJson = async (url: string): Promise<{ status: number, json: unknown }> => {
  const res = await fetch(url)
  return { status: res.status, json: await res.json() }
}

t.test('state, received and reset over HTTP', async t => {
  const sim = await startSimulator({ faults: { errorRate: 0.5, seed: 3 } })
  t.teardown(() => sim.close())
  sim.setFaults({ errorRate: 0 })
  const client = new PortalClient(sim.url)
  await client.login()
  const a = sampleMaHoSo(1)
  await client.create([sampleHoSo(1), sampleHoSo(2)])
  await client.create([sampleHoSo(1)])
  await client.steps([sampleTienDo(a, 1, { TrangThai: '4' }), sampleTienDo(a, 2, { TrangThai: '9' })])
  await client.lookup(a)

  t.same((await getJson(`${sim.url}/_sim/health`)).json, { ok: true })

  const state = (await getJson(`${sim.url}/_sim/state`)).json as { counts: Record<string, unknown>, dossiers: Array<Record<string, unknown>> }
  t.match(state.counts, { dossiers: 2, creates: 2, steps: 2, duplicates: 1, lookups: 1, requests: 5, service: 4 })
  t.equal(state.dossiers.length, 2)
  const one = await getJson(`${sim.url}/_sim/state?mahoso=${encodeURIComponent(a)}`)
  t.match(one.json, {
    maHoSo: a,
    madonvi: '000.00.12.H42',
    creates: 1,
    updates: 0,
    duplicateCreates: 1,
    stepsAccepted: 2,
    currentStatus: '9',
    steps: [{ index: 0, tienDo: { TrangThai: '4' } }, { index: 1, tienDo: { TrangThai: '9' } }]
  })
  t.equal((await getJson(`${sim.url}/_sim/state?mahoso=nope`)).status, 404)

  type Page = { count: number, requests: RecordedRequest[] }
  const all = (await getJson(`${sim.url}/_sim/received`)).json as Page
  t.equal(all.count, 5)
  t.same(all.requests.map(r => r.seq), [1, 2, 3, 4, 5])
  t.match(all.requests[0], { path: '/auth', username: 'lienthong', errorCode: '0', httpStatus: 200 })
  t.notOk('body' in (all.requests[0] ?? {}), 'no body is kept for /auth')

  const sync = (await getJson(`${sim.url}/_sim/received?service=DongBoHoSoMC`)).json as Page
  t.same(sync.requests.map(r => r.errorCode), ['0', '-3'])
  t.match(sync.requests[0], { isUpdating: 'False', maHoSo: [a, sampleMaHoSo(2)], body: { service: 'DongBoHoSoMC' } })
  const byDossier = (await getJson(`${sim.url}/_sim/received?mahoso=${encodeURIComponent(sampleMaHoSo(2))}`)).json as Page
  t.equal(byDossier.count, 1)
  const tail = (await getJson(`${sim.url}/_sim/received?since=3&limit=1&bodies=false`)).json as Page
  t.same(tail.requests.map(r => r.seq), [5])
  t.notOk('body' in (tail.requests[0] ?? {}))
  t.equal((await getJson(`${sim.url}/_sim/received?limit=0`)).status, 400)

  const reset = await fetch(`${sim.url}/_sim/reset`, { method: 'POST' })
  t.match(await reset.json(), { ok: true, faults: { errorRate: 0.5, seed: 3 } }, 'faults back to those given at start')
  t.match(sim.state.counts(), { requests: 0, dossiers: 0 })
  t.same(sim.state.received(), [])
  t.equal((await client.lookup(a)).error_code, '401', 'sessions are cleared too')
})

t.test('programmatic accessors return copies and bounded records', async t => {
  const sim = await startSimulator({ maxRecorded: 3, recordBodies: false })
  t.teardown(() => sim.close())
  const client = new PortalClient(sim.url)
  await client.login()
  await client.create([sampleHoSo(1)])
  for (let i = 0; i < 4; i++) await client.lookup(sampleMaHoSo(1))
  const received = sim.state.received()
  t.same(received.map(r => r.seq), [4, 5, 6], 'the oldest records are dropped')
  t.notOk(received.some(r => 'body' in r), 'bodies are not kept when recordBodies is off')
  t.equal(sim.state.counts().requests, 6, 'counters still see every request')
  t.same(sim.state.received({ service: 'TraCuuHoSo', limit: 2 }).map(r => r.seq), [5, 6])

  const d = sim.state.dossier(sampleMaHoSo(1))
  if (d === undefined) throw new Error('dossier missing')
  d.hoSo.ChuHoSo = 'changed'
  t.equal(sim.state.dossier(sampleMaHoSo(1))?.hoSo.ChuHoSo, 'Nguyễn Văn An', 'a copy')
  t.equal(sim.state.dossiers().length, 1)

  sim.reset()
  t.equal(sim.state.dossiers().length, 0)
  await sim.close()
  await sim.close()
  t.pass('close() twice is harmless')
})
