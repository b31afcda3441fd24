/**
 * The intake, delivery (ordering included) and crash suites again, on a three-primary Redis
 * Cluster (support/redis-cluster.ts): each file runs as it is, with LT_TEST_REDIS=cluster, which
 * support/test-redis.ts reads. Each starts its own cluster.
 */
import t from 'tap'

// Three suites one after the other, each on a fresh cluster: more than tap's default per file.
t.setTimeout(600_000)

const SUITES = ['intake', 'delivery', 'crash']

for (const name of SUITES) {
  t.spawn(process.execPath, ['--import', 'tsx', `test/integration/${name}.test.ts`], {
    env: { ...process.env, LT_TEST_REDIS: 'cluster' }
  }, `${name} on a Redis Cluster`)
}
