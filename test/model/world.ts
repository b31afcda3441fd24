/**
 * The real system of the model-based test: one redis-server, the portal simulator and a sector
 * stub for the whole file, and a fresh in-process gateway per sequence (Redis flushed, the
 * simulator reset), so each sequence starts from nothing and replays the same way.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { RedisServer } from '../../support/redis-server.js'
import { waitFor } from '../../support/wait.js'
import { newKey, newWebhookSecret } from '../../support/clients-file.js'
import { startSimulator, startSectorStub, type RunningSimulator, type SectorStub } from '../../simulator/index.js'
import { startGateway, type InProcessGateway } from '../helpers/gateway.js'

export const AGENCIES = ['000.00.31.H42', '000.00.12.H42'] as const
export const COMMUNES = ['18754', '18823', '18832'] as const
/** Routed to the civil-status client with a webhook; the other procedure has no route. */
export const ROUTED_PROCEDURE = '1.001193'
export const UNROUTED_PROCEDURE = '2.000001'
export const CALLBACK_SECRET = 'model-test-callback-secret'
export const RETENTION_MS = 86_400_000
/** Larger bodies get HTTP 413 from the simulator: one `big` dossier is over it, 50 small ones are not. */
export const SIM_BODY_LIMIT = 180_000

export interface Http { status: number, json: any }

export class World {
  gw: InProcessGateway | undefined
  readonly hotichKey = newKey()
  private constructor (readonly redis: RedisServer, readonly sim: RunningSimulator, readonly stub: SectorStub, readonly db: Redis, private readonly routing: string, private readonly secret: string) {}

  static async start (): Promise<World> {
    const redis = await RedisServer.start({ appendfsync: 'everysec' })
    const sim = await startSimulator({ callbackSecret: CALLBACK_SECRET, bodyLimitBytes: SIM_BODY_LIMIT, callbackBackoffMs: 20 })
    const secret = newWebhookSecret()
    const stub = await startSectorStub({ secret })
    const dir = mkdtempSync(join(tmpdir(), 'lt-model-'))
    const routing = join(dir, 'routing.json')
    writeFileSync(routing, JSON.stringify({ routes: [{ procedure: ROUTED_PROCEDURE, system: 'civil-status' }] }))
    return new World(redis, sim, stub, new Redis(redis.url), routing, secret)
  }

  get g (): InProcessGateway {
    if (this.gw === undefined) throw new Error('no gateway: call reset() first')
    return this.gw
  }

  /** A fresh gateway on an empty Redis and a reset portal. */
  async reset (): Promise<void> {
    await this.gw?.close()
    this.gw = undefined
    await this.db.flushall()
    await this.sim.reset()
    this.sim.setFaults({}, { replace: true })
    this.stub.setBehaviour({})
    this.stub.received.length = 0
    this.gw = await startGateway({
      redisUrl: this.redis.url,
      portalUrl: this.sim.url,
      env: {
        LOG_LEVEL: 'warn',
        PORTAL_CALLBACK_SECRET: CALLBACK_SECRET,
        ROUTING_FILE: this.routing,
        RETENTION_DAYS: String(RETENTION_MS / 86_400_000),
        // The test moves the deadline and compaction clocks itself.
        DEADLINE_SCAN_INTERVAL_MS: String(365 * 86_400_000),
        COMPACT_INTERVAL_MS: String(365 * 86_400_000),
        DUE_SOON_WINDOW: 'PT6H',
        WEBHOOK_RETRY_SCHEDULE_MS: '50,100,200',
        DELIVERY_SWEEP_INTERVAL_MS: '500'
      },
      extraClients: [{ id: 'hotich-model', key: this.hotichKey, system: 'civil-status', agencies: [AGENCIES[0]], webhook: { url: this.stub.url, secret: this.secret } }]
    })
    // The test moves the scans' clock: the schedules' first runs (on the wall clock) must be over.
    const { delivery, webhooks } = this.gw.app.queues
    await webhooks.removeJobScheduler('scan-deadlines')
    await delivery.removeJobScheduler('compact-dossiers')
    const clocked = new Set(['scan-deadlines', 'compact-dossiers'])
    await waitFor(async () => {
      const jobs = [...await webhooks.getJobs(['waiting', 'active', 'delayed', 'prioritized']), ...await delivery.getJobs(['waiting', 'active', 'delayed', 'prioritized'])]
      return !jobs.some(j => clocked.has(j.name))
    }, { what: 'the scheduled scans to be over' })
  }

  async close (): Promise<void> {
    await this.gw?.close()
    this.db.disconnect()
    await this.stub.close()
    await this.sim.close()
    await this.redis.close()
  }

  async call (method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}): Promise<Http> {
    const res = await fetch(`${this.g.url}${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) })
    })
    const text = await res.text()
    let json: any
    try { json = JSON.parse(text) } catch { json = text }
    return { status: res.status, json }
  }

  async admin (method: string, path: string, body?: unknown): Promise<Http> { return await this.call(method, path, this.g.keys.admin, body) }

  /** Nothing left to send: every outbox empty (unless the portal is down) and no webhook event waiting. */
  async drained (what: string, outbox = true): Promise<void> {
    await waitFor(async () => {
      for (const a of AGENCIES) {
        const [o, wh] = await Promise.all([this.db.zcard(`lt:{${a}}:outbox`), this.db.scard(`lt:{${a}}:whactive`)])
        if ((outbox ? o : 0) + wh > 0) return false
      }
      return true
    }, { timeoutMs: 60_000, what })
  }

  async outage (on: boolean): Promise<void> {
    this.sim.setFaults({ outage: on ? { status: 503 } : null })
  }
}
