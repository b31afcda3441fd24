/**
 * /metrics and /health/ready are cheap (what they read across every agency and CLIENT LIST are
 * read once per METRICS_CACHE_MS, however often they are scraped) and restrictable (METRICS_TOKEN).
 */
import t from 'tap'
import type { Redis } from 'ioredis'
import { civilStatus, post } from '../../support/samples.js'
import { startStack } from '../helpers/fixture.js'

/** Calls of each command so far (`INFO commandstats`, Lua's calls included). */
async function calls (r: Redis): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const m of (await r.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1] as string] = Number(m[2])
  return out
}

t.test('twenty scrapes and probes within METRICS_CACHE_MS read Redis once', async t => {
  // An API process: no worker touches Redis in between.
  const { gw, db: r } = await startStack(t, { env: { ROLE: 'api', METRICS_CACHE_MS: '60000' }, db: true })
  for (let i = 0; i < 5; i++) await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(900 + i, { coQuanDangKy: { maDinhDanh: `000.00.3${i}.H42`, maXa: '18754' } }))
  const before = await calls(r)
  for (let i = 0; i < 20; i++) {
    t.equal((await fetch(`${gw.url}/metrics`)).status, 200)
    t.equal((await fetch(`${gw.url}/health/ready`)).status, 200)
  }
  const after = await calls(r)
  const delta = (cmd: string): number => (after[cmd] ?? 0) - (before[cmd] ?? 0)
  t.equal(delta('smembers'), 1, 'the agencies read once')
  t.equal(delta('zrange'), 5, 'the outboxes: one read per agency, not one per scrape and gauge')
  t.equal(delta('client|list'), 2, 'CLIENT LIST: once per queue, not once per probe')
  t.equal(delta('ping'), 20, 'reachability stays live on every probe')
})

t.test('METRICS_TOKEN: /metrics needs it; /health/ready without it says only whether the gateway is ready', async t => {
  const token = 'metrics-token-0123456789abcdef'
  const { gw } = await startStack(t, { env: { ROLE: 'api', METRICS_TOKEN: token } })
  const none = await fetch(`${gw.url}/metrics`)
  t.equal(none.status, 401)
  t.equal(none.headers.get('www-authenticate'), 'Bearer')
  t.match(await none.json(), { code: 'METRICS_TOKEN_REQUIRED', message: { vi: String, en: String } })
  t.equal((await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789abcdef' } })).status, 401)
  const ok = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(ok.status, 200)
  t.match(await ok.text(), /lienthong_intake_total/)
  t.same(await (await fetch(`${gw.url}/health/ready`)).json(), { status: 'ready', role: 'api', redis: 'up' }, 'a bare probe: ready, no details')
  const detailed = await (await fetch(`${gw.url}/health/ready`, { headers: { authorization: `Bearer ${token}` } })).json() as Record<string, unknown>
  t.equal(detailed.status, 'ready')
  t.ok(detailed.workers !== undefined && detailed.redisMemoryPolicy !== undefined, 'with the token: workers and memory policy')
})
