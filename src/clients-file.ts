/**
 * Changes to the clients file, shared by `npm run client` (scripts/new-client.ts) and
 * `lienthong keys`. Keys are created here and shown once by the caller; only their SHA-256 is
 * written. The file is checked as the gateway would load it, then replaced by a rename: a gateway
 * reloading it (SIGHUP) never reads half of it.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { hashKey, loadClients } from './plugins/clients.js'

export interface ClientsDoc { clients: Array<Record<string, unknown>> }

/** Where the clients file is when nobody says: `CLIENTS_FILE`, else config/clients.json. */
export function defaultClientsFile (env: NodeJS.ProcessEnv = process.env): string {
  return env.CLIENTS_FILE ?? 'config/clients.json'
}

/** The file as written (a missing file is an empty list). */
export function readClientsDoc (file: string): ClientsDoc {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as ClientsDoc : { clients: [] }
}

/** `A, b ,B` → `['A', 'B']`: agency codes are upper case; repeated flags and commas both work. */
export function parseAgencies (values: readonly string[]): string[] {
  return [...new Set(values.flatMap(a => a.split(',')).map(a => a.trim().toUpperCase()).filter(a => a !== ''))]
}

/** Writes `doc` to `file` if the gateway would load it; throws (nothing written) otherwise. */
export function writeClientsDoc (file: string, doc: ClientsDoc): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600 })
  try {
    loadClients(tmp)
  } catch (err) {
    unlinkSync(tmp)
    throw new Error(`not written, the gateway would refuse the file: ${(err as Error).message.replace(tmp, file)}`)
  }
  renameSync(tmp, file)
}

/**
 * Adds `entry` (everything but the key) with a new key; returns the key, which is stored
 * nowhere. Throws if the id is taken or the gateway would refuse the result.
 */
export function issueClient (file: string, entry: Record<string, unknown> & { id: string }): { key: string } {
  const doc = readClientsDoc(file)
  if (doc.clients.some(c => c.id === entry.id)) throw new Error(`client ${entry.id} already exists in ${file}`)
  const key = randomBytes(32).toString('base64url')
  doc.clients.push({ ...entry, keySha256: hashKey(key).toString('hex') })
  writeClientsDoc(file, doc)
  return { key }
}

/** Removes the client `id`; throws if it is not in the file. */
export function revokeClient (file: string, id: string): void {
  const doc = readClientsDoc(file)
  const rest = doc.clients.filter(c => c.id !== id)
  if (rest.length === doc.clients.length) throw new Error(`client ${id} is not in ${file}`)
  writeClientsDoc(file, { ...doc, clients: rest })
}
