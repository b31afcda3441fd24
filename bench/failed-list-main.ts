/** `node --import tsx bench/failed-list-main.ts`: the failed list benchmark alone (BENCH_FAILED_N, default 100000). */
import { RedisServer } from '../support/redis-server.js'
import { benchFailedList } from './failed-list.js'

const redis = await RedisServer.start({ appendfsync: 'everysec' })
try {
  await benchFailedList(redis.url, Number(process.env.BENCH_FAILED_N ?? 100_000))
} finally {
  await redis.close()
}
