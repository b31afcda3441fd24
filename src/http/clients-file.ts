/**
 * Changes to the clients file, shared by `npm run client` (scripts/new-client.ts) and
 * `lienthong keys`. Keys are created here and shown once by the caller; only their SHA-256 is
 * written. The file is checked as the gateway would load it, then replaced by a rename: a gateway
 * reloading it (SIGHUP) never reads half of it.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, chownSync, existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { hashKey, loadClients } from './plugins/clients.js'
import { ClientsFileError } from './clients-file-error.js'

export { ClientsFileError, type ClientsFileProblem } from './clients-file-error.js'

export interface ClientsDoc { clients: Array<Record<string, unknown>> }

/** Where the clients file is when nobody says: `CLIENTS_FILE`, else config/clients.json. */
export function defaultClientsFile (env: NodeJS.ProcessEnv = process.env): string {
  return env.CLIENTS_FILE ?? 'config/clients.json'
}

/** The file as written (a missing file is an empty list). */
export function readClientsDoc (file: string): ClientsDoc {
  if (!existsSync(file)) return { clients: [] }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ClientsDoc
  } catch (err) {
    const code = (err as { code?: unknown }).code
    throw new ClientsFileError(`${file} cannot be read: ${(err as Error).message}`, err instanceof SyntaxError ? 'notJson' : 'cannotRead',
      { file, why: typeof code === 'string' ? code : (err as Error).message })
  }
}

/** `A, b ,B` → `['A', 'B']`: agency codes are upper case; repeated flags and commas both work. */
export function parseAgencies (values: readonly string[]): string[] {
  return [...new Set(values.flatMap(a => a.split(',')).map(a => a.trim().toUpperCase()).filter(a => a !== ''))]
}

/** Writes `doc` to `file` if the gateway would load it; throws (nothing written) otherwise. */
export function writeClientsDoc (file: string, doc: ClientsDoc): void {
  const tmp = `${file}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600 })
  } catch (err) {
    throw cannotWrite(file, err)
  }
  try {
    loadClients(tmp)
  } catch (err) {
    unlinkSync(tmp)
    const message = `not written, the gateway would refuse the file: ${(err as Error).message.replace(tmp, file)}`
    if (!(err instanceof ClientsFileError)) throw new Error(message)
    const params = Object.fromEntries(Object.entries(err.params).map(([k, v]) => [k, v === tmp ? file : v]))
    throw new ClientsFileError(message, 'notWritten', { file }, new ClientsFileError(err.message.replace(tmp, file), err.problem, params))
  }
  try {
    renameSync(tmp, file)
  } catch (err) {
    unlinkSync(tmp)
    throw cannotWrite(file, err)
  }
}

/** A file system's refusal (EACCES, ENOENT…) by its code, the only part that is not English. */
function cannotWrite (file: string, err: unknown): ClientsFileError {
  const code = (err as { code?: unknown }).code
  return new ClientsFileError(`${file} cannot be written: ${(err as Error).message}`, 'cannotWrite', { file, why: typeof code === 'string' ? code : (err as Error).message })
}

/**
 * Adds `entry` (everything but the key) with a new key; returns the key, which is stored
 * nowhere. Throws if the id is taken or the gateway would refuse the result.
 */
export function issueClient (file: string, entry: Record<string, unknown> & { id: string }): { key: string } {
  const doc = readClientsDoc(file)
  if (doc.clients.some(c => c.id === entry.id)) throw new ClientsFileError(`client ${entry.id} already exists in ${file}`, 'exists', { id: entry.id, file })
  const key = randomBytes(32).toString('base64url')
  doc.clients.push({ ...entry, keySha256: hashKey(key).toString('hex') })
  writeClientsDoc(file, doc)
  return { key }
}

/** Removes the client `id`; throws if it is not in the file. */
export function revokeClient (file: string, id: string): void {
  const doc = readClientsDoc(file)
  const rest = doc.clients.filter(c => c.id !== id)
  if (rest.length === doc.clients.length) throw new ClientsFileError(`client ${id} is not in ${file}`, 'missing', { id, file })
  writeClientsDoc(file, { ...doc, clients: rest })
}

export interface BootstrapOptions {
  /** Where the gateway reads its clients (a volume of its own in the compose file). */
  file: string
  /** A clients file the operator made (`lienthong keys issue`): installed when it exists. */
  seed?: string
  /** Where first-run keys are written (mode 0600); never printed or logged. */
  keysOut?: string
  /** First run only: an operator admin with this id. */
  admin?: string
  /** First run only: sector clients. */
  sectors?: ReadonlyArray<{ id: string, system: string, agencies: string[] }>
  /** Who may read the installed files: the gateway's user in its container. */
  owner?: { uid: number, gid: number }
}

export type BootstrapAction = 'seeded' | 'kept' | 'created'

/**
 * The first run of a deployment: installs the operator's clients file if given, keeps the one
 * already installed, or else creates one with new keys written to `keysOut`. Idempotent, so it
 * runs on every start; whatever it installs is checked as the gateway would load it.
 */
export function bootstrapClients (o: BootstrapOptions): { action: BootstrapAction, clients: number } {
  let action: BootstrapAction
  if (o.seed !== undefined && existsSync(o.seed)) {
    writeClientsDoc(o.file, readClientsDoc(o.seed))
    action = 'seeded'
  } else if (existsSync(o.file)) {
    loadClients(o.file)
    action = 'kept'
  } else {
    if (o.keysOut === undefined) throw new ClientsFileError(`${o.file} does not exist and no --keys-out is given for the keys of a first run`, 'noKeysOut', { file: o.file })
    if (o.admin === undefined && (o.sectors ?? []).length === 0) throw new ClientsFileError(`${o.file} does not exist: give --admin or --sector to create it`, 'noFirstClient', { file: o.file })
    const doc: ClientsDoc = { clients: [] }
    const lines: string[] = ['# lienthong first-run API keys: shown nowhere else. Store them safely, then delete this file.']
    const add = (entry: Record<string, unknown> & { id: string }, what: string): void => {
      const key = randomBytes(32).toString('base64url')
      doc.clients.push({ ...entry, keySha256: hashKey(key).toString('hex') })
      lines.push(`${entry.id} (${what}): ${key}`)
    }
    if (o.admin !== undefined) add({ id: o.admin, role: 'operator' }, 'operator, every agency')
    for (const s of o.sectors ?? []) add({ ...s }, `${s.system}, ${s.agencies.join(',')}`)
    // Keys first: a crash between the two leaves no clients file, so the next run starts over.
    writeFileSync(o.keysOut, lines.join('\n') + '\n', { mode: 0o600 })
    writeClientsDoc(o.file, doc)
    action = 'created'
  }
  if (o.owner !== undefined) {
    for (const f of [o.file, ...(action === 'created' && o.keysOut !== undefined ? [o.keysOut] : [])]) {
      try {
        chownSync(f, o.owner.uid, o.owner.gid)
        chmodSync(f, 0o600)
      } catch (err) {
        throw cannotWrite(f, err)
      }
    }
  }
  return { action, clients: readClientsDoc(o.file).clients.length }
}
