/**
 * The doctor on a three-primary Redis Cluster: it scans every primary, and its reads and repairs
 * stay on each agency's slot, every key in KEYS (support/lua-key-check.ts).
 */
import t from 'tap'
import { RedisCluster } from '../../support/redis-cluster.js'
import { startGateway, type InProcessGateway } from '../helpers/gateway.js'
import { civilStatus, post } from '../../support/samples.js'
import { runDoctor } from '../../src/services/doctor/index.js'
import { primaries } from '../../src/store/redis/connection.js'
import { installKeyCheck, keyCheckReport } from '../../support/lua-key-check.js'

// Every script, the doctor's included, fails on a key not in its KEYS.
installKeyCheck()

let cluster: RedisCluster
let gw: InProcessGateway
t.before(async () => {
  cluster = await RedisCluster.start()
  // No portal: every dossier stays pending, in its agency's outbox.
  gw = await startGateway({ redisEnv: cluster.env, portalUrl: 'http://127.0.0.1:9', env: { ROLE: 'api' } })
})
t.teardown(async () => {
  await gw.close()
  await cluster.close()
})

t.test('dossiers of agencies on different primaries: no drift; a drift on one is found and repaired', async t => {
  const agencies = ['000.00.31.H42', '000.00.12.H42', '000.00.45.H42', '000.00.77.H42']
  for (const [i, a] of agencies.entries()) {
    const doc = civilStatus(`CL-${i}`)
    doc.coQuanDangKy = { ...(doc.coQuanDangKy as object), maDinhDanh: a }
    const r = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', doc)
    t.equal(r.status, 202, r.text)
  }
  const redis = gw.app.redis
  const holders = new Set<number>()
  for (const [i, node] of primaries(redis).entries()) {
    let cursor = '0'
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', 'lt:{*}:codes', 'COUNT', 1000)
      if (found.length > 0) holders.add(i)
      cursor = next
    } while (cursor !== '0')
  }
  t.ok(holders.size >= 2, `the agencies sit on ${holders.size} primaries`)
  const clean = await runDoctor(redis, { prefix: 'lt', batch: 2 })
  t.equal(clean.found, 0, JSON.stringify(clean.drifts))
  t.equal(clean.dossiers, agencies.length)
  t.equal(clean.agencies, agencies.length)
  const k = gw.app.store.keys
  const [ref] = await redis.zrange(k.outbox('000.00.45.H42'), 0, 0)
  await redis.zrem(k.outbox('000.00.45.H42'), ref as string)
  const found = await runDoctor(redis, { prefix: 'lt', repair: true })
  t.same(found.drifts.map(d => [d.agency, d.structure, d.problem, d.repair]), [['000.00.45.H42', 'outbox', 'missing-entry', 'repaired']])
  t.equal((await runDoctor(redis, { prefix: 'lt' })).found, 0)
  const report = await keyCheckReport(async p => await cluster.keys(p), redis)
  t.same(report.violations, [], 'every key each script touched was in its KEYS')
  t.ok(report.ran.has('ltDoctorInspect') && report.ran.has('ltDoctorRepair'), 'the doctor\'s scripts ran under the check')
})
