/** `lienthong keys …`: API keys in the clients file (offline; a running gateway loads it on SIGHUP). */
import { Command, Option } from 'commander'
import { bootstrapClients, defaultClientsFile, issueClient, parseAgencies, readClientsDoc, revokeClient } from '../src/clients-file.js'
import { table } from './api.js'

const RELOAD = 'send SIGHUP to running gateways to load it'

function collect (v: string, prev: string[] = []): string[] { return [...prev, v] }

function fileOf (cmd: Command): string {
  return cmd.optsWithGlobals<{ file?: string }>().file ?? defaultClientsFile()
}

export function keysCommand (): Command {
  const keys = new Command('keys').description('API keys in the clients file')
    .option('--file <path>', 'the clients file (default: $CLIENTS_FILE, else config/clients.json)')

  keys.command('issue <clientId> [system]')
    .description('a new key, shown once: a sector client (<system> --agencies) or an admin (--role viewer|operator)')
    .option('--agencies <list>', 'agency codes or *.<province>, comma-separated or repeated', collect)
    .addOption(new Option('--role <role>', 'an admin role').choices(['viewer', 'operator']))
    .option('--systems <list>', 'admins: the systems they see (default: every system)', collect)
    .action((id: string, system: string | undefined, o: { agencies?: string[], role?: string, systems?: string[] }, cmd: Command) => {
      const agencies = parseAgencies(o.agencies ?? [])
      const systems = [...new Set((o.systems ?? []).flatMap(s => s.split(',')).map(s => s.trim()).filter(s => s !== ''))]
      let entry: Record<string, unknown> & { id: string }
      if (o.role === undefined) {
        if (system === undefined) throw new Error('a sector client needs its <system> (or give --role viewer|operator for an admin)')
        if (agencies.length === 0) throw new Error('a sector client needs the agencies it acts for (--agencies 000.00.12.H42 or \'*.H42\')')
        if (systems.length > 0) throw new Error('--systems is for admins: a sector client has one <system>')
        entry = { id, system, agencies }
      } else {
        if (system !== undefined) throw new Error('an admin has no <system>: limit it with --systems')
        entry = { id, role: o.role, ...(agencies.length > 0 ? { agencies } : {}), ...(systems.length > 0 ? { systems } : {}) }
      }
      const file = fileOf(cmd)
      const { key } = issueClient(file, entry)
      process.stderr.write(`client ${id} added to ${file} (${RELOAD})\n`)
      process.stdout.write(`API key (shown once, keep it secret): ${key}\n`)
    })

  keys.command('list').description('the clients (ids, roles, systems, agencies; never keys or hashes)').option('--json')
    .action((o: { json?: boolean }, cmd: Command) => {
      // Only what says who may do what: hashes and webhook secrets stay in the file.
      const rows = readClientsDoc(fileOf(cmd)).clients.map(c => ({
        id: String(c.id),
        role: typeof c.role === 'string' ? c.role : 'sector',
        system: typeof c.system === 'string' ? c.system : undefined,
        systems: Array.isArray(c.systems) ? c.systems.map(String) : undefined,
        agencies: Array.isArray(c.agencies) ? c.agencies.map(String) : undefined,
        webhook: typeof c.webhook === 'object' && c.webhook !== null ? String((c.webhook as { url?: unknown }).url) : undefined
      }))
      if (o.json === true) {
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n')
        return
      }
      process.stdout.write(table(['id', 'role', 'systems', 'agencies', 'webhook'], rows.map(r => [
        r.id, r.role, r.system ?? r.systems?.join(',') ?? '(all)', r.agencies?.join(',') ?? '(all)', r.webhook ?? ''
      ])))
    })

  keys.command('revoke <clientId>').description('remove a client and its key')
    .action((id: string, _o: unknown, cmd: Command) => {
      const file = fileOf(cmd)
      revokeClient(file, id)
      process.stdout.write(`client ${id} removed from ${file} (${RELOAD}; until then running gateways still accept its key)\n`)
    })

  keys.command('bootstrap')
    .description('first run of a deployment: install --seed if it exists, else keep the clients file, else create one with new keys in --keys-out')
    .option('--seed <path>', 'a clients file made with `lienthong keys issue`, installed when present')
    .option('--keys-out <path>', 'where a first run writes its new keys (mode 0600; never printed)')
    .option('--admin <clientId>', 'first run: an operator admin with this id')
    .option('--sector <id:system:agencies>', 'first run: a sector client (agencies comma-separated); repeatable', collect)
    .option('--owner <uid:gid>', 'owner of the installed files (the gateway\'s user in its container)')
    .action((o: { seed?: string, keysOut?: string, admin?: string, sector?: string[], owner?: string }, cmd: Command) => {
      const sectors = (o.sector ?? []).map(spec => {
        const [id, system, agencies] = spec.split(':')
        if (id === undefined || system === undefined || agencies === undefined || id === '' || system === '') throw new Error(`--sector ${spec}: expected <id>:<system>:<agencies>`)
        return { id, system, agencies: parseAgencies([agencies]) }
      })
      let owner: { uid: number, gid: number } | undefined
      if (o.owner !== undefined) {
        const m = /^(\d+):(\d+)$/.exec(o.owner)
        if (m === null) throw new Error(`--owner ${o.owner}: expected <uid>:<gid>`)
        owner = { uid: Number(m[1]), gid: Number(m[2]) }
      }
      const file = fileOf(cmd)
      const { action, clients } = bootstrapClients({ file, sectors, ...(o.seed === undefined ? {} : { seed: o.seed }), ...(o.keysOut === undefined ? {} : { keysOut: o.keysOut }), ...(o.admin === undefined ? {} : { admin: o.admin }), ...(owner === undefined ? {} : { owner }) })
      const said = {
        seeded: `installed ${o.seed ?? ''} as ${file}`,
        kept: `kept ${file}`,
        created: `created ${file}; its keys are in ${o.keysOut ?? ''} (read them once, then delete the file)`
      }[action]
      process.stdout.write(`${said}: ${clients} client(s)\n`)
    })

  return keys
}
