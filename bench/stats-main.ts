/**
 * `node --import tsx bench/stats-main.ts`: the statistics benchmark alone, on its own
 * redis-server (AOF everysec, as production). Results go to stdout.
 */
import { cpus } from 'node:os'
import { RedisServer } from '../support/redis-server.js'
import { benchStats } from './stats.js'

const redis = await RedisServer.start({ appendfsync: 'everysec' })
console.log(`# lienthong statistics benchmark — ${new Date().toISOString()}, ${cpus().length} CPUs, Node ${process.version}`)
try {
  await benchStats(redis.url, (process.env.BENCH_STATS_SIZES ?? '10000,1000000').split(',').map(Number))
} finally {
  await redis.close()
}
