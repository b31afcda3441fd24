import t from 'tap'
import { PortalClient, sampleHoSo, sampleMaHoSo, startSimulator } from '../../simulator/index.js'

t.test('echo answers with the request\'s records, as a protocol reply or as an HTTP error body', async t => {
  const sim = await startSimulator()
  t.teardown(() => sim.close())
  const client = new PortalClient(sim.url)
  await client.login()
  const hoSo = sampleHoSo(1)
  const ma = sampleMaHoSo(1)
  sim.setFaults({ script: [{ kind: 'echo' }, { kind: 'echo', status: 500, code: '-1' }, { kind: 'echo', code: '-9' }] })
  const body = { service: 'DongBoHoSoMC', isUpdating: 'False', data: [hoSo] }

  const asReply = await client.raw(body)
  t.equal(asReply.status, 200)
  t.same(asReply.json, { error_code: '-1', message: JSON.stringify([hoSo]) }, 'the records are quoted in the message')

  const asHttp = await client.raw(body)
  t.equal(asHttp.status, 500)
  t.equal(asHttp.text, JSON.stringify([hoSo]), 'the records are the body of the HTTP error')

  const lookup = (await client.raw({ service: 'TraCuuHoSo', mahoso: ma })).json as { error_code: string, message: string }
  t.equal(lookup.error_code, '-9')
  t.notOk(lookup.message.includes('session'), 'without data, the body is quoted without its session')
  t.match(JSON.parse(lookup.message), { service: 'TraCuuHoSo', mahoso: ma })

  t.notOk(sim.state.dossier(ma), 'nothing was processed')
  t.same(sim.state.received({ path: '/service' }).map(r => r.fault), ['script:echo', 'script:echo', 'script:echo'])
  t.equal(sim.state.counts().faults.echo, 3)
})

t.test('echo settings are checked', async t => {
  const sim = await startSimulator()
  t.teardown(() => sim.close())
  t.throws(() => sim.setFaults({ script: [{ kind: 'echo', status: 302 } as never] }))
  t.throws(() => sim.setFaults({ script: [{ kind: 'echo', body: 'x' } as never] }))
})
