/**
 * Clients files for tests, the demo and benchmarks: an admin and one sector client per system,
 * each with a fresh random key (only its SHA-256 is written).
 */
import { writeFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { hashKey } from '../src/http/plugins/clients.js'

export const SYSTEMS = ['canonical', 'civil-status', 'land', 'social-insurance', 'business-registration'] as const

export interface Keys { [system: string]: string, admin: string }

/** The agencies of the default test clients: every agency code of the fixtures and samples ends in `.H42`. */
export const TEST_AGENCIES = ['*.H42']

/** A client of a custom clients file; `key` is the plain key (only its hash is written). */
export interface TestClient { id: string, key: string, system?: string, role?: 'admin' | 'viewer' | 'operator', agencies?: string[], systems?: string[], webhook?: { url: string, secret: string } }

export function newKey (): string { return randomBytes(32).toString('base64url') }

/** A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
export function newWebhookSecret (): string { return `whsec_${randomBytes(32).toString('base64')}` }

/**
 * Writes `dir/clients.json`: an admin and one client per system (agencies `TEST_AGENCIES`),
 * with new keys unless `keys` gives them, plus `extra` clients. The file is replaced by a
 * rename, so a gateway reloading it (SIGHUP) never reads half of it.
 */
export function makeClients (dir: string, opts: { keys?: Keys, extra?: TestClient[], agencies?: string[] } = {}): { file: string, keys: Keys } {
  const keys: Keys = { ...opts.keys, admin: opts.keys?.admin ?? newKey() }
  const clients: Array<Record<string, unknown>> = [
    { id: 'admin', role: 'admin', keySha256: sha(keys.admin) }
  ]
  for (const s of SYSTEMS) {
    keys[s] = opts.keys?.[s] ?? newKey()
    clients.push({ id: `client-${s}`, system: s, agencies: opts.agencies ?? TEST_AGENCIES, keySha256: sha(keys[s]) })
  }
  for (const c of opts.extra ?? []) {
    const { key, ...rest } = c
    clients.push({ ...rest, keySha256: sha(key) })
  }
  const file = join(dir, 'clients.json')
  writeFileSync(`${file}.tmp`, JSON.stringify({ clients }, null, 2))
  renameSync(`${file}.tmp`, file)
  return { file, keys }
}

function sha (k: string): string { return hashKey(k).toString('hex') }
