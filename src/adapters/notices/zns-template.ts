/**
 * ZNS template data checked before sending (the contract's "Zalo ZNS"): exactly the parameters
 * the template declares, none empty, each of its type and within its length, the rendered
 * message at most 400 characters. Pure; lengths count code points of NFC text.
 */
import { localDateVn } from './local-time.js'

export type ZnsParamType = 'STRING' | 'NUMBER' | 'DATE'

export interface ZnsTemplate {
  id: string
  params: ReadonlyArray<{ name: string, type: ZnsParamType, maxLength: number }>
  /** The approved text with `<name>` where each parameter goes: what the rendered length is measured on. */
  text: string
}

export const ZNS_MAX_RENDERED = 400
export const ZNS_MAX_TRACKING_ID = 48

export type ZnsValue = string | number | Date

export type ZnsDataIssue =
  /** The data does not fit the template's declaration: a configuration fault of that template. */
  | { kind: 'missing' | 'extra' | 'type', param: string }
  /** This notice's values do not fit: the notice cannot go by this template. */
  | { kind: 'empty' | 'too-long', param: string }
  | { kind: 'rendered-too-long', length: number }

export type ZnsDataCheck = { ok: true, data: Record<string, string>, rendered: string } | { ok: false, issue: ZnsDataIssue }

const DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/

function validDate (s: string): boolean {
  const m = DATE.exec(s)
  if (m === null) return false
  const d = new Date(Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1])))
  return d.getUTCDate() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1
}

function asText (type: ZnsParamType, v: ZnsValue): string | undefined {
  if (v instanceof Date) return type === 'DATE' && !Number.isNaN(v.getTime()) ? localDateVn(v) : undefined
  if (typeof v === 'number') return type === 'NUMBER' && Number.isFinite(v) ? String(v) : undefined
  const s = v.normalize('NFC').trim()
  if (s === '') return s
  if (type === 'NUMBER') return /^-?\d+(\.\d+)?$/.test(s) ? s : undefined
  if (type === 'DATE') return validDate(s) ? s : undefined
  return s
}

function length (s: string): number { return [...s].length }

export function checkZnsData (template: ZnsTemplate, values: Readonly<Record<string, ZnsValue>>): ZnsDataCheck {
  const declared = new Set(template.params.map(p => p.name))
  for (const name of Object.keys(values)) {
    if (!declared.has(name)) return { ok: false, issue: { kind: 'extra', param: name } }
  }
  const data: Record<string, string> = {}
  for (const p of template.params) {
    const v = values[p.name]
    if (v === undefined || v === null) return { ok: false, issue: { kind: 'missing', param: p.name } }
    const s = asText(p.type, v)
    if (s === undefined) return { ok: false, issue: { kind: 'type', param: p.name } }
    if (s === '') return { ok: false, issue: { kind: 'empty', param: p.name } }
    if (length(s) > p.maxLength) return { ok: false, issue: { kind: 'too-long', param: p.name } }
    data[p.name] = s
  }
  const rendered = template.text.replace(/<([A-Za-z0-9_]+)>/g, (m, name: string) => data[name] ?? m)
  const n = length(rendered)
  if (n > ZNS_MAX_RENDERED) return { ok: false, issue: { kind: 'rendered-too-long', length: n } }
  return { ok: true, data, rendered }
}
