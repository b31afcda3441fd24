/**
 * `npm run client -- <client-id> <system> --agencies <agency>[,<agency>…]` or
 * `npm run client -- <client-id> --admin`: creates an API key, adds its SHA-256 hash to the
 * clients file, and prints the key once. The key itself is stored nowhere.
 *
 * An agency is an exact code (`000.00.12.H42`) or `*.H42` for every agency of that province
 * (quote it in the shell). The file is checked as the gateway would load it, then replaced by a
 * rename: a gateway reloading it (SIGHUP) never reads half of it.
 */
import { parseArgs } from 'node:util'
import { defaultClientsFile, issueClient, parseAgencies } from '../src/http/clients-file.js'

const USAGE = 'usage: npm run client -- <client-id> <system> --agencies <agency>[,<agency>…]   (agency: 000.00.12.H42, or \'*.H42\' for a whole province)\n' +
  '       npm run client -- <client-id> --admin\n'

function die (message: string, code = 1): never {
  process.stderr.write(message.endsWith('\n') ? message : `${message}\n`)
  process.exit(code)
}

let args
try {
  args = parseArgs({ allowPositionals: true, options: { admin: { type: 'boolean' }, agencies: { type: 'string', multiple: true } } })
} catch (err) {
  die(`${(err as Error).message}\n${USAGE}`, 2)
}
const [id, system, ...extra] = args.positionals
const admin = args.values.admin === true
const agencies = parseAgencies(args.values.agencies ?? [])
if (id === undefined || extra.length > 0 || (admin ? system !== undefined : system === undefined)) die(USAGE, 2)
if (admin && agencies.length > 0) die('admins have no agencies: --agencies is for sector clients', 2)
if (!admin && agencies.length === 0) die(`a sector client needs the agencies it acts for (--agencies)\n${USAGE}`, 2)

const file = defaultClientsFile()
let key: string
try {
  key = issueClient(file, admin ? { id, role: 'admin' } : { id, system, agencies }).key
} catch (err) {
  die((err as Error).message)
}
process.stdout.write(`client ${id} added to ${file} (send SIGHUP to running gateways to load it)\nAPI key (shown once, keep it secret): ${key}\n`)
