/** `lienthong keys …`: API keys in the clients file (offline; a running gateway loads it on SIGHUP). */
import { Command, Option } from 'commander'
import { bootstrapClients, defaultClientsFile, issueClient, parseAgencies, readClientsDoc, revokeClient } from '../src/http/clients-file.js'
import { table } from './api.js'
import { lang, say, t } from './lang.js'
import { registerSystemTitles, systemName } from '../src/web/i18n.js'

function collect (v: string, prev: string[] = []): string[] { return [...prev, v] }

function fileOf (cmd: Command): string {
  return cmd.optsWithGlobals<{ file?: string }>().file ?? defaultClientsFile()
}

export function keysCommand (): Command {
  const keys = new Command('keys').description(t('cli_keys'))
    .option('--file <path>', t('cli_optFile'))

  keys.command('issue <clientId> [system]')
    .description(t('cli_issue'))
    .option('--agencies <list>', t('cli_optAgencies'), collect)
    .addOption(new Option('--role <role>', t('cli_optRole')).choices(['viewer', 'operator']))
    .option('--systems <list>', t('cli_optSystems'), collect)
    .action((id: string, system: string | undefined, o: { agencies?: string[], role?: string, systems?: string[] }, cmd: Command) => {
      const agencies = parseAgencies(o.agencies ?? [])
      const systems = [...new Set((o.systems ?? []).flatMap(s => s.split(',')).map(s => s.trim()).filter(s => s !== ''))]
      let entry: Record<string, unknown> & { id: string }
      if (o.role === undefined) {
        if (system === undefined) throw new Error(t('cli_needSystem'))
        if (agencies.length === 0) throw new Error(t('cli_needAgencies'))
        if (systems.length > 0) throw new Error(t('cli_systemsForAdmins'))
        entry = { id, system, agencies }
      } else {
        if (system !== undefined) throw new Error(t('cli_adminNoSystem'))
        entry = { id, role: o.role, ...(agencies.length > 0 ? { agencies } : {}), ...(systems.length > 0 ? { systems } : {}) }
      }
      const file = fileOf(cmd)
      if (readClientsDoc(file).clients.some(c => c.id === id)) throw new Error(say('cli_clientExists', { id, file }))
      const { key } = issueClient(file, entry)
      process.stderr.write(`${say('cli_clientAdded', { id, file })}\n`)
      process.stdout.write(`${say('cli_keyOnce', { key })}\n`)
    })

  keys.command('list').description(t('cli_list')).option('--json', t('cli_json'))
    .action(async (o: { json?: boolean }, cmd: Command) => {
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
      // The systems' names are in their mappings: loaded for this table only.
      registerSystemTitles((await import('../src/mappings/registry.js').then(async m => await m.loadMappings())).titles())
      const l = lang()
      const role = (r: string): string => r === 'viewer' ? t('role_viewer') : r === 'operator' ? t('role_operator') : r === 'sector' ? t('cli_role_sector') : r
      const names = (s: string[] | undefined): string | undefined => s?.map(x => systemName(x, l)).join(', ')
      process.stdout.write(table([t('cli_clientId'), t('role'), t('cli_systems'), t('cli_agencies'), t('cli_webhook')], rows.map(r => [
        r.id, role(r.role), names(r.system === undefined ? r.systems : [r.system]) ?? t('cli_allScope'), r.agencies?.join(',') ?? t('cli_allScope'), r.webhook ?? ''
      ])))
    })

  keys.command('revoke <clientId>').description(t('cli_revoke'))
    .action((id: string, _o: unknown, cmd: Command) => {
      const file = fileOf(cmd)
      if (!readClientsDoc(file).clients.some(c => c.id === id)) throw new Error(say('cli_clientMissing', { id, file }))
      revokeClient(file, id)
      process.stdout.write(`${say('cli_clientRemoved', { id, file })}\n`)
    })

  keys.command('bootstrap')
    .description(t('cli_bootstrap'))
    .option('--seed <path>', t('cli_optSeed'))
    .option('--keys-out <path>', t('cli_optKeysOut'))
    .option('--admin <clientId>', t('cli_optAdmin'))
    .option('--sector <id:system:agencies>', t('cli_optSector'), collect)
    .option('--owner <uid:gid>', t('cli_optOwner'))
    .action((o: { seed?: string, keysOut?: string, admin?: string, sector?: string[], owner?: string }, cmd: Command) => {
      const sectors = (o.sector ?? []).map(spec => {
        const [id, system, agencies] = spec.split(':')
        if (id === undefined || system === undefined || agencies === undefined || id === '' || system === '') throw new Error(say('cli_badSector', { spec }))
        return { id, system, agencies: parseAgencies([agencies]) }
      })
      let owner: { uid: number, gid: number } | undefined
      if (o.owner !== undefined) {
        const m = /^(\d+):(\d+)$/.exec(o.owner)
        if (m === null) throw new Error(say('cli_badOwner', { owner: o.owner }))
        owner = { uid: Number(m[1]), gid: Number(m[2]) }
      }
      const file = fileOf(cmd)
      const { action, clients } = bootstrapClients({ file, sectors, ...(o.seed === undefined ? {} : { seed: o.seed }), ...(o.keysOut === undefined ? {} : { keysOut: o.keysOut }), ...(o.admin === undefined ? {} : { admin: o.admin }), ...(owner === undefined ? {} : { owner }) })
      const vars = { file, n: clients, seed: o.seed ?? '', keysOut: o.keysOut ?? '' }
      process.stdout.write(`${say(action === 'seeded' ? 'cli_seeded' : action === 'kept' ? 'cli_kept' : 'cli_created', vars)}\n`)
    })

  return keys
}
