/** `lienthong admin …`: what waits for a person, and what an operator does about it. */
import { readFileSync } from 'node:fs'
import { Command, InvalidArgumentError, Option } from 'commander'
import { api, seg, table, type Api, type Message } from './api.js'
import { bulkReplay, replayFilter } from './bulk.js'
import { lang as langNow, readFailure, say, t } from './lang.js'
import { editableRecord } from '../src/web/record-form.js'
import { actionName, countText, formatDate, hasValue, isWord, reasonText, registerSystemTitles, systemName, valueName, type Lang, type Word } from '../src/web/i18n.js'

interface Global { url: string, key?: string }

/** The API of the global options; the key is only ever sent, never printed. */
function client (cmd: Command): Api {
  const g = cmd.optsWithGlobals<Global>()
  return api(g.url, g.key)
}

function out (s: string): void { process.stdout.write(s.endsWith('\n') ? s : `${s}\n`) }
function json (v: unknown): void { out(JSON.stringify(v, null, 2)) }

function positiveInt (v: string): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(say('cli_notPositive', { value: v }))
  return n
}

/** What an action left the dossier (or its webhook event) in, in words. */
function stateText (state: string, lang: Lang): string {
  if (hasValue('syncState', state)) return valueName('syncState', state, lang)
  const w = `cli_result_${state}`
  return isWord(w) ? t(w) : state
}

function done (r: { maHoSo: string, state: string }, lang: Lang): void { out(`${r.maHoSo}: ${stateText(r.state, lang)}`) }

function readJson (file: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw readFailure(file, err)
  }
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    throw new Error(say('cli_notJsonFile', { file }))
  }
}

interface FailedItem { kind: string, maHoSo: string, at: string, system?: string, agency?: string, reply?: string, reason: { code: string, message: Message } }
interface AuditEntry { id: string, at: string, actor: string, role: string, action: string, target?: string, outcome: string, detail?: string }
interface DossierView {
  compacted?: { at: string, message: { vi: string, en: string } }
  maHoSo?: string
  status: { code: string, vi: string, en: string }
  sync: { state: string, revision: number, onPortal: boolean, failure?: { code: string, reason: string, at: string, portalCode?: string }, review?: Array<{ target: string, oldCode: string, candidates: Array<{ code: string, name: string }> }> }
  attempts: Array<{ at: string, attempt: number, operation: string, outcome: string, httpStatus?: number, portalCode?: string, error?: string }>
  history: Array<{ at: string, kind: string }>
  routing?: { state: string, client?: string }
  webhooks: { failed?: { id: string, type: string, code: string, reason: string } }
}

async function revisionOf (a: Api, maHoSo: string): Promise<number> {
  return (await a.get<DossierView>(`/v1/dossiers/${seg(maHoSo)}`)).sync.revision
}

function showDossier (code: string, d: DossierView, lang: Lang): void {
  const lines = [
    `${t('code')}: ${code}`,
    `${t('status')}: ${d.status[lang]}`,
    `${t('syncState')}: ${valueName('syncState', d.sync.state, lang)} · ${t('revision')} ${d.sync.revision} · ${t(d.sync.onPortal ? 'onPortal' : 'notOnPortal')}`
  ]
  if (d.compacted !== undefined) lines.push(`${t('compacted')}: ${formatDate(d.compacted.at)} — ${d.compacted.message[lang]}`)
  const f = d.sync.failure
  if (f !== undefined) lines.push(`${t('failure')}: ${reasonText(f.code, lang)} — ${formatDate(f.at)} — ${t('portalReply')}: ${f.reason}`)
  for (const r of d.sync.review ?? []) lines.push(`${t('chooseCommune')} (${r.oldCode}): ${r.candidates.map(c => `${c.code} ${c.name}`).join(', ')}`)
  if (d.routing !== undefined) lines.push(`${t('routing')}: ${valueName('routingState', d.routing.state, lang)}${d.routing.client === undefined ? '' : ` → ${d.routing.client}`}`)
  const w = d.webhooks.failed
  if (w !== undefined) lines.push(`${t('kind_webhook')}: ${valueName('eventType', w.type, lang)} — ${reasonText(w.code, lang)}: ${w.reason}`)
  lines.push(`${t('attempts')}: ${d.attempts.length}`)
  for (const a of d.attempts.slice(-5)) {
    lines.push(`  ${formatDate(a.at)}  ${valueName('operation', a.operation, lang)} (${t('attemptNo')} ${a.attempt}): ${valueName('attemptOutcome', a.outcome, lang)}${a.httpStatus === undefined ? '' : ` · HTTP ${a.httpStatus}`}${a.error === undefined ? '' : ` · ${a.error}`}`)
  }
  lines.push(`${t('history')}: ${d.history.length}`)
  for (const h of d.history.slice(-5)) lines.push(`  ${formatDate(h.at)}  ${valueName('history', h.kind, lang)}`)
  out(lines.join('\n'))
}

