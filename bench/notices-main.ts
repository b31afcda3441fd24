/**
 * `node --import tsx bench/notices-main.ts` (or `npm run bench -- --only notices`): the notices
 * benchmark alone, on its own redis-server (AOF everysec, as production). Results go to stdout.
 * Options (env): BENCH_NOTICES_N (10000), BENCH_NOTICE_CONCURRENCY (32, the default
 * NOTICE_CONCURRENCY), BENCH_CONNECTIONS (64, the intake that makes the notices).
 */
import { cpus } from 'node:os'
import { RedisServer } from '../support/redis-server.js'
import { benchNotices } from './notices.js'

const redis = await RedisServer.start({ appendfsync: 'everysec' })
console.log(`# lienthong notices benchmark — ${new Date().toISOString()}, ${cpus().length} CPUs, Node ${process.version}`)
try {
  await benchNotices(redis.url, {
    n: Number(process.env.BENCH_NOTICES_N ?? 10_000),
    concurrency: Number(process.env.BENCH_NOTICE_CONCURRENCY ?? 32),
    connections: Number(process.env.BENCH_CONNECTIONS ?? 64)
  })
} finally {
  await redis.close()
}
