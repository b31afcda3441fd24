/**
 * `lienthong notices …`: applicant notices from a terminal, through the notices API
 * (http/routes/notices-admin.ts) with the operator's key: a dossier's notices, the failed and
 * not-sent ones, resend, the channels stopped and resume, the dossiers that owe an apology, and
 * the opt-out list. A phone given to `opt-out` is sent, never printed.
 */
import { Command, InvalidArgumentError } from 'commander'
import { api, seg, table, type Api } from './api.js'
import { lang as langNow, say, t } from './lang.js'
import { formatDate, registerSystemTitles, statusName, systemName, valueName, type Lang } from '../src/web/i18n.js'
import { channelText, noticeReason } from '../src/web/notice-text.js'

interface Global { url: string, key?: string }
interface Attempt { at: string, channel: string, outcome: string, reason?: string, code?: string }
interface Notice {
  id: string
  maHoSo: string
  kind: string
  state: string
  channel?: string
  createdAt: string
  sentAt?: string
  deliveredAt?: string
  endedAt?: string
  reason?: string
  reasonCode?: string
  attempts: number
  passed?: string[]
  history: Attempt[]
}
interface ChannelState { name: string, mode: string, reason: string, code?: string, at: string, until?: string }
interface Owed { maHoSo: string, agency: string, system: string, status: string, dueAt: string }

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

/** The last thing that happened to it: delivered, sent, ended or created. */
function lastTime (n: Notice): string { return formatDate(n.deliveredAt ?? n.endedAt ?? n.sentAt ?? n.createdAt) }

function noticeRows (items: Notice[], l: Lang, withCode: boolean): string {
  const head = [...(withCode ? [t('code')] : []), t('cli_id'), t('noticeKind'), t('noticeChannel'), t('noticeState'), t('at'), t('noticeReason')]
  return table(head, items.map(n => [
    ...(withCode ? [n.maHoSo] : []), n.id, valueName('noticeKind', n.kind, l), n.channel === undefined ? '' : valueName('noticeChannel', n.channel, l),
    valueName('noticeState', n.state, l), lastTime(n), noticeReason(n, l)
  ]))
}

/** Every page of a paged list, or the first one. */
async function pages<T> (a: Api, path: string, q: Record<string, string | number | undefined>, all: boolean): Promise<{ items: T[], more: boolean, total?: number }> {
  const items: T[] = []
  let cursor: string | undefined
  let total: number | undefined
  for (;;) {
    const page = await a.get<{ items: T[], nextCursor?: string, total?: number }>(path, { ...q, cursor })
    items.push(...page.items)
    total = page.total
    cursor = page.nextCursor
    if (!all || cursor === undefined) break
  }
  return { items, more: cursor !== undefined, ...(total === undefined ? {} : { total }) }
}

export function noticesCommand (): Command {
  const l = langNow()
  const notices = new Command('notices').description(t('cli_notices'))

  notices.command('list <maHoSo>').description(t('cli_noticesList')).option('--json', t('cli_json'))
    .action(async (code: string, o: { json?: boolean }, cmd: Command) => {
      const { items } = await client(cmd).get<{ items: Notice[] }>(`/v1/dossiers/${seg(code)}/notices`)
      if (o.json === true) return json(items)
      if (items.length === 0) return out(t('cli_noNotices'))
      out(noticeRows(items, l, false))
      for (const n of items) {
        out(`${n.id}:`)
        for (const h of n.history) {
          const why = h.reason === undefined ? '' : ` — ${h.reason}${h.code === undefined || h.reason.includes(h.code) ? '' : ` (${h.code})`}`
          out(`  ${formatDate(h.at)}  ${valueName('noticeChannel', h.channel, l)}: ${valueName('noticeOutcome', h.outcome, l)}${why}`)
        }
      }
    })

  notices.command('failed').description(t('cli_noticesFailed'))
    .option('--agency <agency>', t('cli_optAgency')).option('--limit <n>', t('cli_optLimit'), positiveInt).option('--all', t('cli_optAll')).option('--json', t('cli_json'))
    .action(async (o: { agency?: string, limit?: number, all?: boolean, json?: boolean }, cmd: Command) => {
      const r = await pages<Notice>(client(cmd), '/v1/notices/failed', { agency: o.agency, limit: o.limit }, o.all === true)
      if (o.json === true) return json(r.items)
      out(noticeRows(r.items, l, true))
      out(say('cli_totalNotices', { total: r.total ?? r.items.length }))
      if (r.more) out(t('moreWithAll'))
    })

  notices.command('resend <id>').description(t('cli_noticesResend'))
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const r = await client(cmd).post<{ notice: Notice }>(`/v1/notices/${seg(id)}/resend`)
      out(say('cli_noticeQueued', { id: r.notice.id }))
    })

  notices.command('channels').description(t('cli_noticesChannels')).option('--json', t('cli_json'))
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const { items } = await client(cmd).get<{ items: ChannelState[] }>('/v1/notices/channels')
      if (o.json === true) return json(items)
      if (items.length === 0) return out(t('cli_noChannelStopped'))
      out(table([t('channelName'), t('channelMode'), t('noticeReason'), t('channelSince'), t('channelUntil')], items.map(c => [
        `${c.name} (${channelText(c.name, l)})`, t(c.mode === 'hold' ? 'channelMode_hold' : 'channelMode_skip'),
        c.code === undefined || c.reason.includes(c.code) ? c.reason : `${c.reason} (${c.code})`, formatDate(c.at), c.until === undefined ? '' : formatDate(c.until)
      ])))
    })

  notices.command('resume <name>').description(t('cli_noticesResume'))
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const r = await client(cmd).post<{ resumed: string, queued: number }>(`/v1/notices/channels/${seg(name)}/resume`)
      out(say('cli_channelResumed', { name: r.resumed, queued: r.queued }))
    })

  notices.command('owed').description(t('cli_noticesOwed'))
    .option('--limit <n>', t('cli_optLimit'), positiveInt).option('--all', t('cli_optAll')).option('--json', t('cli_json'))
    .action(async (o: { limit?: number, all?: boolean, json?: boolean }, cmd: Command) => {
      const r = await pages<Owed>(client(cmd), '/v1/notices/apologies-owed', { limit: o.limit }, o.all === true)
      if (o.json === true) return json(r.items)
      // The systems' names are in their mappings: loaded for this table only.
      registerSystemTitles((await (await import('../src/mappings/registry.js')).loadMappings()).titles())
      out(table([t('code'), t('system'), t('agency'), t('currentStatus'), t('dueDay')],
        r.items.map(d => [d.maHoSo, systemName(d.system, l), d.agency, statusName(d.status, l), formatDate(d.dueAt)])))
      out(say('cli_totalNotices', { total: r.items.length }))
      if (r.more) out(t('moreWithAll'))
    })

  notices.command('opt-out <phone>').description(t('cli_noticesOptOut')).option('--undo', t('cli_optUndo'))
    .action(async (phone: string, o: { undo?: boolean }, cmd: Command) => {
      const r = await client(cmd).post<{ optOut: boolean }>('/v1/notices/opt-outs', { phone, optOut: o.undo !== true })
      out(t(r.optOut ? 'cli_optedOut' : 'cli_optedIn'))
    })

  return notices
}
