/**
 * What a test of online dossiers needs besides the gateway: a Redis, the portal simulator that
 * signs callbacks, a sector system's webhook receiver, a routing file that sends the birth
 * registration procedure to `civil-status`, and that system's client with its webhook.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RedisServer } from '../../support/redis-server.js'
import { newKey, newWebhookSecret, type TestClient } from '../../support/clients-file.js'
import { startSimulator, startSectorStub, type RunningSimulator, type SectorStub } from '../../simulator/index.js'

export const ONLINE_AGENCY = '000.00.31.H42'
export const CALLBACK_SECRET = 'portal-callback-secret-for-tests'

export interface OnlineFixture {
  redis: RedisServer
  sim: RunningSimulator
  stub: SectorStub
  /** PORTAL_CALLBACK_SECRET and ROUTING_FILE for the gateway. */
  env: Record<string, string>
  client: TestClient
  close: () => Promise<void>
}

export async function onlineFixture (): Promise<OnlineFixture> {
  const redis = await RedisServer.start()
  const sim = await startSimulator({ callbackSecret: CALLBACK_SECRET })
  const webhookSecret = newWebhookSecret()
  const stub = await startSectorStub({ secret: webhookSecret })
  const routing = join(mkdtempSync(join(tmpdir(), 'lt-routing-')), 'routing.json')
  writeFileSync(routing, JSON.stringify({ routes: [{ procedure: '1.001193', system: 'civil-status' }] }))
  return {
    redis,
    sim,
    stub,
    env: { PORTAL_CALLBACK_SECRET: CALLBACK_SECRET, ROUTING_FILE: routing },
    client: { id: 'hotich-31', key: newKey(), system: 'civil-status', agencies: [ONLINE_AGENCY], webhook: { url: stub.url, secret: webhookSecret } },
    close: async () => { await stub.close(); await sim.close(); await redis.close() }
  }
}
