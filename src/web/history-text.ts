/**
 * A timeline entry's details in words, from the one dictionary: event types, statuses, systems
 * and dates as an officer reads them. Technical fields (event ids, hashes, raw callback data)
 * stay on the API's reply (`GET /v1/dossiers/:maHoSo`), not on the page.
 */
import { formatDate, reasonText, statusName, systemName, valueName, words, type Lang } from './i18n.js'

type Entry = Record<string, unknown>

const text = (v: unknown): string | undefined => typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined
const when = (v: unknown): string | undefined => {
  const s = text(v)
  if (s === undefined) return undefined
  return /^\d{10,}$/.test(s) ? formatDate(Number(s)) : formatDate(s)
}

export function historyDetail (h: Entry, lang: Lang): string {
  const t = words(lang)
  const parts: string[] = []
  const add = (label: string | undefined, v: string | undefined): void => { if (v !== undefined) parts.push(label === undefined ? v : `${label}: ${v}`) }
  const type = text(h.type)
  add(undefined, type === undefined ? undefined : valueName('eventType', type, lang))
  const status = text(h.status)
  add(t('status'), status === undefined ? undefined : statusName(status, lang))
  const current = text(h.currentStatus)
  add(t('currentStatus'), current === undefined ? undefined : statusName(current, lang))
  const system = text(h.system)
  add(t('system'), system === undefined ? undefined : systemName(system, lang))
  add(t('connectedSystem'), text(h.client))
  add(t('actor'), text(h.by))
  add(t('dueDay'), when(h.dueAt))
  add(t('occurredAt'), when(h.occurredAt))
  add(t('sourceNumber'), text(h.sourceId))
  add(t('triesCount'), text(h.attempts))
  const code = text(h.code)
  add(t('reason'), code === undefined ? text(h.reason) : reasonText(code, lang))
  if (code !== undefined) add(t('reply'), text(h.reason))
  const routing = h.routing as { state?: unknown } | string | undefined
  const rs = typeof routing === 'string' ? routing : text(routing?.state)
  add(t('routing'), rs === undefined ? undefined : valueName('routingState', rs, lang))
  return parts.join(' · ')
}

/** A bulk replay's (or a recovery's) filter in words: "Hệ thống: Hộ tịch · Lý do: … · Từ: 01/12/2026 00:00". */
export function filterText (filter: unknown, lang: Lang): string {
  if (filter === null || typeof filter !== 'object') return ''
  const t = words(lang)
  const f = filter as Record<string, unknown>
  const parts: string[] = []
  const add = (label: string, v: string | undefined): void => { if (v !== undefined) parts.push(`${label}: ${v}`) }
  const s = text(f.system)
  add(t('system'), s === undefined ? undefined : systemName(s, lang))
  add(t('province'), text(f.province))
  add(t('agency'), text(f.agency))
  const r = text(f.reason)
  add(t('reason'), r === undefined ? undefined : reasonText(r, lang))
  add(t('fromDay'), when(f.from))
  add(t('toDay'), when(f.to))
  const client = text(f.client)
  add(t('connectedSystem'), client)
  return parts.length === 0 ? t('noFilter') : parts.join(' · ')
}
