/**
 * The contract's rotating refresh token: two gateway processes (separate node processes, each
 * with its own Redis connections) send fifty notices that all meet an expired token at once.
 * The provider sees exactly one refresh, and every notice is sent with the new token.
 */
import t from 'tap'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { RedisServer } from '../../support/redis-server.js'
import { startSimulator } from '../../simulator/index.js'
import { Redis } from 'ioredis'
import { providerAgent } from '../../src/adapters/notices/http-json.js'
import { ZnsTokenStore } from '../../src/adapters/notices/zns-token-store.js'
import { znsOAuth } from './helpers.js'

const CHILD = new URL('./zns-sender-child.ts', import.meta.url).pathname

interface ChildResult { kinds: string[], refreshCalls: number }

function startChild (env: Record<string, string>): { ready: Promise<void>, go: () => void, result: Promise<ChildResult> } {
  const p = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: p.stdout })
  let onReady: () => void = () => {}
  const ready = new Promise<void>(resolve => { onReady = resolve })
  const result = new Promise<ChildResult>((resolve, reject) => {
    lines.on('line', line => {
      if (line === 'ready') onReady()
      else if (line.startsWith('{')) resolve(JSON.parse(line) as ChildResult)
    })
    p.once('exit', code => { if (code !== 0) reject(new Error(`child exited ${String(code)}`)) })
  })
  return { ready, go: () => { p.stdin.write('go\n') }, result }
}

t.test('two processes, fifty sends, an expired token: one refresh', async t => {
  const redis = await RedisServer.start()
  const sim = await startSimulator()
  t.teardown(async () => { await sim.close(); await redis.close() })
  const setup = new Redis(redis.url)
  const agent = providerAgent(2, 5000)
  await new ZnsTokenStore(setup, agent, { prefix: 'lt', oauth: znsOAuth(sim) }).authorise(sim.zns.authorise())
  setup.disconnect()
  await agent.close()
  // Every token stops working, and the refresh answers slowly: every send meets the expired
  // token while the refresh is in flight.
  sim.zns.expireTokens()
  sim.zns.setFaults({ refreshDelayMs: 300 })

  const children = ['a', 'b'].map(who => startChild({ REDIS_URL: redis.url, SIM_URL: sim.url, SENDS: '25', WHO: who }))
  await Promise.all(children.map(c => c.ready))
  for (const c of children) c.go()
  const results = await Promise.all(children.map(c => c.result))

  const kinds = results.flatMap(r => r.kinds)
  t.equal(kinds.length, 50)
  t.same([...new Set(kinds)], ['sent'], 'every notice sent')
  t.equal(sim.zns.refreshes, 1, 'the provider saw exactly one refresh')
  t.equal(sim.zns.refreshRefused, 0, 'no refresh with a spent token')
  t.equal(results.reduce((n, r) => n + r.refreshCalls, 0), 1, 'one OAuth call across both processes')
  t.equal(sim.zns.sent.length, 50)
})
