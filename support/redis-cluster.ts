/**
 * A Redis Cluster for tests: three primaries (no replicas), each a redis-server on a free port in
 * its own temporary directory, joined by `redis-cli --cluster create`; ready once every node
 * says `cluster_state:ok`.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { join } from 'node:path'
import { Cluster, Redis } from 'ioredis'
import { RedisServer } from './redis-server.js'
import { waitFor } from './wait.js'

const run = promisify(execFile)

export class RedisCluster {
  private constructor (readonly nodes: RedisServer[]) {}

  static async start (opts: { appendfsync?: 'always' | 'everysec' } = {}): Promise<RedisCluster> {
    const nodes = await Promise.all([0, 1, 2].map(async () => await RedisServer.start({
      ...(opts.appendfsync === undefined ? {} : { appendfsync: opts.appendfsync }),
      args: (dir) => ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--cluster-node-timeout', '5000']
    })))
    const c = new RedisCluster(nodes)
    try {
      await run('redis-cli', ['--cluster', 'create', ...nodes.map(n => `127.0.0.1:${n.port}`), '--cluster-yes'])
      await waitFor(async () => {
        const states = await Promise.all(nodes.map(async n => await c.onNode(n.port, async r => await r.call('CLUSTER', 'INFO') as string)))
        return states.every(s => /cluster_state:ok/.test(s))
      }, { timeoutMs: 30_000, intervalMs: 100, what: 'cluster_state:ok on every node' })
    } catch (err) {
      await c.close()
      throw err
    }
    return c
  }

  get env (): Record<string, string> {
    return { REDIS_CLUSTER_NODES: this.nodes.map(n => `127.0.0.1:${n.port}`).join(',') }
  }

  client (): Cluster {
    const c = new Cluster(this.nodes.map(n => ({ host: '127.0.0.1', port: n.port })), { redisOptions: { maxRetriesPerRequest: 1 } })
    c.on('error', () => {})
    return c
  }

  /** KEYS on every primary: a cluster-wide KEYS goes to one node only. */
  async keys (pattern: string): Promise<string[]> {
    const per = await Promise.all(this.nodes.map(async n => await this.onNode(n.port, async r => await r.keys(pattern))))
    return per.flat()
  }

  private async onNode<T> (port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
    const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null })
    r.on('error', () => {})
    try {
      await r.connect()
      return await fn(r)
    } finally {
      r.disconnect()
    }
  }

  async close (): Promise<void> {
    await Promise.all(this.nodes.map(async n => { await n.close() }))
  }
}
