import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { redisTopology } from '../../src/store/redis/topology.js'
import { hashTagOf } from '../../src/store/redis/by-slot.js'
import { Keys } from '../../src/store/keys.js'

t.test('exactly one Redis topology, or a clear refusal naming the variables', async t => {
  t.same(redisTopology({}), { kind: 'single', url: 'redis://127.0.0.1:6379' })
  t.same(redisTopology({ REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26380,[::1]:26381', REDIS_SENTINEL_NAME: 'lt', REDIS_PASSWORD: 'p' }), {
    kind: 'sentinel', name: 'lt', password: 'p', sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26380 }, { host: '::1', port: 26381 }]
  })
  t.same(redisTopology({ REDIS_CLUSTER_NODES: 'a:7000,b:7001' }), { kind: 'cluster', nodes: [{ host: 'a', port: 7000 }, { host: 'b', port: 7001 }] })
  t.throws(() => loadConfig({ REDIS_URL: 'redis://x:6379', REDIS_CLUSTER_NODES: 'a:7000' }), /REDIS_URL and REDIS_CLUSTER_NODES/)
  t.throws(() => loadConfig({ REDIS_SENTINELS: 'a:26379', REDIS_CLUSTER_NODES: 'a:7000' }), /exactly one/)
  t.throws(() => loadConfig({ REDIS_SENTINELS: 'a:26379' }), /REDIS_SENTINEL_NAME/)
  t.throws(() => loadConfig({ REDIS_SENTINEL_NAME: 'lt' }), /without REDIS_SENTINELS/)
  t.throws(() => loadConfig({ REDIS_CLUSTER_NODES: 'a:70000' }), /REDIS_CLUSTER_NODES: "a:70000" is not host:port/)
  t.throws(() => loadConfig({ REDIS_CLUSTER_NODES: 'justahost' }), /not host:port/)
  t.throws(() => loadConfig({ REDIS_WAIT_REPLICAS: '-1' }), /REDIS_WAIT_REPLICAS/)
  t.equal(loadConfig({}).REDIS_WAIT_REPLICAS, 0)
})

t.test('cross-agency reads are grouped by the hash tag Redis Cluster hashes', async t => {
  const k = new Keys('lt')
  t.equal(hashTagOf(k.outbox('000.00.31.H42')), '000.00.31.H42')
  t.equal(hashTagOf(k.dossier('000.00.31.H42', 'civil-status:HT-1').dossier), '000.00.31.H42')
  t.equal(hashTagOf(k.breaker()), 'portal')
  t.equal(hashTagOf(k.agencies()), 'lt:agencies', 'no tag: the whole key')
  t.equal(hashTagOf('a{}b{c}'), 'a{}b{c}', 'an empty first tag: the whole key, as Redis does')
})
