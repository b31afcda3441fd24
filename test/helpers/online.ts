/**
 * What a test of online dossiers needs besides the gateway: the portal simulator that signs
 * callbacks, a sector system's webhook receiver, a routing file that sends the birth registration
 * procedure to `civil-status`, and that system's client (`hotich-31`) with its webhook: options
 * for the test stack (helpers/fixture.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newKey, newWebhookSecret } from '../../support/clients-file.js'
import type { StackOptions } from './fixture.js'

export const ONLINE_AGENCY = '000.00.31.H42'
export const CALLBACK_SECRET = 'portal-callback-secret-for-tests'

/** The stack's options; `env` goes to the gateway over PORTAL_CALLBACK_SECRET and ROUTING_FILE. */
export function onlineStack (env: Record<string, string> = {}): StackOptions & { env: Record<string, string> } {
  const webhookSecret = newWebhookSecret()
  const routing = join(mkdtempSync(join(tmpdir(), 'lt-routing-')), 'routing.json')
  writeFileSync(routing, JSON.stringify({ routes: [{ procedure: '1.001193', system: 'civil-status' }] }))
  return {
    simulator: { callbackSecret: CALLBACK_SECRET },
    stub: { secret: webhookSecret },
    env: { PORTAL_CALLBACK_SECRET: CALLBACK_SECRET, ROUTING_FILE: routing, ...env },
    extraClients: ({ stub }) => [{ id: 'hotich-31', key: newKey(), system: 'civil-status', agencies: [ONLINE_AGENCY], webhook: { url: stub.url, secret: webhookSecret } }]
  }
}
