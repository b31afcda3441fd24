/**
 * The notices file (`NOTICES_FILE`, JSON; schema in notices-schema.ts, a sample in
 * config/notices.sample.json). Checked whole when loaded: a file the gateway would misuse is
 * refused with an error naming the file and the entry (index and agency), never quoting
 * personal data; defaults are filled in here, so what the rest reads is complete.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Compile } from 'typebox/compile'
import type { ZnsTemplate } from './zns-template.js'
import { smsPlaceholders, toGsmAscii } from './sms-text.js'
import { DEFAULT_QUIET_HOURS, type QuietHours } from './quiet-hours.js'
import { CHANNELS, NOTICE_KINDS, NoticesFile, type NoticeKind } from './notices-schema.js'

export type Channel = (typeof CHANNELS)[number]

export interface AgencyNoticeConfig {
  agency: string
  kinds: readonly NoticeKind[]
  channels: readonly Channel[]
  quietHours: QuietHours
  centre: { parentAgency?: string, name: string, unit?: string, place: string, address: string, signerTitle: string, signerName?: string }
  zns?: { templates: Partial<Record<NoticeKind, ZnsTemplate>> }
  sms?: { brandname: string, templates: Partial<Record<NoticeKind, string>> }
  email?: { from: string, fromName?: string }
  ratingUrl?: string
}

export interface NoticesConfig {
  apologyGraceHours: number
  letterLinkDays: number
  agencies: ReadonlyMap<string, AgencyNoticeConfig>
}

export const DEFAULT_CHANNELS: readonly Channel[] = ['zns', 'sms', 'email']

const check = Compile(NoticesFile)

/** The agencies' notices, or an Error naming the file and the entry at fault. */
export function loadNotices (path: string): NoticesConfig {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(resolve(path), 'utf8').replace(/^\uFEFF/, ''))
  } catch (err) {
    throw new Error(`NOTICES_FILE ${path} cannot be read: ${err instanceof SyntaxError ? 'not valid JSON' : (err as Error).message}`)
  }
  return parseNotices(parsed, `NOTICES_FILE ${path}`)
}

export function parseNotices (parsed: unknown, label = 'NOTICES_FILE'): NoticesConfig {
  if (!check.Check(parsed)) {
    const first = check.Errors(parsed)[0]
    throw new Error(`${label}: ${where(parsed, first?.instancePath ?? '')} ${first === undefined ? 'is invalid' : schemaMessage(first)}`)
  }
  const doc = parsed as { apologyGraceHours?: number, letterLinkDays?: number, agencies: Array<Omit<AgencyNoticeConfig, 'kinds' | 'channels' | 'quietHours'> & { kinds?: NoticeKind[], channels?: Channel[], quietHours?: QuietHours }> }
  const agencies = new Map<string, AgencyNoticeConfig>()
  doc.agencies.forEach((a, i) => {
    const entry = `agency ${i} (${a.agency})`
    const fail = (what: string): never => { throw new Error(`${label}: ${entry} ${what}`) }
    if (agencies.has(a.agency)) fail('is given twice; give each agency once')
    const c: AgencyNoticeConfig = { ...a, kinds: a.kinds ?? NOTICE_KINDS, channels: a.channels ?? DEFAULT_CHANNELS, quietHours: a.quietHours ?? DEFAULT_QUIET_HOURS }
    for (const ch of c.channels) {
      if (ch === 'email' && c.email === undefined) fail('sends by email but has no "email" (the sender address)')
      if (ch === 'zns' && c.zns === undefined) fail('sends by zns but has no "zns" templates')
      if (ch === 'sms' && c.sms === undefined) fail('sends by sms but has no "sms" brandname and templates')
    }
    for (const kind of c.kinds) {
      if (c.channels.includes('zns') && c.zns?.templates[kind] === undefined) fail(`zns.templates has no template for ${kind}`)
      if (c.channels.includes('sms') && c.sms?.templates[kind] === undefined) fail(`sms.templates has no template for ${kind}`)
    }
    for (const [kind, t] of Object.entries(c.zns?.templates ?? {})) {
      const names = t.params.map(p => p.name)
      const dup = names.find((n, j) => names.indexOf(n) !== j)
      if (dup !== undefined) fail(`zns.templates.${kind}: parameter ${dup} is declared twice`)
      const inText = [...new Set([...t.text.matchAll(/<([A-Za-z0-9_]+)>/g)].map(m => m[1] as string))]
      const missing = names.filter(n => !inText.includes(n))
      const unknown = inText.filter(n => !names.includes(n))
      if (missing.length > 0 || unknown.length > 0) fail(`zns.templates.${kind}: the text's <parameters> (${inText.join(', ')}) are not the declared ones (${names.join(', ')})`)
    }
    for (const [kind, text] of Object.entries(c.sms?.templates ?? {})) {
      if (toGsmAscii(text) !== text) fail(`sms.templates.${kind}: has characters outside GSM-7 or diacritics; write it as registered with the carriers, without diacritics`)
      const bad = smsPlaceholders(text).find(p => p.max === 0)
      if (bad !== undefined) fail(`sms.templates.${kind}: {${bad.name},0} allows no character`)
    }
    agencies.set(a.agency, c)
  })
  return { apologyGraceHours: doc.apologyGraceHours ?? 24, letterLinkDays: doc.letterLinkDays ?? 30, agencies }
}

/** `/agencies/3/zns/templates/received/id` → `agency 3 (000.00.31.H42) zns.templates.received.id`. */
function where (parsed: unknown, instancePath: string): string {
  const m = /^\/agencies\/(\d+)(?:\/(.*))?$/.exec(instancePath)
  if (m === null) return instancePath === '' ? 'the file' : instancePath.slice(1).replace(/\//g, '.')
  const list = (parsed as { agencies: unknown[] }).agencies
  const a = list[Number(m[1])] as { agency?: unknown } | null
  const code = a !== null && typeof a === 'object' && typeof a.agency === 'string' && /^[0-9A-Z.]{1,30}$/.test(a.agency) ? ` (${a.agency})` : ''
  return `agency ${m[1] ?? ''}${code}${m[2] === undefined ? '' : ` ${m[2].replace(/\//g, '.')}`}`
}

function schemaMessage (e: { keyword: string, schemaPath: string, message: string, params: object }): string {
  if (e.keyword === 'boolean' && e.schemaPath.endsWith('additionalProperties')) return 'has a field that is not known here (see config/notices.sample.json)'
  if (e.keyword === 'required') {
    const names = (e.params as { requiredProperties?: unknown }).requiredProperties
    return `lacks ${Array.isArray(names) ? names.map(String).join(', ') : 'a required field'}`
  }
  return e.message
}
