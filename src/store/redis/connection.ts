/**
 * The one place Redis connections are made, for the store and for BullMQ alike, from the
 * topology the config chose (src/store/redis/topology.ts): one server, a Sentinel-managed primary
 * (followed across failovers) or a Redis Cluster.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis'
import type { ConnectionOptions } from 'bullmq'
import { redisTopology, type Topology, type TopologyConfig } from './topology.js'

/** The store's client: everything it sends works on both (scripts and pipelines stay within one slot). */
export type RedisClient = Redis | Cluster

/**
 * - `store`: the API's and the store's connection; a command fails at once while Redis is away
 *   (the sender gets 503 and resends) rather than waiting in memory for a reconnect.
 * - `producer`: the job producers' connection, failing fast likewise.
 * - `worker`: BullMQ workers, which must wait out outages (BullMQ requires `maxRetriesPerRequest: null`).
 */
export type Purpose = 'store' | 'producer' | 'worker'

function baseOptions (purpose: Purpose): RedisOptions {
  if (purpose === 'worker') return { maxRetriesPerRequest: null }
  return { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5000 }
}

/**
 * A primary demoted by a failover answers READONLY until Sentinel tells the client where the new
 * one is: reconnecting (through the sentinels) fixes it. 1 = reconnect without resending the
 * command (it was refused, the caller answers 503 and the sender resends).
 */
export function reconnectOnReadOnly (err: Error): 1 | false {
  return err.message.startsWith('READONLY') ? 1 : false
}

function sentinelOptions (t: Extract<Topology, { kind: 'sentinel' }>): RedisOptions {
  return {
    sentinels: t.sentinels,
    name: t.name,
    role: 'master',
    // Subscribes to +switch-master on the sentinels: the client moves to the promoted replica as
    // soon as the failover is decided, not only when its connection to the old primary breaks.
    failoverDetector: true,
    reconnectOnError: reconnectOnReadOnly,
    ...(t.password === undefined ? {} : { password: t.password }),
    ...(t.sentinelPassword === undefined ? {} : { sentinelPassword: t.sentinelPassword })
  }
}

function clusterOptions (t: Extract<Topology, { kind: 'cluster' }>, purpose: Purpose, lazyConnect: boolean): ClusterOptions {
  const base = baseOptions(purpose)
  return {
    lazyConnect,
    enableOfflineQueue: base.enableOfflineQueue ?? true,
    // Reads go to primaries: a replica may lag behind the write the caller just made.
    scaleReads: 'master',
    slotsRefreshTimeout: 2000,
    redisOptions: {
      maxRetriesPerRequest: base.maxRetriesPerRequest,
      ...(base.connectTimeout === undefined ? {} : { connectTimeout: base.connectTimeout }),
      ...(t.password === undefined ? {} : { password: t.password })
    }
  }
}

/**
 * Two gaps of ioredis's Sentinel client, closed here for the client and its duplicates (BullMQ's
 * blocking connections):
 * - QUIT leaves the failover-detector subscriptions to the sentinels open: they keep reconnecting
 *   and keep the process from exiting. A disconnect after QUIT closes them.
 * - When the failover detector hears +switch-master while the client is already reconnecting
 *   (the primary just died), the connector's connect is cut short and the client ends for good
 *   ("Connection is closed."), never to ask the sentinels again. A client that ends without being
 *   closed by us connects again.
 */
function followsFailovers (r: Redis): Redis {
  let closing = false
  const quit = r.quit.bind(r)
  const disconnect = r.disconnect.bind(r)
  r.quit = (async () => {
    closing = true
    try { return await quit() } finally { disconnect() }
  }) as typeof r.quit
  r.disconnect = ((reconnect?: boolean) => {
    if (reconnect !== true) closing = true
    disconnect(reconnect)
  }) as typeof r.disconnect
  r.on('end', () => {
    if (closing) return
    setTimeout(() => {
      if (!closing && r.status === 'end') r.connect().catch(() => {})
    }, 200).unref()
  })
  const duplicate = r.duplicate.bind(r)
  r.duplicate = ((...args: Parameters<typeof r.duplicate>) => followsFailovers(duplicate(...args))) as typeof r.duplicate
  return r
}

/** A new client for `purpose`; `lazyConnect` leaves the connecting to the caller (`await client.connect()`). */
export function createRedis (config: TopologyConfig, purpose: Purpose, opts: { lazyConnect?: boolean } = {}): RedisClient {
  const t = redisTopology(config)
  const lazyConnect = opts.lazyConnect ?? false
  if (t.kind === 'cluster') return new Cluster(t.nodes, clusterOptions(t, purpose, lazyConnect))
  const options = { ...baseOptions(purpose), lazyConnect }
  if (t.kind === 'sentinel') return followsFailovers(new Redis({ ...options, ...sentinelOptions(t) }))
  return new Redis(t.url, { ...options, ...(t.password === undefined ? {} : { password: t.password }) })
}

export function isCluster (redis: RedisClient): redis is Cluster {
  return (redis as { isCluster?: boolean }).isCluster === true
}

/**
 * BullMQ workers' connection: options where BullMQ can make (and close) its own connections;
 * otherwise an instance that BullMQ shares (and duplicates for blocking reads) and `close` ends.
 */
export function bullConnection (config: TopologyConfig, onError: (err: Error) => void = () => {}): { connection: ConnectionOptions, close: () => Promise<void> } {
  const t = redisTopology(config)
  if (t.kind === 'single') {
    return { connection: { ...baseOptions('worker'), url: t.url, ...(t.password === undefined ? {} : { password: t.password }) } as ConnectionOptions, close: async () => {} }
  }
  // A cluster needs an instance; a Sentinel client one whose QUIT also closes its subscriptions.
  const client = createRedis(config, 'worker')
  client.on('error', onError)
  return { connection: client, close: async () => { await client.quit().catch(() => { client.disconnect() }) } }
}

/** The primaries: every node of a cluster that holds slots, or the one server. */
export function primaries (redis: RedisClient): Redis[] {
  return isCluster(redis) ? redis.nodes('master') : [redis]
}
