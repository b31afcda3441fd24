import t from 'tap'
import { civilStatus, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { startStack } from '../helpers/fixture.js'

t.test('Redis restarted (clean shutdown, AOF) with a backlog: nothing acknowledged is lost', async t => {
  const { redis, sim, gw } = await startStack(t, { simulator: { faults: { outage: { status: 503 } } } })

  const codes: string[] = []
  for (let i = 0; i < 100; i++) {
    const res = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(7000 + i))
    if (res.status !== 202) t.fail(`refused: ${res.text}`)
    codes.push(res.json.maHoSo)
  }
  await redis.stop()
  // While Redis is away the gateway refuses new work with 503 instead of pretending.
  const during = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(7999))
  t.equal(during.status, 503)
  t.equal(during.json.code, 'UNAVAILABLE')
  await redis.start()
  await waitFor(async () => (await fetch(`${gw.url}/health/ready`)).status === 200, { what: 'the gateway to reconnect' })

  sim.setFaults({ outage: null })
  await waitFor(() => codes.every(c => sim.state.dossier(c) !== undefined), { timeoutMs: 60_000, what: 'the backlog on the portal' })
  t.equal(sim.state.dossiers().length, 100)
  t.ok(codes.every(c => sim.state.dossier(c)?.creates === 1))
})
