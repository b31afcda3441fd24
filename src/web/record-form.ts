/**
 * The edit form: a canonical record as one input per leaf value, named by its path
 * (`holder.ids.0.number`), and back. Values keep the type they had (numbers, booleans); a value
 * that does not read as that type is sent as typed so that validation names the field. An
 * emptied field is left out, so that a required one is reported as missing.
 */

export interface Leaf { path: string, value: string, type: 'string' | 'number' | 'boolean' | 'null' }

export function flatten (v: unknown, base = ''): Leaf[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => flatten(x, base === '' ? String(i) : `${base}.${i}`))
  if (v !== null && typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => flatten(x, base === '' ? k : `${base}.${k}`))
  }
  if (typeof v === 'number') return [{ path: base, value: String(v), type: 'number' }]
  if (typeof v === 'boolean') return [{ path: base, value: String(v), type: 'boolean' }]
  if (v === null) return [{ path: base, value: '', type: 'null' }]
  return [{ path: base, value: String(v), type: 'string' }]
}

const UNSAFE = new Set(['__proto__', 'prototype', 'constructor'])

/** Sets the form's values on a copy of `original`, at the paths the original has only. */
export function applyForm (original: Record<string, unknown>, form: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(original)
  for (const leaf of flatten(original)) {
    const raw = form[`f.${leaf.path}`]
    if (typeof raw !== 'string') continue
    const text = raw.trim()
    const segs = leaf.path.split('.')
    if (segs.some(s => UNSAFE.has(s))) continue
    let parent: Record<string, unknown> | unknown[] = out
    for (const s of segs.slice(0, -1)) parent = (parent as Record<string, unknown>)[s] as Record<string, unknown>
    const last = segs.at(-1) ?? ''
    const set = (x: unknown): void => { (parent as Record<string, unknown>)[last] = x }
    if (text === '' && leaf.type !== 'null') {
      if (Array.isArray(parent)) set('')
      else delete (parent as Record<string, unknown>)[last]
      continue
    }
    if (leaf.type === 'number') set(/^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text)
    else if (leaf.type === 'boolean') set(text === 'true' ? true : text === 'false' ? false : text)
    else if (leaf.type === 'null') set(text === '' ? null : text)
    else set(text)
  }
  return out
}

/** An issue's field (`dossier.holder.ids[0].number`, `/holder/ids/0`) as a form path. */
export function formPath (field: string): string {
  return field.replace(/^dossier[./]?/, '').replace(/\[(\d+)\]/g, '.$1').replace(/\//g, '.').replace(/^\./, '')
}

/**
 * Each issue beside the input it names, or the first input below it (an empty list, a missing
 * object); the rest above the form.
 */
export function placeIssues<T extends { field: string }> (leaves: Leaf[], issues: T[]): { byPath: Map<string, T[]>, loose: T[] } {
  const byPath = new Map<string, T[]>()
  const loose: T[] = []
  for (const i of issues) {
    const p = formPath(i.field)
    const hit = leaves.find(l => l.path === p) ?? leaves.find(l => l.path.startsWith(`${p}.`))
    if (hit === undefined || p === '') loose.push(i)
    else byPath.set(hit.path, [...byPath.get(hit.path) ?? [], i])
  }
  return { byPath, loose }
}

/**
 * The record as the edit API takes it: the canonical view without what the gateway adds
 * (schema version, code, provenance), with the sender's number back as `sourceId`. A record
 * already in that shape is returned as it is.
 */
export function editableRecord (dossier: Record<string, unknown>): Record<string, unknown> {
  const { schemaVersion: _s, maHoSo: _m, provenance, ...rest } = dossier
  const sourceId = (provenance as { sourceId?: string } | undefined)?.sourceId ?? rest.sourceId
  return { sourceId, ...rest }
}
