/**
 * The Redis a test runs on: one redis-server, or a three-primary cluster when
 * `LT_TEST_REDIS=cluster` (test/integration/cluster.test.ts runs the delivery suites so). Tests
 * that use this reach Redis only through `env` (for the gateway), `client()` and `keys()`.
 */
import { Redis, type Cluster } from 'ioredis'
import { RedisServer } from './redis-server.js'
import { RedisCluster } from './redis-cluster.js'

export interface TestRedis {
  kind: 'single' | 'cluster'
  /** The gateway's Redis variables: REDIS_URL, or REDIS_CLUSTER_NODES. */
  env: Record<string, string>
  /** A client of the topology (the caller disconnects it). */
  client: () => Redis | Cluster
  /** Every key matching `pattern`, from every primary. */
  keys: (pattern: string) => Promise<string[]>
  close: () => Promise<void>
}

export function testTopology (): 'single' | 'cluster' {
  return process.env.LT_TEST_REDIS === 'cluster' ? 'cluster' : 'single'
}

export async function startTestRedis (): Promise<TestRedis> {
  if (testTopology() === 'cluster') {
    const c = await RedisCluster.start()
    return { kind: 'cluster', env: c.env, client: () => c.client(), keys: async (p) => await c.keys(p), close: async () => { await c.close() } }
  }
  const s = await RedisServer.start()
  return {
    kind: 'single',
    env: { REDIS_URL: s.url },
    client: () => new Redis(s.url),
    keys: async (p) => {
      const r = new Redis(s.url)
      try { return await r.keys(p) } finally { r.disconnect() }
    },
    close: async () => { await s.close() }
  }
}
