import t from 'tap'
import { civilStatus, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { useStack } from '../helpers/fixture.js'

const { sim, gw } = useStack(t)

/** Four agencies, so that several outboxes drain in parallel. */
function dossier (i: number): object {
  return civilStatus(5000 + i, { coQuanDangKy: { maDinhDanh: `000.00.3${i % 4}.H42`, maXa: '18754', ten: 'UBND phường Sông Trí' } })
}

t.test('portal down while 200 dossiers arrive, then up: all 200 on the portal once', async t => {
  const now = Date.now()
  sim.setFaults({ outageWindows: [{ from: now, to: now + 3_600_000, status: 503 }] })
  const codes: string[] = []
  for (let i = 0; i < 200; i++) {
    const res = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', dossier(i))
    if (res.status !== 202) t.fail(`refused: ${res.text}`)
    codes.push(res.json.maHoSo)
  }
  // The fleet-wide breaker opens instead of hammering the portal.
  await waitFor(async () => ((await (await fetch(`${gw.url}/health/ready`)).json()) as { portalCircuit: string }).portalCircuit === 'open',
    { what: 'the circuit to open' })
  t.equal(sim.state.counts().creates, 0)

  sim.setFaults({ outageWindows: [] })
  await waitFor(() => codes.every(c => sim.state.dossier(c) !== undefined), { timeoutMs: 60_000, what: '200 dossiers on the portal' })
  await waitFor(async () => ((await (await fetch(`${gw.url}/health/ready`)).json()) as { portalCircuit: string }).portalCircuit === 'closed',
    { what: 'the circuit to close by itself' })
  t.equal(new Set(codes).size, 200)
  t.equal(sim.state.dossiers().length, 200)
  t.ok(codes.every(c => sim.state.dossier(c)?.creates === 1), 'every dossier created exactly once')
  t.equal(sim.state.counts().updates, 0)
})
