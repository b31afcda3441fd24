/**
 * `npm run client -- <client-id> <system>` or `npm run client -- <client-id> --admin`:
 * creates an API key, adds its SHA-256 hash to the clients file, and prints the key once.
 * The key itself is stored nowhere.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { hashKey } from '../src/plugins/clients.js'

const [id, systemOrFlag] = process.argv.slice(2)
const file = process.env.CLIENTS_FILE ?? 'config/clients.json'
if (id === undefined || systemOrFlag === undefined) {
  process.stderr.write('usage: npm run client -- <client-id> <system>|--admin\n')
  process.exit(2)
}
const doc = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as { clients: Array<Record<string, string>> } : { clients: [] }
if (doc.clients.some(c => c.id === id)) {
  process.stderr.write(`client ${id} already exists in ${file}\n`)
  process.exit(1)
}
const key = randomBytes(32).toString('base64url')
const keySha256 = hashKey(key).toString('hex')
doc.clients.push(systemOrFlag === '--admin' ? { id, role: 'admin', keySha256 } : { id, system: systemOrFlag, keySha256 })
writeFileSync(file, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600 })
process.stdout.write(`client ${id} added to ${file}\nAPI key (shown once, keep it secret): ${key}\n`)
