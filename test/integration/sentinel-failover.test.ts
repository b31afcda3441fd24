/**
 * Sentinel failover under intake and delivery load (support/redis-sentinel.ts: a primary, a
 * replica, three sentinels). The replica is first made to fall behind (SIGSTOP), so that writes
 * the primary takes do not reach it (nor can it confirm them); then the primary is SIGKILLed and
 * the sentinels promote the replica. With REDIS_WAIT_REPLICAS=1 the gateway acknowledged none of those writes (they were
 * answered 503 NOT_REPLICATED and resent): every acknowledged dossier is on the portal once,
 * with its steps in order. Without WAIT the same scenario loses dossiers (bench/failover-loss.ts,
 * docs/benchmarks.md).
 */
import t from 'tap'
import { SentinelSet } from '../../support/redis-sentinel.js'
import { startGateway } from '../helpers/gateway.js'
import { IntakeLoad, STEP_CODES, VERSIONS } from '../../support/intake-load.js'
import { waitFor } from '../../support/wait.js'
import { startSimulator } from '../../simulator/index.js'

t.test('the primary killed under load: with REDIS_WAIT_REPLICAS=1 every acknowledged dossier reaches the portal once, in order', async t => {
  const redis = await SentinelSet.start({ downAfterMs: 1000 })
  const sim = await startSimulator({ faults: { latencyMs: 20 } })
  const gw = await startGateway({
    redisEnv: redis.env,
    portalUrl: sim.url,
    env: { REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT_MS: '200', RATE_LIMIT_MAX: '1000000', DELIVERY_LOCK_MS: '2000', DELIVERY_SWEEP_INTERVAL_MS: '500', LOG_LEVEL: 'info' }
  })
  const load = new IntakeLoad(gw.url, gw.keys['civil-status'] as string, { senders: 6, first: 100_000 })
  t.teardown(async () => {
    await load.stop()
    await gw.close()
    await sim.close()
    await redis.close()
  })

  await waitFor(() => load.ackedCount >= 150 && sim.state.counts().creates >= 20, { timeoutMs: 60_000, what: 'intake and delivery under way' })
  redis.lagReplica()
  // WAIT=1 cannot be met while the replica is stopped: intakes are refused, not acknowledged.
  await waitFor(() => load.refusedCount('NOT_REPLICATED') >= 3, { timeoutMs: 30_000, what: 'intakes refused with NOT_REPLICATED' })
  const ackedBeforeKill = load.ackedCount
  const failover = await redis.killPrimary()
  t.comment(`failover: replica promoted ${failover.promotedAt - failover.killedAt} ms after the kill`)
  // The new primary has no replica left, so WAIT=1 refuses every intake until the old primary's
  // machine is back: it restarts and the sentinels make it a replica.
  await redis.restart(redis.servers[0]?.port === failover.port ? (redis.servers[1]?.port ?? 0) : (redis.servers[0]?.port ?? 0))
  await waitFor(() => load.ackedCount >= ackedBeforeKill + 150, { timeoutMs: 60_000, what: 'intake to go on after the failover' }).catch((err: Error) => {
    throw new Error(`${err.message}: ${load.ackedCount} acknowledged (${ackedBeforeKill} before the kill), refused ${JSON.stringify(Object.fromEntries(load.refused))}; log: ${gw.logs().split('\n').filter(l => /"level":[45]0/.test(l)).slice(-5).join('\n')}`)
  })
  await load.stop()
  t.comment(`acknowledged ${load.ackedCount} versions of ${load.acked.size} dossiers; refused: ${JSON.stringify(Object.fromEntries(load.refused))}`)

  const acked = [...load.acked.values()]
  const onPortal = (a: typeof acked[number]): boolean => {
    const d = sim.state.dossier(a.maHoSo)
    return d !== undefined && d.stepsAccepted >= a.versions - 1
  }
  await waitFor(() => acked.every(onPortal), { timeoutMs: 90_000, intervalMs: 200, what: 'every acknowledged dossier and step on the portal' }).catch(async (err: Error) => {
    const missing = acked.filter(a => !onPortal(a))
    const states = await Promise.all(missing.slice(0, 5).map(async a => {
      const res = await fetch(`${gw.url}/v1/dossiers/${a.maHoSo}`, { headers: { 'x-api-key': gw.keys.admin } })
      return `${a.maHoSo} v${a.versions} portal=${JSON.stringify(sim.state.dossier(a.maHoSo)?.steps.map(s => s.tienDo.TrangThai))} gateway=${res.status} ${(await res.text()).slice(0, 300)}`
    }))
    throw new Error(`${err.message}: ${missing.length} missing:\n${states.join('\n')}`)
  })
  let resent = 0
  const wrong: string[] = []
  for (const a of acked) {
    const d = sim.state.dossier(a.maHoSo)
    if (d?.creates !== 1) wrong.push(`${a.maHoSo}: created ${d?.creates ?? 0} times`)
    // Each step in the order it was acknowledged; a step whose acknowledgement by the portal was
    // lost with the old primary is sent again (the same step, ThoiDiemXuLy included): counted.
    const seen = new Set<string>()
    const firsts: string[] = []
    for (const s of d?.steps ?? []) {
      const id = `${String(s.tienDo.TrangThai)}|${String(s.tienDo.ThoiDiemXuLy)}`
      if (seen.has(id)) { resent++; continue }
      seen.add(id)
      firsts.push(String(s.tienDo.TrangThai))
    }
    const expected = STEP_CODES.slice(0, a.versions - 1)
    if (firsts.join(',') !== expected.join(',')) wrong.push(`${a.maHoSo}: steps ${firsts.join(',')} (expected ${expected.join(',')})`)
  }
  t.same(wrong.slice(0, 20), [], `all ${acked.length} acknowledged dossiers created once, steps in order`)
  t.ok(acked.length > 0 && acked.every(a => a.versions <= VERSIONS.length))
  t.comment(`steps sent again after the failover (their portal acknowledgement lost with the old primary): ${resent}`)
})