export function adminCommand (): Command {
  const lang = langNow()
  const admin = new Command('admin').description(t('cli_admin'))

  admin.command('failed').description(t('cli_failed'))
    .addOption(new Option('--kind <kind>', t('cli_optKind')).choices(['delivery', 'webhook', 'review', 'unrouted', 'callback']))
    .option('--system <system>', t('cli_optSystem')).option('--province <province>', t('cli_optProvince')).option('--agency <agency>', t('cli_optAgency')).option('--reason <code>', t('cli_optReason'))
    .option('--limit <n>', t('cli_optLimit'), positiveInt).option('--all', t('cli_optAll')).option('--json', t('cli_json'))
    .action(async (o: { kind?: string, system?: string, province?: string, agency?: string, reason?: string, limit?: number, all?: boolean, json?: boolean }, cmd: Command) => {
      const a = client(cmd)
      const items: FailedItem[] = []
      let cursor: string | undefined
      do {
        const page = await a.get<{ items: FailedItem[], nextCursor?: string }>('/v1/admin/failed', { kind: o.kind, system: o.system, province: o.province, agency: o.agency, reason: o.reason, limit: o.limit, cursor })
        items.push(...page.items)
        cursor = page.nextCursor
      } while (o.all === true && cursor !== undefined)
      if (o.json === true) return json(items)
      const kind = (k: string): string => isWord(`kind_${k}`) ? t(`kind_${k}` as Word) : k
      // The systems' names are in their mappings: loaded for this table only.
      registerSystemTitles((await (await import('../src/mappings/registry.js')).loadMappings()).titles())
      out(table([t('at'), t('code'), t('kind'), t('system'), t('reason'), t('reply')],
        items.map(i => [formatDate(i.at), i.maHoSo, kind(i.kind), i.system === undefined ? '' : systemName(i.system, lang), i.reason.message[lang], i.reply ?? ''])))
      out(countText(items.length, lang))
      if (cursor !== undefined) out(t('moreWithAll'))
    })

  admin.command('show <maHoSo>').description(t('cli_show')).option('--json', t('cli_json'))
    .action(async (code: string, o: { json?: boolean }, cmd: Command) => {
      const d = await client(cmd).get<DossierView>(`/v1/dossiers/${seg(code)}`)
      if (o.json === true) json(d)
      else showDossier(code, d, lang)
    })

  admin.command('replay <maHoSo>').description(t('cli_replay')).option('--webhook', t('cli_optWebhook'))
    .action(async (code: string, o: { webhook?: boolean }, cmd: Command) => {
      const path = o.webhook === true ? `/v1/admin/webhooks/${seg(code)}/replay` : `/v1/admin/dossiers/${seg(code)}/replay`
      done(await client(cmd).post<{ maHoSo: string, state: string }>(path), lang)
    })

  admin.command('bulk-replay').description(t('cli_bulkReplay'))
    .option('--system <system>', t('cli_optSystem')).option('--agency <agency>', t('cli_optAgency')).option('--province <province>', t('cli_optProvince')).option('--reason <code>', t('cli_optReason'))
    .option('--from <day>', t('cli_optFrom'))
    .option('--to <day>', t('cli_optTo')).option('--no-wait', t('cli_optNoWait'))
    .action(async (o: { system?: string, agency?: string, province?: string, reason?: string, from?: string, to?: string, wait: boolean }, cmd: Command) => {
      process.exitCode = await bulkReplay(client(cmd), replayFilter(o), o.wait)
    })

  admin.command('edit <maHoSo> <file>').description(t('cli_edit'))
    .requiredOption('--reason <reason>', t('cli_optWhy'))
    .action(async (code: string, file: string, o: { reason: string }, cmd: Command) => {
      // The record itself, or what `admin show --json` printed (the API's view of the dossier).
      const parsed = readJson(file)
      const dossier = editableRecord((parsed.dossier ?? parsed) as Record<string, unknown>)
      const a = client(cmd)
      const revision = await revisionOf(a, code)
      done(await a.post<{ maHoSo: string, state: string }>(`/v1/admin/dossiers/${seg(code)}/edit`, { revision, reason: o.reason, dossier }), lang)
    })

  admin.command('discard <maHoSo>').description(t('cli_discard'))
    .requiredOption('--reason <reason>', t('cli_optWhy')).option('--webhook', t('cli_optWebhook'))
    .action(async (code: string, o: { reason: string, webhook?: boolean }, cmd: Command) => {
      const path = o.webhook === true ? `/v1/admin/webhooks/${seg(code)}/discard` : `/v1/admin/dossiers/${seg(code)}/discard`
      done(await client(cmd).post<{ maHoSo: string, state: string }>(path, { reason: o.reason }), lang)
    })

  admin.command('route <maHoSo> <clientId>').description(t('cli_route'))
    .action(async (code: string, clientId: string, _o: unknown, cmd: Command) => {
      const r = await client(cmd).post<{ maHoSo: string, state: string, client: string }>(`/v1/admin/dossiers/${seg(code)}/route`, { clientId })
      out(`${r.maHoSo}: ${stateText(r.state, lang)} → ${r.client}`)
    })

  admin.command('settle <maHoSo> <communeCode>').description(t('cli_settle'))
    .option('--target <target>', t('cli_optTarget'))
    .action(async (code: string, communeCode: string, o: { target?: string }, cmd: Command) => {
      const a = client(cmd)
      const revision = await revisionOf(a, code)
      done(await a.post<{ maHoSo: string, state: string }>(`/v1/admin/dossiers/${seg(code)}/review`, { communeCode, revision, ...(o.target === undefined ? {} : { target: o.target }) }), lang)
    })

  admin.command('audit').description(t('cli_audit'))
    .option('--limit <n>', t('cli_optLimit'), positiveInt).option('--all', t('cli_optAll')).option('--json', t('cli_json'))
    .action(async (o: { limit?: number, all?: boolean, json?: boolean }, cmd: Command) => {
      const a = client(cmd)
      const items: AuditEntry[] = []
      let before: string | undefined
      do {
        const page = await a.get<{ items: AuditEntry[], next?: string }>('/v1/admin/audit', { limit: o.limit, before })
        items.push(...page.items)
        before = page.next
      } while (o.all === true && before !== undefined)
      if (o.json === true) return json(items)
      out(table([t('at'), t('actor'), t('role'), t('action'), t('target'), t('outcome'), t('detail')],
        items.map(e => [formatDate(e.at), e.actor, t(e.role === 'viewer' ? 'role_viewer' : 'role_operator'), actionName(e.action, lang), e.target ?? '', valueName('auditOutcome', e.outcome, lang), e.detail ?? ''])))
    })

  return admin
}
