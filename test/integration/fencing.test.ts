/**
 * Two workers racing on one outbox. BullMQ's lock is shorter than a portal call and is never
 * renewed, so every job stalls mid-call and BullMQ hands it to the other worker while the first
 * run is still talking to the portal. The outbox claim (token + lease, checked by every
 * acknowledgement) must keep the second run off: over several rounds, every dossier's steps
 * reach the portal complete, in order, and once.
 */
import t from 'tap'
import { Redis } from 'ioredis'
import { Worker, type Job } from 'bullmq'
import { pino } from 'pino'
import { civilStatus, post } from '../../support/samples.js'
import { waitFor } from '../../support/wait.js'
import { useStack } from '../helpers/fixture.js'
import { DossierStore } from '../../src/store/dossier-store.js'
import { CircuitBreaker } from '../../src/adapters/portal/circuit-breaker.js'
import { PortalClient } from '../../src/adapters/portal/portal-client.js'
import { PortalCalls } from '../../src/queue/portal-calls.js'
import { PortalSync } from '../../src/queue/portal-sync.js'
import { AgencyFlusher, backoffDelay } from '../../src/queue/flush-agency.js'
import { leaseFor } from '../../src/http/plugins/delivery-workers.js'
import { DELIVERY_QUEUE, type JobPayloads } from '../../src/queue/jobs.js'

const PORTAL_TIMEOUT_MS = 1500
const ROUNDS = 4
const PER_ROUND = 8
const CHANGES = ['DANG_XU_LY', 'BO_SUNG', 'DA_CO_KET_QUA']
const EXPECTED_STEPS = ['4', '5', '9']

const closers: Array<() => Promise<void>> = []
let stalls = 0
let fencedOrWaiting = 0

function racingWorker (name: string): void {
  const conn = new Redis(redis.url)
  const log = pino({ level: 'silent' })
  const store = new DossierStore(conn, { prefix: 'lt', retentionDays: 1 })
  const breaker = new CircuitBreaker(conn, store.keys.breaker(), { threshold: 50, cooldownMs: 100, maxCooldownMs: 500, probeTimeoutMs: 4000 })
  const portal = new PortalClient({
    url: sim.url,
    username: 'lienthong',
    password: 'lienthong-dev',
    timeoutMs: PORTAL_TIMEOUT_MS,
    connections: 4,
    redis: conn,
    sessionKey: store.keys.portalSession(),
    log,
    maxRetryAfterMs: 500,
    maxReplyBytes: 1024 * 1024
  })
  const flusher = new AgencyFlusher(store, new PortalSync(store, new PortalCalls(store.delivery, portal, breaker), log), breaker, {
    batchSize: 5, retryWindowMs: 3_600_000, ownerTtlMs: 60_000, leaseMs: leaseFor(PORTAL_TIMEOUT_MS)
  }, log)
  const worker = new Worker(DELIVERY_QUEUE, async (job: Job, token?: string) => {
    if (job.name !== 'flush-agency') return
    try {
      const r = await flusher.process(job as Job<JobPayloads['flush-agency']>, token)
      if (r.outcome === 'fenced') fencedOrWaiting++
      return r
    } catch (err) {
      // Delayed while an earlier run still holds the lease.
      if ((err as Error).name === 'DelayedError' && job.attemptsMade === 0) fencedOrWaiting++
      throw err
    }
  }, {
    name,
    connection: { url: redis.url, maxRetriesPerRequest: null },
    prefix: '{lt-queue}',
    concurrency: 4,
    // The lock lapses during every portal call: each job is re-run while its first run goes on.
    lockDuration: 250,
    stalledInterval: 150,
    skipLockRenewal: true,
    maxStalledCount: 1_000_000,
    settings: { backoffStrategy: (n: number, _type?: string, err?: Error) => backoffDelay(n, err, 50, 300) }
  })
  worker.on('stalled', () => { stalls++ })
  worker.on('error', () => {})
  closers.push(async () => { await worker.close(true); await portal.close(); conn.disconnect() })
}

const { redis, sim, gw: api } = useStack(t, { simulator: { faults: { latencyMs: 400 } }, env: { ROLE: 'api' } })
t.before(async () => {
  racingWorker('w1')
  racingWorker('w2')
})
// Registered after the stack's, so it runs first (tap runs teardowns last in, first out).
t.teardown(async () => { for (const c of closers) await c() })

t.test(`${ROUNDS} rounds of racing runs: steps complete, in order, once`, async t => {
  const key = api.keys['civil-status'] as string
  let n = 700
  for (let round = 1; round <= ROUNDS; round++) {
    const codes = await Promise.all(Array.from({ length: PER_ROUND }, async () => {
      const doc = civilStatus(++n)
      const first = await post(api.url, key, 'civil-status', doc)
      if (first.status !== 202) throw new Error(first.text)
      for (const s of CHANGES) {
        const r = await post(api.url, key, 'civil-status', { ...doc, trangThai: s })
        if (r.status !== 202) throw new Error(r.text)
      }
      return first.json.maHoSo as string
    }))
    await waitFor(() => codes.every(c => (sim.state.dossier(c)?.stepsAccepted ?? 0) >= EXPECTED_STEPS.length),
      { timeoutMs: 120_000, what: `round ${round}: every step on the portal` })
    // Any run that would send a step twice would have done so by the time the outbox is empty.
    await waitFor(async () => await api.app.store.delivery.size(codes[0]?.split('-')[0] as string) === 0 &&
      await api.app.redis.exists(api.app.store.keys.flushOwner(codes[0]?.split('-')[0] as string)) === 0,
    { timeoutMs: 60_000, what: `round ${round}: the outbox drained and released` })
    for (const c of codes) {
      const d = sim.state.dossier(c)
      t.equal(d?.creates, 1, `${c} created once`)
      t.same(d?.steps.map(s => s.tienDo.TrangThai), EXPECTED_STEPS, `${c}: steps complete, in order, once`)
    }
  }
  t.ok(stalls > 0, `BullMQ did hand stalled jobs over (${stalls} times)`)
  t.ok(fencedOrWaiting > 0, 'and a re-run was kept off the outbox')
})
