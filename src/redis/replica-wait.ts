/**
 * REDIS_WAIT_REPLICAS: an intake is acknowledged only once that many replicas have its write
 * (`WAIT`), so a failover cannot lose it. WAIT blocks the connection it is sent on until the
 * replicas answer, and it counts the writes made on that connection: so the writes that wait get
 * a few connections of their own, and each waits on the connection that wrote it, never holding
 * up the store's shared connection.
 */
import { isCluster, type RedisClient } from './connection.js'

export class ReplicaWait {
  readonly connections: readonly RedisClient[]
  private next = 0

  constructor (make: () => RedisClient, readonly replicas: number, readonly timeoutMs: number, size = 8) {
    this.connections = Array.from({ length: size }, make)
  }

  async connect (): Promise<void> {
    await Promise.all(this.connections.map(async c => { await c.connect() }))
  }

  /** The connection for one write that will be waited on. */
  pick (): RedisClient {
    return this.connections[this.next++ % this.connections.length] as RedisClient
  }

  /**
   * How many replicas acknowledged every write made so far on `conn`. On a cluster the WAIT goes
   * to the primary that holds `key`'s slot (the one that took the write), behind a read of it.
   */
  async wait (conn: RedisClient, key: string): Promise<number> {
    if (isCluster(conn)) {
      const replies = (await conn.pipeline().pttl(key).call('WAIT', this.replicas, this.timeoutMs).exec()) ?? []
      const [err, n] = replies[1] ?? [new Error('no reply to WAIT'), 0]
      if (err !== null) throw err
      return Number(n)
    }
    return Number(await conn.call('WAIT', this.replicas, this.timeoutMs))
  }

  async close (): Promise<void> {
    await Promise.all(this.connections.map(async c => { await c.quit().catch(() => { c.disconnect() }) }))
  }
}
