/**
 * A failover never gives a code twice: the replica is promoted without the last codes its primary
 * gave (acknowledged without REDIS_WAIT_REPLICAS), and the promoted one's day sequences jump past
 * them on their first code (src/store/scripts-sequence.ts); a day whose only codes were lost too.
 */
import t from 'tap'
import { Redis } from 'ioredis'
import { RedisServer } from '../../support/redis-server.js'
import { startGateway } from '../helpers/gateway.js'
import { civilStatus, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { info } from '../../support/redis-sentinel.js'
import { startSimulator } from '../../simulator/index.js'

const JUMP = 1000

t.test('codes the old primary gave and the replica never had are not given again after a promotion', async t => {
  const primary = await RedisServer.start({ args: () => ['--repl-diskless-sync-delay', '0'] })
  const replica = await RedisServer.start({ args: () => ['--replicaof', '127.0.0.1', String(primary.port)] })
  const sim = await startSimulator()
  t.teardown(async () => { await sim.close(); await replica.close(); await primary.close() })
  await waitFor(async () => /master_link_status:up/.test(await info(replica.port, 'replication')), { what: 'the replica to sync' })
  const env = { ROLE: 'api', CODE_SEQUENCE_FAILOVER_JUMP: String(JUMP) }
  const old = await startGateway({ redisUrl: primary.url, portalUrl: sim.url, env })
  const key = old.keys['civil-status'] as string
  const day = (n: number, date: string): object => civilStatus(n, { ngayTiepNhan: `${date}T09:30:00+07:00` })

  const first = await post(old.url, key, 'civil-status', day(1, '2025-07-02'))
  t.equal(first.json.maHoSo, '000.00.31.H42-250702-00001', 'a fresh Redis numbers from 1')
  const r = new Redis(replica.url, { maxRetriesPerRequest: 0 })
  r.on('error', () => {})
  t.teardown(() => { r.disconnect() })
  await waitFor(async () => await r.hexists('lt:{000.00.31.H42}:codes', first.json.maHoSo as string) === 1, { what: 'the replica to have the first code' })

  // The failover: the replica is promoted; what the old primary takes from now on never reaches it.
  await r.replicaof('NO', 'ONE')
  const lost: string[] = []
  for (let n = 2; n <= 4; n++) lost.push((await post(old.url, key, 'civil-status', day(n, '2025-07-02'))).json.maHoSo as string)
  lost.push((await post(old.url, key, 'civil-status', day(5, '2025-07-03'))).json.maHoSo as string)
  t.same(lost, ['000.00.31.H42-250702-00002', '000.00.31.H42-250702-00003', '000.00.31.H42-250702-00004', '000.00.31.H42-250703-00001'],
    'acknowledged by the old primary, without WAIT')
  await old.close()

  const promoted = await startGateway({ redisUrl: replica.url, portalUrl: sim.url, env, clients: { file: old.clientsFile, keys: old.keys } })
  t.teardown(async () => { await promoted.close() })
  const after: string[] = []
  for (let n = 6; n <= 8; n++) after.push((await post(promoted.url, key, 'civil-status', day(n, '2025-07-02'))).json.maHoSo as string)
  // A day whose only code was lost: no counter on the new primary, still suspect.
  after.push((await post(promoted.url, key, 'civil-status', day(9, '2025-07-03'))).json.maHoSo as string)
  t.same(after.filter(c => lost.includes(c)), [], `no code given twice (${after.join(', ')})`)
  t.same(after, [
    `000.00.31.H42-250702-${String(1 + JUMP + 1).padStart(5, '0')}`,
    `000.00.31.H42-250702-${String(1 + JUMP + 2).padStart(5, '0')}`,
    `000.00.31.H42-250702-${String(1 + JUMP + 3).padStart(5, '0')}`,
    `000.00.31.H42-250703-${String(JUMP + 1).padStart(5, '0')}`
  ], 'the first code of each sequence under the new primary jumps once; the next ones follow it')
  // The resend of a dossier the promoted primary does have keeps its code.
  t.equal((await post(promoted.url, key, 'civil-status', day(1, '2025-07-02'))).json.maHoSo, first.json.maHoSo)
})
