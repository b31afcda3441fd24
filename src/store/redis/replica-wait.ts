/**
 * REDIS_WAIT_REPLICAS: what a replica does not have, a failover can take back. So an intake is
 * acknowledged, and a worker sends to the portal or a receiver, only once that many replicas
 * have every write it depends on (`WAIT`).
 *
 * `WAIT` waits for the replication offset of the last write made *on its own connection*, and
 * the replication stream is one sequence: a write made after another write completed covers it.
 * So the writes themselves go on the store's connection as usual, and `confirm` makes a small
 * write of its own (a marker key on the same slot) and waits on that, on a connection of a small
 * pool: every write completed before `confirm` was called is covered. WAIT blocks its connection,
 * so each round has a connection of its own; callers that arrive while a round is still being
 * formed share it. Concurrent callers therefore wait in parallel, each at most about
 * REDIS_WAIT_TIMEOUT_MS (a replica down answers all of them 503 after one timeout, not one
 * timeout after another).
 */
import { isCluster, type RedisClient } from './connection.js'
import { hashTagOf } from './by-slot.js'

/** How long a marker key lives: it only has to outlive the WAIT that follows it. */
const MARKER_TTL_MS = 60_000

export class ReplicaWait {
  private readonly idle: RedisClient[] = []
  private readonly all: RedisClient[] = []
  private readonly waiting: Array<(c: RedisClient) => void> = []
  /** The round each slot's callers join until it is sent ('' for a single primary). */
  private readonly forming = new Map<string, Promise<number>>()
  private closed = false

  constructor (
    private readonly make: () => RedisClient,
    readonly replicas: number,
    readonly timeoutMs: number,
    readonly maxConnections = 64
  ) {}

  /** Opens the first connection: a wrong address fails start-up, not the first intake. */
  async connect (): Promise<void> {
    this.release(await this.open())
  }

  /**
   * How many replicas have every write the primary holding `key` took before this call (at most
   * `replicas`; fewer when the timeout ran out first).
   */
  async confirm (key: string): Promise<number> {
    const group = this.all[0] !== undefined && isCluster(this.all[0]) ? hashTagOf(key) : ''
    const joined = this.forming.get(group)
    if (joined !== undefined) return await joined
    const round = (async () => {
      let conn: RedisClient
      try {
        conn = await this.acquire()
      } finally {
        // From here on the marker may already be written: a later caller's write may follow it.
        this.forming.delete(group)
      }
      try {
        return await this.markAndWait(conn, key)
      } finally {
        this.release(conn)
      }
    })()
    this.forming.set(group, round)
    return await round
  }

  /** True when `replicas` replicas confirmed (see `confirm`). */
  async replicated (key: string): Promise<boolean> {
    return await this.confirm(key) >= this.replicas
  }

  private async markAndWait (conn: RedisClient, key: string): Promise<number> {
    const close = key.indexOf('}')
    const marker = `${close === -1 ? key : key.slice(0, close + 1)}:replica-wait`
    // One pipeline, one slot: on a cluster it goes to the primary that holds `key`.
    const replies = (await conn.pipeline().set(marker, '1', 'PX', MARKER_TTL_MS).call('WAIT', this.replicas, this.timeoutMs).exec()) ?? []
    for (const [err] of replies) if (err !== null) throw err
    return Number(replies[1]?.[1] ?? 0)
  }

  private async open (): Promise<RedisClient> {
    const c = this.make()
    this.all.push(c)
    try {
      await c.connect()
    } catch (err) {
      this.all.splice(this.all.indexOf(c), 1)
      c.disconnect()
      throw err
    }
    return c
  }

  private async acquire (): Promise<RedisClient> {
    if (this.closed) throw new Error('Connection is closed.')
    const c = this.idle.pop()
    if (c !== undefined) return c
    if (this.all.length < this.maxConnections) return await this.open()
    return await new Promise<RedisClient>(resolve => { this.waiting.push(resolve) })
  }

  private release (c: RedisClient): void {
    const next = this.waiting.shift()
    if (next !== undefined) next(c)
    else this.idle.push(c)
  }

  /** Connections open now (at most maxConnections). */
  get size (): number { return this.all.length }

  async close (): Promise<void> {
    this.closed = true
    await Promise.all(this.all.map(async c => { await c.quit().catch(() => { c.disconnect() }) }))
  }
}
