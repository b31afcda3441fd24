/**
 * `node --import tsx bench/memory-main.ts`: the peak-RSS bench alone (bench/memory.ts), on its own
 * redis-server (AOF everysec, as production). Options (env): BENCH_DURATION_S (10, per intake
 * route), BENCH_CONNECTIONS (64), BENCH_HOSTILE_N (20000), BENCH_HEAP_SNAPSHOTS (unset; 1 writes
 * and summarises heap snapshots under .data/heap/), BENCH_MEMORY_PHASES (intake,hostile),
 * BENCH_GATEWAY_NODE_ARGS (node flags for the gateway only, space-separated: to try V8 flags),
 * BENCH_COMPARE_NODE_ARGS (a second gateway with these node flags beside the first, same load: an A/B),
 * BENCH_GATEWAY_SCRIPT (src/server.ts; dist/src/server.js after `npm run build` measures the compiled
 * gateway, as the image runs it).
 */
import { cpus } from 'node:os'
import { RedisServer } from '../support/redis-server.js'
import { benchMemory } from './memory.js'

const redis = await RedisServer.start({ appendfsync: 'everysec' })
console.log(`# lienthong memory benchmark — ${new Date().toISOString()}, ${cpus().length} CPUs, Node ${process.version}`)
try {
  await benchMemory(redis.url, {
    durationS: Number(process.env.BENCH_DURATION_S ?? 10),
    connections: Number(process.env.BENCH_CONNECTIONS ?? 64),
    hostileN: Number(process.env.BENCH_HOSTILE_N ?? 20_000),
    snapshots: process.env.BENCH_HEAP_SNAPSHOTS === '1',
    gatewayScript: process.env.BENCH_GATEWAY_SCRIPT ?? 'src/server.ts',
    gatewayNodeArgs: (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(a => a !== ''),
    ...(process.env.BENCH_COMPARE_NODE_ARGS === undefined ? {} : { compareNodeArgs: process.env.BENCH_COMPARE_NODE_ARGS.split(' ').filter(a => a !== '') }),
    phases: (process.env.BENCH_MEMORY_PHASES ?? 'intake,hostile').split(',') as Array<'intake' | 'hostile'>
  })
} finally {
  await redis.close()
}
