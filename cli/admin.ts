/** `lienthong admin …`: what waits for a person, and what an operator does about it. */
import { readFileSync } from 'node:fs'
import { Command, Option } from 'commander'
import { api, seg, table, type Api, type Message } from './api.js'
import { bulkReplay, replayFilter } from './bulk.js'
import { editableRecord } from '../src/web/record-form.js'
import { actionName, countText, formatDate, isWord, reasonText, registerSystemTitles, systemName, valueName, words, type Lang, type Word } from '../src/web/i18n.js'

/** The CLI speaks the page's dictionary: Vietnamese unless LIENTHONG_LANG=en. */
const lang: Lang = process.env.LIENTHONG_LANG === 'en' ? 'en' : 'vi'
const t = words(lang)

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
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive integer: ${v}`)
  return n
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

function showDossier (code: string, d: DossierView): void {
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
  const admin = new Command('admin').description('what failed or waits for a person, and what to do about it')

  admin.command('failed').description('everything that waits for a person (GET /v1/admin/failed)')
    .addOption(new Option('--kind <kind>').choices(['delivery', 'webhook', 'review', 'unrouted', 'callback']))
    .option('--system <system>').option('--province <province>').option('--agency <agency>').option('--reason <code>', 'a reason code')
    .option('--limit <n>', 'items per page (1-500)', positiveInt).option('--all', 'every page').option('--json', 'JSON instead of a table')
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

  admin.command('show <maHoSo>').description('a dossier: state, status, failure, attempts, history').option('--json')
    .action(async (code: string, o: { json?: boolean }, cmd: Command) => {
      const d = await client(cmd).get<DossierView>(`/v1/dossiers/${seg(code)}`)
      if (o.json === true) json(d)
      else showDossier(code, d)
    })

  admin.command('replay <maHoSo>').description('send a failed dossier (or, --webhook, its failed webhook event) again now').option('--webhook')
    .action(async (code: string, o: { webhook?: boolean }, cmd: Command) => {
      const path = o.webhook === true ? `/v1/admin/webhooks/${seg(code)}/replay` : `/v1/admin/dossiers/${seg(code)}/replay`
      const r = await client(cmd).post<{ maHoSo: string, state: string }>(path)
      out(`${r.maHoSo} ${r.state}`)
    })

  admin.command('bulk-replay').description('replay every failed dossier a filter matches, with progress; Ctrl-C cancels the job')
    .option('--system <system>').option('--agency <agency>').option('--province <province>').option('--reason <code>')
    .option('--from <day>', 'failed on or after this day (dd/MM/yyyy or yyyy-MM-dd, Vietnam time) or instant (ISO 8601)')
    .option('--to <day>', 'failed on or before this day (the whole day) or instant').option('--no-wait', 'print the job and return')
    .action(async (o: { system?: string, agency?: string, province?: string, reason?: string, from?: string, to?: string, wait: boolean }, cmd: Command) => {
      process.exitCode = await bulkReplay(client(cmd), replayFilter(o), o.wait)
    })

  admin.command('edit <maHoSo> <file>').description('correct a failed or held dossier with the canonical record in <file>')
    .requiredOption('--reason <reason>', 'why (audit log)')
    .action(async (code: string, file: string, o: { reason: string }, cmd: Command) => {
      // The record itself, or what `admin show --json` printed (the API's view of the dossier).
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
      const dossier = editableRecord((parsed.dossier ?? parsed) as Record<string, unknown>)
      const a = client(cmd)
      const revision = await revisionOf(a, code)
      const r = await a.post<{ maHoSo: string, state: string }>(`/v1/admin/dossiers/${seg(code)}/edit`, { revision, reason: o.reason, dossier })
      out(`${r.maHoSo} ${r.state}`)
    })

  admin.command('discard <maHoSo>').description('give up on a failed or held dossier (or, --webhook, its failed webhook event)')
    .requiredOption('--reason <reason>', 'why (audit log)').option('--webhook')
    .action(async (code: string, o: { reason: string, webhook?: boolean }, cmd: Command) => {
      const path = o.webhook === true ? `/v1/admin/webhooks/${seg(code)}/discard` : `/v1/admin/dossiers/${seg(code)}/discard`
      const r = await client(cmd).post<{ maHoSo: string, state: string }>(path, { reason: o.reason })
      out(`${r.maHoSo} ${r.state}`)
    })

  admin.command('route <maHoSo> <clientId>').description('give an unrouted online dossier to a sector client')
    .action(async (code: string, clientId: string, _o: unknown, cmd: Command) => {
      const r = await client(cmd).post<{ maHoSo: string, state: string, client: string }>(`/v1/admin/dossiers/${seg(code)}/route`, { clientId })
      out(`${r.maHoSo} ${r.state} → ${r.client}`)
    })

  admin.command('settle <maHoSo> <communeCode>').description('settle a split commune: choose one of the candidates')
    .option('--target <target>', 'which review item, when there are several')
    .action(async (code: string, communeCode: string, o: { target?: string }, cmd: Command) => {
      const a = client(cmd)
      const revision = await revisionOf(a, code)
      const r = await a.post<{ maHoSo: string, state: string }>(`/v1/admin/dossiers/${seg(code)}/review`, { communeCode, revision, ...(o.target === undefined ? {} : { target: o.target }) })
      out(`${r.maHoSo} ${r.state}`)
    })

  admin.command('audit').description('the audit log, newest first')
    .option('--limit <n>', 'entries per page (1-500)', positiveInt).option('--all', 'every page').option('--json')
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
