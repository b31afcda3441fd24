/** `node --import tsx bench/bulk-replay-main.ts`: the bulk replay benchmark alone (BENCH_REPLAY_N, default 10000). */
import { RedisServer } from '../support/redis-server.js'
import { benchBulkReplay } from './bulk-replay.js'

const redis = await RedisServer.start({ appendfsync: 'everysec' })
try {
  await benchBulkReplay(redis.url, Number(process.env.BENCH_REPLAY_N ?? 10_000))
} finally {
  await redis.close()
}
