/**
 * The intake, delivery (ordering included) and crash suites again, on a three-primary Redis
 * Cluster (support/redis-cluster.ts): each file runs as it is, with LT_TEST_REDIS=cluster, which
 * support/test-redis.ts reads. Each starts its own cluster. script-keys runs every script of the
 * gateway at least once (lifecycle, deadlines, portal callbacks, webhooks, admin changes,
 * compaction, statistics), each checked to touch only keys in its KEYS.
 */
import t from 'tap'

// Four suites one after the other, each on a fresh cluster: more than tap's default per file.
t.setTimeout(800_000)

const SUITES = ['intake', 'delivery', 'crash', 'script-keys']

for (const name of SUITES) {
  t.spawn(process.execPath, ['--import', 'tsx', `test/integration/${name}.test.ts`], {
    env: { ...process.env, LT_TEST_REDIS: 'cluster' }
  }, `${name} on a Redis Cluster`)
}
