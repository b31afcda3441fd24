/**
 * A separate gateway-like process for zns-token.test.ts: its own Redis connection, token store
 * and ZNS client. Prints `ready`, waits for a line on stdin, sends SENDS notices at once, then
 * prints one JSON line: the outcome kinds and the OAuth calls this process made.
 */
import { createInterface } from 'node:readline'
import { Redis } from 'ioredis'
import { providerAgent } from '../../src/adapters/notices/http-json.js'
import { ZnsClient } from '../../src/adapters/notices/zns-client.js'
import { ZnsTokenStore } from '../../src/adapters/notices/zns-token-store.js'
import { DEV_ZNS } from '../../simulator/notice-providers.js'
import { RECEIVED_DATA, RECEIVED_TEMPLATE } from './helpers.js'

const env = process.env as Record<string, string>
const redis = new Redis(env.REDIS_URL as string)
const agent = providerAgent(32, 10_000)
const store = new ZnsTokenStore(redis, agent, { prefix: 'lt', oauth: { url: `${env.SIM_URL}/zns-oauth`, appId: DEV_ZNS.appId, appSecret: DEV_ZNS.appSecret, timeoutMs: 10_000 } })
const zns = new ZnsClient(agent, store, { url: `${env.SIM_URL}/zns`, timeoutMs: 10_000 })
await redis.ping()
process.stdout.write('ready\n')
const rl = createInterface({ input: process.stdin })
await new Promise<void>(resolve => rl.once('line', () => { resolve() }))
const n = Number(env.SENDS)
const results = await Promise.all(Array.from({ length: n }, async (_x, i) =>
  await zns.send({ phone: '0912345678', template: RECEIVED_TEMPLATE, data: RECEIVED_DATA, trackingId: `${env.WHO}-${i}` })))
process.stdout.write(`${JSON.stringify({ kinds: results.map(r => r.kind), refreshCalls: store.refreshCalls })}\n`)
rl.close()
redis.disconnect()
await agent.close()
