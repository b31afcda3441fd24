/**
 * Bulk replay by filter: 2,000 failed dossiers, each with later steps, sent again after the portal
 * recovers: each reaches the portal once, its steps after it, in order. Cancelling stops a job;
 * a filter that matches nothing finishes at once with 0.
 */
import t from 'tap'
import { startGateway } from '../helpers/gateway.js'
import { civilStatus, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { useStack } from '../helpers/fixture.js'

const N = 2000

const { redis, sim, gw } = useStack(t, { simulator: { recordBodies: false, maxRecorded: 50_000 }, env: { RATE_LIMIT_MAX: '1000000', LOG_LEVEL: 'info' } })

async function call (method: string, path: string, body?: object, url = gw.url): Promise<{ status: number, json: any }> {
  const res = await fetch(`${url}${path}`, { method, headers: { 'x-api-key': gw.keys.admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  return { status: res.status, json: await res.json() }
}

async function inParallel<T> (xs: T[], n: number, f: (x: T) => Promise<void>): Promise<void> {
  let i = 0
  await Promise.all(Array.from({ length: n }, async () => { while (i < xs.length) await f(xs[i++] as T) }))
}

const at = (s: number): string => `${new Date(Date.now() + 7 * 3_600_000 - (120 - s) * 1000).toISOString().slice(0, 19)}+07:00`

t.test(`${N} failed dossiers replayed after the portal recovers: each once, its steps in order`, async t => {
  // The portal refuses every create until it is fixed: each dossier fails alone (-1).
  sim.setFaults({ script: Array.from({ length: 2 * N }, () => ({ kind: 'error' as const, code: '-1', message: 'Dữ liệu danh mục đang cập nhật', service: 'DongBoHoSoMC' })) })
  const codes: string[] = []
  await inParallel(Array.from({ length: N }, (_, i) => i), 16, async i => {
    const r = await post(gw.url, gw.keys['civil-status'] as string, 'civil-status', civilStatus(`BULK-${i}`))
    if (r.status !== 202) throw new Error(r.text)
    codes.push(r.json.maHoSo as string)
  })
  await waitFor(async () => (await call('GET', '/v1/admin/failed?kind=delivery&limit=1')).json.items.length === 1 &&
    (await redisFailedCount()) === N, { what: `${N} failed`, timeoutMs: 600_000 })
  sim.setFaults({}, { replace: true })
  // Work goes on while they wait: two steps each, kept for when they go.
  await inParallel(codes, 16, async code => {
    for (const [s, body] of [[1, { type: 'status', status: '4' }], [2, { type: 'step', content: 'Thẩm định' }]] as const) {
      const r = await call('POST', `/v1/dossiers/${code}/events`, { ...body, at: at(s) })
      if (r.status !== 202) throw new Error(JSON.stringify(r.json))
    }
  })
  const job = await call('POST', '/v1/admin/replays', { filter: { reason: 'PORTAL_REJECTED', system: 'civil-status' } })
  t.equal(job.status, 202)
  await waitFor(async () => (await call('GET', `/v1/admin/replays/${job.json.id as string}`)).json.state === 'done', { what: 'the job done', timeoutMs: 600_000 })
  const end = (await call('GET', `/v1/admin/replays/${job.json.id as string}`)).json
  t.equal(end.matched, N)
  t.equal(end.done, N)
  await waitFor(() => codes.every(c => sim.state.dossier(c)?.stepsAccepted === 2), { what: 'every dossier and its steps on the portal', timeoutMs: 600_000 })
  t.ok(codes.every(c => sim.state.dossier(c)?.creates === 1), 'each created once')
  t.equal(sim.state.counts().duplicates, 0, 'no create refused as existing')
  t.ok(codes.every(c => sim.state.dossier(c)?.stepsOutOfOrder === 0), 'steps in order')
  t.ok(codes.every(c => sim.state.dossier(c)?.steps.map(s => s.tienDo.TrangThai).join() === '4,4'))
  const audit = (await call('GET', '/v1/admin/audit')).json.items as Array<{ action: string, count?: number }>
  t.ok(audit.some(a => a.action === 'replay.finished' && a.count === N), 'audited with its count')
})

async function redisFailedCount (): Promise<number> {
  const { Redis } = await import('ioredis')
  const c = new Redis(redis.url)
  try { return await c.zcard('lt:{000.00.31.H42}:sx:failed') } finally { c.disconnect() }
}

t.test('a filter that matches nothing finishes at once with 0; a cancelled job stops', async t => {
  const none = await call('POST', '/v1/admin/replays', { filter: { system: 'land' } })
  await waitFor(async () => (await call('GET', `/v1/admin/replays/${none.json.id as string}`)).json.state === 'done')
  t.equal((await call('GET', `/v1/admin/replays/${none.json.id as string}`)).json.matched, 0)

  // Created on an API-only gateway (no worker yet), cancelled, then a worker starts.
  const env = { KEY_PREFIX: 'ltc', QUEUE_PREFIX: '{ltc-queue}' }
  const api = await startGateway({ redisUrl: redis.url, portalUrl: sim.url, env: { ...env, ROLE: 'api' }, clients: { file: gw.clientsFile, keys: gw.keys } })
  const created = await call('POST', '/v1/admin/replays', { filter: {} }, api.url)
  t.equal((await call('POST', `/v1/admin/replays/${created.json.id as string}/cancel`, {}, api.url)).status, 202)
  const worker = await startGateway({ redisUrl: redis.url, portalUrl: sim.url, env: { ...env, ROLE: 'worker' }, clients: { file: gw.clientsFile, keys: gw.keys } })
  try {
    await waitFor(async () => (await call('GET', `/v1/admin/replays/${created.json.id as string}`, undefined, api.url)).json.state === 'cancelled', { what: 'cancelled' })
    t.equal((await call('GET', `/v1/admin/replays/${created.json.id as string}`, undefined, api.url)).json.done, 0)
    t.equal((await call('POST', `/v1/admin/replays/${created.json.id as string}/cancel`, {}, api.url)).status, 409, 'over')
  } finally {
    await worker.close()
    await api.close()
  }
})
