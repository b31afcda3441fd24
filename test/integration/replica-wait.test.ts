/**
 * REDIS_WAIT_REPLICAS with its replica stalled (SIGSTOP): intakes are refused 503 NOT_REPLICATED
 * within about REDIS_WAIT_TIMEOUT_MS each, however many arrive at once (they wait in parallel,
 * not one timeout after another), and the delivery worker sends nothing the replica does not have.
 */
import t, { type Test } from 'tap'
import { RedisServer } from '../../support/redis-server.js'
import { startGateway } from '../helpers/gateway.js'
import { civilStatus, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { info } from '../../support/redis-sentinel.js'
import { startSimulator } from '../../simulator/index.js'

async function replicatedPair (t: Test): Promise<{ primary: RedisServer, replica: RedisServer }> {
  const primary = await RedisServer.start({ args: () => ['--repl-diskless-sync-delay', '0'] })
  const replica = await RedisServer.start({ args: () => ['--replicaof', '127.0.0.1', String(primary.port)] })
  t.teardown(async () => { replica.resume(); await replica.close(); await primary.close() })
  await waitFor(async () => /master_link_status:up/.test(await info(replica.port, 'replication')), { what: 'the replica to sync' })
  return { primary, replica }
}

t.test('a stalled replica: 40 concurrent intakes each refused within about one WAIT timeout, then taken on resend', async t => {
  const { primary, replica } = await replicatedPair(t)
  const timeoutMs = 3000
  const sim = await startSimulator()
  const gw = await startGateway({ redisUrl: primary.url, portalUrl: sim.url, env: { ROLE: 'api', REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT_MS: String(timeoutMs), RATE_LIMIT_MAX: '100000' } })
  t.teardown(async () => { await gw.close(); await sim.close() })
  const key = gw.keys['civil-status'] as string
  t.equal((await post(gw.url, key, 'civil-status', civilStatus(699))).status, 202, 'taken while the replica keeps up')
  replica.pause()
  const docs = Array.from({ length: 40 }, (_, i) => civilStatus(700 + i))
  const started = Date.now()
  const replies = await Promise.all(docs.map(async d => {
    const r = await post(gw.url, key, 'civil-status', d)
    return { ...r, ms: Date.now() - started }
  }))
  const slowest = Math.max(...replies.map(r => r.ms))
  const spread = slowest - Math.min(...replies.map(r => r.ms))
  t.same([...new Set(replies.map(r => `${r.status} ${String(r.json?.code)}`))], ['503 NOT_REPLICATED'], 'every intake refused: not replicated')
  // One timeout each, in parallel (the rest is the intake's own work on a loaded machine).
  // Waiting one after another on a pool of 8 connections took 40 / 8 = 5 timeouts for the last.
  t.ok(slowest < 2 * timeoutMs, `the slowest refusal after ${slowest} ms (< ${2 * timeoutMs})`)
  t.ok(spread < timeoutMs, `first to last refusal: ${spread} ms (< ${timeoutMs})`)
  replica.resume()
  const again = await Promise.all(docs.map(async d => await post(gw.url, key, 'civil-status', d)))
  t.same([...new Set(again.map(r => r.status))], [202], 'resent once the replica is back: taken')
  t.equal(new Set(again.map(r => r.json.maHoSo)).size, docs.length, 'each its own code')
})

t.test('delivery sends nothing the replica does not have, and sends it once the replica has it', async t => {
  const { primary, replica } = await replicatedPair(t)
  const sim = await startSimulator()
  const gw = await startGateway({ redisUrl: primary.url, portalUrl: sim.url, env: { REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT_MS: '300' } })
  t.teardown(async () => { await gw.close(); await sim.close() })
  const key = gw.keys['civil-status'] as string
  replica.pause()
  const refused = await post(gw.url, key, 'civil-status', civilStatus(801))
  t.equal(refused.json?.code, 'NOT_REPLICATED')
  // The dossier is on the primary and its flush job queued; the worker waits for the replica.
  await waitFor(() => gw.logs().includes('not yet on the replicas: delivery waits'), { what: 'the worker to hold the batch back' })
  t.equal(sim.state.counts().creates, 0, 'nothing sent while the replica lacks it')
  replica.resume()
  await waitFor(() => sim.state.counts().creates === 1, { what: 'the dossier on the portal once the replica has it' })
  const taken = await post(gw.url, key, 'civil-status', civilStatus(801))
  t.equal(taken.status, 202)
  t.equal(sim.state.dossier(taken.json.maHoSo as string)?.creates, 1, 'created once, under the code the resend is given')
})
